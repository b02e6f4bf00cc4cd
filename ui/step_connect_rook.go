package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// rookRun is step 6 through ROOK on the page: the credential fields (e
// edits them), the stage list while it runs, and what it found.
type rookRun struct {
	form     form
	editing  bool
	problem  string
	stages   []service.ROOKStage // the stages this run goes through
	stage    service.ROOKStage
	url      string
	result   *service.ROOKResult
	delivery *service.Delivery
	awaiting bool // waiting for the demo webhook's delivery
}

// Step 6's messages from the run through ROOK.
type (
	rookStageMsg struct {
		stage service.ROOKStage
		url   string
	}
	rookDoneMsg struct{ res *service.ROOKResult }
	deliveryMsg struct {
		d  service.Delivery
		ok bool
	}
)

// newROOKForm is the fields of step 6's spec (ROOK credentials, test user).
func newROOKForm(s *Session, k KeyMap) form {
	spec := service.SpecOf(onboarding.AuthenticateTestUser)
	var rows []service.Row
	for _, r := range spec.Rows {
		if r.Kind == service.Field {
			rows = append(rows, r)
		}
	}
	spec.Rows = rows
	return newForm(spec, s, k)
}

// editKey handles a key while the ROOK fields are being edited: answers
// are stored as in every step form; esc or enter on the last one leaves.
func (p *connectPage) editKey(msg tea.KeyMsg) tea.Cmd {
	r := &p.rook
	ev, row, cmd := r.form.update(msg)
	store := func(enter bool) tea.Cmd {
		if row == nil || row.Kind != service.Field {
			return nil
		}
		if !enter && strings.TrimSpace(row.input.Value()) == row.Get(p.s) {
			return nil
		}
		v, err := p.s.Answer(onboarding.AuthenticateTestUser, row.Row, row.input.Value())
		if err != nil {
			r.problem = explain(err)
			return nil
		}
		r.problem = ""
		if !row.Secret {
			row.input.SetValue(v)
		}
		return saveProfile(p.s, onboarding.AuthenticateTestUser)
	}
	switch ev {
	case evSubmit:
		save := store(true)
		if r.problem != "" {
			return tea.Batch(cmd, save)
		}
		if r.form.cursor == len(r.form.rows)-1 {
			r.form.blur()
			r.editing = false
			return tea.Batch(cmd, save)
		}
		return tea.Batch(cmd, save, r.form.move(r.form.cursor+1))
	case evMoved:
		save := store(false)
		if key.Matches(msg, r.form.keys.Leave) && !r.form.capturing() {
			r.editing = false
		}
		return tea.Batch(cmd, save)
	case evEdited:
		r.problem = ""
	case evNone:
		if key.Matches(msg, p.k.Cancel) {
			r.editing = false
		}
	}
	return cmd
}

// startROOK runs the leg in the background; stages, the result and the
// demo's webhook delivery come back one message at a time.
func (p *connectPage) startROOK() tea.Cmd {
	defer p.sync()
	p.stop()
	p.runID++
	run := p.runID
	p.via = viaROOKRun
	leg, err := p.s.ROOKLegOf(p.opener(), p.dexcom)
	if err != nil {
		p.state, p.err, p.rook.result = connectFailed, fmt.Errorf("%s", explain(err)), nil
		return nil
	}
	p.rook.stages = nil
	for _, st := range service.ROOKStages() {
		if (st == service.StageCompare && leg.Dexcom == nil) || (st == service.StageWebhook && leg.WebhookURL == "") {
			continue
		}
		p.rook.stages = append(p.rook.stages, st)
	}
	events := make(chan tea.Msg, 16)
	leg.OnStage = func(st service.ROOKStage, u string) { events <- rookStageMsg{st, u} }
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.events = cancel, events
	p.state, p.err, p.rook.result, p.rook.delivery, p.rook.url = connectRunning, nil, nil, nil, ""
	p.rook.stage, p.rook.awaiting = service.StageAuthorizer, false
	p.started = p.s.Time()
	p.now, p.deadline = p.started, p.started.Add(leg.Timeout)
	s, user := p.s, leg.UserID
	go func() {
		defer close(events)
		since := time.Now() // the webhook stamps deliveries with the wall clock
		res := leg.Run(ctx)
		events <- rookDoneMsg{res}
		if res.OK() && !res.Report.AlreadyConnected && s.Demo != nil && s.Demo.ROOK != nil { // ROOK pushes after a new connection
			d, ok := s.AwaitDelivery(ctx, user, since, 15*time.Second)
			events <- deliveryMsg{d, ok}
		}
	}()
	return tea.Batch(p.listen(run), p.spin.Tick, p.tick())
}

// rookEvent handles what the run through ROOK sends.
func (p *connectPage) rookEvent(msg tea.Msg) (tea.Cmd, bool) {
	switch m := msg.(type) {
	case rookStageMsg:
		p.rook.stage = m.stage
		if m.url != "" && m.stage == service.StageBrowser {
			p.rook.url = m.url
		}
		return p.listen(p.runID), true
	case rookDoneMsg:
		return p.finishROOK(m.res), true
	case deliveryMsg:
		p.rook.awaiting = false
		if m.ok {
			d := m.d
			p.rook.delivery = &d
		}
		p.stop()
		return nil, true
	}
	return nil, false
}

// finishROOK records the result and builds the glucose view from ROOK's day.
func (p *connectPage) finishROOK(res *service.ROOKResult) tea.Cmd {
	p.rook.result = res
	p.s.RecordROOK(res)
	save := tea.Batch(saveProgress(p.s), saveProfile(p.s, onboarding.AuthenticateTestUser))
	if !res.OK() {
		p.state, p.err = connectFailed, res.Finding
		p.stop()
		return save
	}
	p.state = connectDone
	p.rook.awaiting = p.s.Demo != nil && p.s.Demo.ROOK != nil && !res.Report.AlreadyConnected
	p.glucose = p.rookGlucose(res)
	return tea.Batch(save, p.listen(p.runID))
}

