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

// Step 6's messages from the run through ROOK: its events, and a change
// to the session it hands to Update (recording the result).
type (
	rookEventMsg struct{ e service.ROOKEvent }
	// applyMsg carries a change to the session from a run of step 6.
	applyMsg struct{ change func() }
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

// startROOK runs step 6 through ROOK in the background; its stages, the
// result and the webhook's delivery come back one message at a time.
func (p *connectPage) startROOK() tea.Cmd {
	defer p.sync()
	p.stop()
	p.runID++
	run := p.runID
	p.via = viaROOKRun
	events := make(chan tea.Msg, 16)
	plan, err := p.s.PlanThroughROOK(service.ROOKRun{Open: p.opener(), Dexcom: p.dexcom,
		OnEvent: func(e service.ROOKEvent) { events <- rookEventMsg{e} },
		Apply:   func(change func()) { events <- applyMsg{change} }})
	if err != nil {
		p.state, p.err, p.rook.result = connectFailed, fmt.Errorf("%s", explain(err)), nil
		return nil
	}
	p.rook.stages = plan.Stages
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.events = cancel, events
	p.state, p.err, p.rook.result, p.rook.delivery, p.rook.url = connectRunning, nil, nil, nil, ""
	p.rook.stage, p.rook.awaiting = service.StageAuthorizer, false
	p.started = p.s.Time()
	p.now, p.deadline = p.started, p.started.Add(plan.Timeout)
	go func() {
		defer close(events)
		_, _ = plan.Run(ctx) // its events say what happened
	}()
	return tea.Batch(p.listen(run), p.spin.Tick, p.tick())
}

// rookEvent handles what the run through ROOK sends.
func (p *connectPage) rookEvent(msg tea.Msg) (tea.Cmd, bool) {
	switch m := msg.(type) {
	case applyMsg:
		m.change()
		return tea.Batch(p.listen(p.runID), saveProgress(p.s), saveProfile(p.s, onboarding.AuthenticateTestUser)), true
	case rookEventMsg:
		switch e := m.e; e.Kind {
		case service.ROOKStageStarted:
			p.rook.stage = e.Stage
			if e.URL != "" && e.Stage == service.StageBrowser {
				p.rook.url = e.URL
			}
			return p.listen(p.runID), true
		case service.ROOKFinished:
			return p.finishROOK(e.Result, e.Awaiting), true
		case service.ROOKDelivered:
			p.rook.awaiting, p.rook.delivery = false, e.Delivery
			p.stop()
			return nil, true
		}
	}
	return nil, false
}

// finishROOK shows the result (recorded already) and builds the glucose
// view from ROOK's day.
func (p *connectPage) finishROOK(res *service.ROOKResult, awaiting bool) tea.Cmd {
	p.rook.result = res
	if !res.OK() {
		p.state, p.err = connectFailed, res.Finding
		p.stop()
		return nil
	}
	p.state = connectDone
	p.rook.awaiting = awaiting
	p.glucose = p.rookGlucose(res)
	if !awaiting {
		p.stop()
		return nil
	}
	return p.listen(p.runID)
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
	if uuid == "" {
		uuid = p.s.ROOKClientUUID() // a prefilled one
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
