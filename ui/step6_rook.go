package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// rookRun is step 6 through ROOK: the stage list while it runs (with the
// wait on ROOK's authorized list), and what it found. It owns its run,
// its messages (dropped when from an earlier run) and its keys.
type rookRun struct {
	base
	runner
	k        runKeys
	stages   []service.ROOKStage // the stages this run goes through
	seen     map[service.ROOKStage]string
	stage    service.ROOKStage
	url      string
	wait     *service.ROOKWait
	result   *service.ROOKResult
	delivery *service.Delivery
	awaiting bool // waiting for the webhook's delivery
	err      error
	glucose  *glucoseModel
	// open and dexcom are the parent's: how the login is reached and the
	// direct check's login (for the comparison), when it ran.
	open   func() func(context.Context, string) error
	dexcom func() *dexcom.Client
}

// Step 6's messages from the run through ROOK, tagged with their run: its
// events, and a change to the session it hands to Update (recording the
// result).
type (
	rookMsg struct {
		run int
		msg tea.Msg
	}
	rookTickMsg  struct{ run int }
	rookEventMsg struct{ e service.ROOKEvent }
	// applyMsg carries a change to the session from a run of step 6.
	applyMsg struct{ change func() }
)

func (rookMsg) forStep() onboarding.Step     { return onboarding.AuthenticateTestUser }
func (rookTickMsg) forStep() onboarding.Step { return onboarding.AuthenticateTestUser }

func newROOKRun(b base, open func() func(context.Context, string) error, dc func() *dexcom.Client) rookRun {
	k := b.keys
	return rookRun{base: b, runner: newRunner(b.theme), open: open, dexcom: dc,
		k: runKeys{Start: k.ROOK, Cancel: k.Cancel, Glucose: k.Glucose, Continue: k.Continue}}
}

func (r *rookRun) sync(busy, shown bool) { r.k.sync(r.state, busy, shown, r.glucose != nil) }

// Update handles the run's keys and messages; used is false for a
// message that is not the run's.
func (r *rookRun) Update(msg tea.Msg) (cmd tea.Cmd, used bool) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, r.k.Start):
			return r.start(), true
		case key.Matches(msg, r.k.Cancel):
			r.abandon()
			r.result, r.err = nil, errors.New("cancelled: the run through ROOK was stopped")
			return nil, true
		}
		return r.k.common(msg, r.glucose)
	case rookMsg:
		if msg.run != r.run {
			return nil, true // from a cancelled or replaced run
		}
		return r.event(msg.msg), true
	case rookTickMsg:
		if msg.run != r.run || r.state != runRunning {
			return nil, true
		}
		r.now = r.s.Time()
		return r.tick(), true
	case spinner.TickMsg:
		return r.spinTick(msg), false
	}
	return nil, false
}

func (r *rookRun) tick() tea.Cmd {
	run := r.run
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return rookTickMsg{run} })
}

func (r *rookRun) wrap(run int, m tea.Msg) tea.Msg { return rookMsg{run, m} }

// start runs step 6 through ROOK in the background; its stages, the wait,
// the result and the webhook's delivery come back one message at a time.
func (r *rookRun) start() tea.Cmd {
	events := r.begin(r.s.Time())
	plan, err := r.s.PlanThroughROOK(service.ROOKRun{Open: r.open(), Dexcom: r.dexcom(),
		OnEvent: func(e service.ROOKEvent) { events <- rookEventMsg{e} },
		Apply:   func(change func()) { events <- applyMsg{change} }})
	r.result, r.delivery, r.url, r.wait, r.awaiting, r.err = nil, nil, "", nil, false, nil
	if err != nil {
		r.stop()
		r.state, r.err = runFailed, errors.New(explain(err))
		return nil
	}
	r.stages, r.seen, r.stage = plan.Stages, map[service.ROOKStage]string{}, service.StageAuthorizer
	r.deadline = r.started.Add(plan.Timeout)
	ctx := r.context()
	go func() {
		defer close(events)
		_, _ = plan.Run(ctx) // its events say what happened
	}()
	return tea.Batch(r.listen(r.wrap), r.spin.Tick, r.tick())
}

// event handles what the run through ROOK sends.
func (r *rookRun) event(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case applyMsg:
		m.change()
		return tea.Batch(r.listen(r.wrap), saveProgress(r.s), saveProfile(r.s, onboarding.AuthenticateTestUser))
	case rookEventMsg:
		switch e := m.e; e.Kind {
		case service.ROOKStageStarted:
			r.stage, r.seen[e.Stage] = e.Stage, e.URL
			if e.URL != "" && e.Stage == service.StageBrowser {
				r.url = e.URL
			}
		case service.ROOKWaiting:
			w := e.Wait
			r.wait = &w
		case service.ROOKFinished:
			return r.finish(e.Result, e.Awaiting)
		case service.ROOKDelivered:
			r.awaiting, r.delivery = false, e.Delivery
			r.stop()
			return nil
		}
		return r.listen(r.wrap)
	}
	return nil
}

// finish shows the result (recorded already) and builds the glucose view
// from ROOK's day.
func (r *rookRun) finish(res *service.ROOKResult, awaiting bool) tea.Cmd {
	r.result = res
	if !res.OK() {
		r.state, r.err = runFailed, res.Finding
		r.stop()
		return nil
	}
	r.state = runDone
	r.awaiting = awaiting
	r.glucose = r.newGlucose(res)
	if !awaiting {
		r.stop()
		return nil
	}
	return r.listen(r.wrap)
}