// rookGlucose shows ROOK's newest day in the glucose view.
func (p *connectPage) rookGlucose(res *service.ROOKResult) *glucoseModel {
	egvs := service.ROOKReadings(res.Latest)
	if len(egvs) == 0 {
		return nil
	}
	end := egvs[len(egvs)-1].At().Add(5 * time.Minute)
	fetch := func(_ context.Context, start, stop time.Time) (*GlucoseData, error) {
		var in []dexcom.EGV
		for _, e := range egvs {
			if !e.At().Before(start) && e.At().Before(stop) {
				in = append(in, e)
			}
		}
		return &GlucoseData{Start: start, End: stop, EGVs: in}, nil
	}
	g := newGlucoseModel(p.theme, p.keys, func() time.Time { return end }, "through ROOK · "+res.Report.UserID, fetch, p.s.ExportDir)
	g.seed(1, &GlucoseData{Start: end.Add(-24 * time.Hour), End: end, EGVs: egvs})
	return g
}

// rookRunningView is the stage list: done ones ticked, the current one
// with the spinner, the rest to come.
func (p *connectPage) rookRunningView() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.Header.Render("Through ROOK") + "\n")
	b.WriteString(p.stageList(false))
	if p.rook.stage == service.StageBrowser {
		left := p.deadline.Sub(p.now).Round(time.Second)
		b.WriteString(th.Muted.Render(fmt.Sprintf("  %s left", formatClock(left))) + "\n")
		if p.rook.url != "" {
			b.WriteString("\nIf no browser opened, open this URL (also from another machine):\n")
			b.WriteString(th.Code.Render(p.rook.url) + "\n")
		}
	}
	b.WriteString("\n" + th.Muted.Render("esc cancels"))
	return b.String()
}

// stageList draws the stages; failed marks the current one as failed.
func (p *connectPage) stageList(failed bool) string {
	th := p.theme
	var b strings.Builder
	reached := false
	for _, st := range p.rook.stages {
		mark := th.OK.Render("✓")
		switch {
		case st == p.rook.stage && failed:
			mark, reached = th.Error.Render("✗"), true
		case st == p.rook.stage && p.state == connectRunning:
			mark, reached = p.spin.View(), true
		case reached || (st > p.rook.stage && p.state != connectDone):
			mark = th.Muted.Render("·")
		}
		b.WriteString("  " + mark + " " + st.String() + "\n")
	}
	return b.String()
}

// rookDoneView is what the connection through ROOK showed.
func (p *connectPage) rookDoneView() string {
	th, rep := p.theme, p.rook.result.Report
	var b strings.Builder
	b.WriteString(th.OK.Render("✓ Connected through ROOK: ROOK reports Dexcom connected for "+rep.UserID) + "\n")
	if rep.AlreadyConnected {
		b.WriteString(th.Muted.Render("  (already connected: no login was needed)") + "\n")
	}
	for _, d := range rep.Glucose {
		b.WriteString(fmt.Sprintf("  blood glucose from ROOK, %s: %d readings\n", d.Date, d.Count))
	}
	if c := rep.Comparison; c != nil {
		b.WriteString("  " + th.Title.Render(c.Summary) + "\n")
	}
	switch d := p.rook.delivery; {
	case d != nil:
		b.WriteString(th.OK.Render("✓ Dexcom → ROOK → webhook: ") + fmt.Sprintf("%s for %s, %s, %d readings (answered %d)\n", d.DataStructure, d.UserID, d.Date, d.Readings, d.Status))
	case p.rook.awaiting:
		b.WriteString("  " + p.spin.View() + " waiting for ROOK's delivery to the webhook…\n")
	}
	b.WriteString("\n" + th.Muted.Render("g shows ROOK's glucose data · enter continues · r connects again · c checks directly"))
	return b.String()
}

// rookFailedView names what failed, where, and what to do.
func (p *connectPage) rookFailedView() string {
	th := p.theme
	var b strings.Builder
	res := p.rook.result
	if res == nil {
		return th.Error.Render("✗ "+p.err.Error()) + "\n"
	}
	b.WriteString(th.Header.Render("Through ROOK") + "\n")
	b.WriteString(p.stageList(true))
	b.WriteString(th.Error.Render(wrap(p.width, "✗ "+res.Finding.Cause)) + "\n")
	b.WriteString(th.Warn.Render(wrap(p.width, "What to do: "+res.Finding.Fix)) + "\n")
	return b.String()
}

// rookIdleView shows the ROOK fields, edited in place with e.
func (p *connectPage) rookIdleView() string {
	th := p.theme
	if p.rook.editing {
		v, _ := p.rook.form.view(th, p.s)
		out := v
		if p.rook.problem != "" {
			out += th.Error.Render(p.rook.problem) + "\n"
		}
		return out + th.Muted.Render("enter stores · esc leaves") + "\n"
	}
	a := p.s.App()
	uuid := a.ROOKClientUUID
	if uuid == "" && p.s.Demo != nil {
		uuid = p.s.Demo.Prefill.ROOKClientUUID
	}
	if len(uuid) > 13 {
		uuid = uuid[:8] + "…" // not secret; the whole one is under e
	}
	if uuid == "" {
		uuid = th.Muted.Render("not set (e)")
	}
	user := a.ROOKUserID
	if user == "" {
		user = service.DefaultROOKUserID
	}
	return th.Key.Render("ROOK      ") + string(p.s.ROOKEnv()) + " · client " + uuid + "\n" +
		th.Key.Render("Test user ") + user + "\n"
}