// newGlucose shows ROOK's newest day in the glucose view.
func (r *rookRun) newGlucose(res *service.ROOKResult) *glucoseModel {
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
	g := newGlucoseModel(r.theme, r.keys, func() time.Time { return end }, "through ROOK · "+res.Report.UserID, fetch, r.s.ExportDir)
	g.source = "ROOK" // its samples carry no trend: the view says who sent none
	g.seed(1, &GlucoseData{Start: end.Add(-24 * time.Hour), End: end, EGVs: egvs})
	return g
}

// View draws the run: nothing before it starts.
func (r *rookRun) View() string {
	switch r.state {
	case runRunning:
		return r.runningView()
	case runDone:
		return r.doneView()
	case runFailed:
		return r.failedView()
	}
	return ""
}

// runningView is the stage list: done ones ticked, the current one with
// the spinner, the rest to come; at the browser, the wait and the URL.
func (r *rookRun) runningView() string {
	th := r.theme
	var b strings.Builder
	b.WriteString(th.Header.Render("Through ROOK") + "\n")
	b.WriteString(r.stageList())
	if r.stage == service.StageBrowser && r.url != "" {
		b.WriteString("\nIf no browser opened, open this URL (also from another machine):\n")
		b.WriteString(th.Code.Render(r.url) + "\n")
	}
	b.WriteString("\n" + th.Muted.Render(keyDoes(r.k.Cancel, "cancels")))
	return b.String()
}

// stageList draws every stage of the plan: passed ✓, the current one
// with the spinner (✗ when it failed), one the run went past without
// needing it (the user was connected already) –, the rest ·. The
// browser's line carries the wait on ROOK's list; the webhook's its URL.
func (r *rookRun) stageList() string {
	th := r.theme
	var b strings.Builder
	past := true // before the current stage
	for _, st := range r.stages {
		_, seen := r.seen[st]
		current := st == r.stage
		mark := th.OK.Render("✓")
		switch {
		case current && r.state == runRunning:
			mark = r.spin.View()
		case current && r.state == runFailed:
			mark = th.Error.Render("✗")
		case !past:
			mark = th.Muted.Render("·")
		case !seen:
			mark = th.Muted.Render("–")
		}
		line := "  " + mark + " " + hang(st.String(), r.width-6, 4) // continuation under the words
		switch {
		case st == service.StageWebhook && r.seen[st] != "":
			line += th.Muted.Render(": " + r.seen[st])
		case past && !seen && !current:
			line += th.Muted.Render(" (not needed: connected already)")
		}
		b.WriteString(line + "\n")
		if st == service.StageBrowser && seen {
			b.WriteString(r.waitLine())
		}
		if current {
			past = false
		}
	}
	return b.String()
}

// waitLine is the wait for the user to connect: how often ROOK's list
// was asked and for how long, else the time left.
func (r *rookRun) waitLine() string {
	th := r.theme
	switch {
	case r.wait != nil:
		return "    " + th.Muted.Render(r.wait.String()) + "\n"
	case r.stage == service.StageBrowser && r.state == runRunning:
		return "    " + th.Muted.Render(formatClock(r.left())+" left") + "\n"
	}
	return ""
}

// doneView is what the connection through ROOK showed.
func (r *rookRun) doneView() string {
	th, rep := r.theme, r.result.Report
	var b strings.Builder
	b.WriteString(th.OK.Render("✓ Connected through ROOK: ROOK reports Dexcom connected for "+rep.UserID) + "\n")
	if rep.AlreadyConnected {
		b.WriteString(th.Muted.Render("  (already connected: no login was needed)") + "\n")
	}
	b.WriteString(th.Muted.Render("  "+r.passed()) + "\n") // the list showed while it ran
	for _, d := range rep.Glucose {
		b.WriteString(fmt.Sprintf("  blood glucose from ROOK, %s: %d readings\n", d.Date, d.Count))
	}
	if c := rep.Comparison; c != nil {
		b.WriteString("  " + th.Title.Render(c.Summary) + "\n")
	}
	switch d := r.delivery; {
	case d != nil:
		b.WriteString(th.OK.Render("✓ Dexcom → ROOK → webhook: ") + fmt.Sprintf("%s for %s, %s, %d readings (answered %d)\n", d.DataStructure, d.UserID, d.Date, d.Readings, d.Status))
	case r.awaiting:
		b.WriteString("  " + r.spin.View() + " waiting for ROOK's delivery to the webhook…\n")
	}
	return b.String()
}

// passed sums the stages up once the run is done: how many ran, and how
// often ROOK's list was asked while the user logged in.
func (r *rookRun) passed() string {
	n := 0
	for _, st := range r.stages {
		if _, ok := r.seen[st]; ok {
			n++
		}
	}
	out := fmt.Sprintf("%d of %d stages ran and passed", n, len(r.stages))
	if r.wait != nil {
		times := "times"
		if r.wait.Asked == 1 {
			times = "time"
		}
		out += fmt.Sprintf("; ROOK's list was asked %d %s", r.wait.Asked, times)
	}
	return out
}

// failedView names what failed, where, and what to do.
func (r *rookRun) failedView() string {
	th := r.theme
	res := r.result
	if res == nil {
		return th.Error.Render("✗ "+r.err.Error()) + "\n"
	}
	var b strings.Builder
	b.WriteString(th.Header.Render("Through ROOK") + "\n")
	b.WriteString(r.stageList())
	b.WriteString(th.Error.Render(wrap(r.width, "✗ "+res.Finding.Cause)) + "\n")
	b.WriteString(th.Warn.Render(wrap(r.width, "What to do: "+res.Finding.Fix)) + "\n")
	return b.String()
}
