package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// directCheck is step 6's direct check: a test user logs in at Dexcom
// through the loopback Redirect URI and every data call is tried. It owns
// its run, its messages (dropped when from an earlier run) and its keys.
type directCheck struct {
	base
	runner
	k        runKeys
	stage    connect.Stage
	loginURL string
	outcome  *connect.Outcome
	err      error
	summary  string
	glucose  *glucoseModel
	dexcom   *dexcom.Client // the login, for ROOK's comparison
	// open and user are the parent's: how the login is reached and whose
	// name titles the glucose view ("" : the person's own login).
	open func() func(context.Context, string) error
	user func() string
}

// Step 6's direct-check messages, tagged with the run they belong to.
type (
	directMsg struct {
		run int
		msg tea.Msg
	}
	directTickMsg struct{ run int }
)

func (directMsg) forStep() onboarding.Step     { return onboarding.AuthenticateTestUser }
func (directTickMsg) forStep() onboarding.Step { return onboarding.AuthenticateTestUser }

func newDirectCheck(b base, open func() func(context.Context, string) error, user func() string) directCheck {
	k := b.keys
	return directCheck{base: b, runner: newRunner(b.theme), open: open, user: user,
		k: runKeys{Start: k.CheckDirect, Cancel: k.Cancel, Glucose: k.Glucose, Continue: k.Continue}}
}

// sync enables the keys: start when no run is under way (enter too while
// no result is shown: the page's first action), the rest when this run is
// the one shown.
func (d *directCheck) sync(busy, shown, enterStarts bool) {
	d.k.Start = d.keys.CheckDirectAgain
	if enterStarts {
		d.k.Start = d.keys.CheckDirect
	}
	d.k.sync(d.state, busy, shown, d.glucose != nil)
}

// Update handles the check's keys and messages; used is false for a
// message that is not the check's.
func (d *directCheck) Update(msg tea.Msg) (cmd tea.Cmd, used bool) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, d.k.Start):
			return d.start(), true
		case key.Matches(msg, d.k.Cancel):
			d.abandon()
			d.err = errors.New("cancelled: the login was stopped and the callback server closed")
			return nil, true
		}
		return d.k.common(msg, d.glucose)
	case directMsg:
		if msg.run != d.run {
			return nil, true // from a cancelled or replaced run
		}
		return d.event(msg.msg), true
	case directTickMsg:
		if msg.run != d.run || d.state != runRunning {
			return nil, true
		}
		d.now = d.s.Time()
		return d.tick(), true
	case spinner.TickMsg:
		return d.spinTick(msg), false
	}
	return nil, false
}

func (d *directCheck) tick() tea.Cmd {
	run := d.run
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return directTickMsg{run} })
}

// start runs the login and verification in the background; its stages
// come back through a channel, one message at a time.
func (d *directCheck) start() tea.Cmd {
	events := d.begin(d.s.Time())
	check, err := d.s.PlanCheckDirect(service.CheckRun{Open: d.open(),
		OnStage: func(st connect.Stage, u string) { events <- loginStageMsg{st, u} },
		Apply:   func(change func()) { events <- applyMsg{change} }})
	if err != nil {
		d.stop()
		d.state, d.err = runFailed, errors.New(explain(err))
		return nil
	}
	ctx := d.context()
	d.err, d.outcome, d.loginURL, d.stage = nil, nil, "", connect.StageListening
	d.deadline = d.started.Add(d.s.LoginWait())
	go func() {
		defer close(events)
		res, err := check(ctx)
		if res == nil {
			res = &service.CheckResult{Err: err, Report: &connect.Report{Error: err.Error()}}
		}
		events <- checkDoneMsg{result: res}
	}()
	return tea.Batch(d.listen(d.wrap), d.spin.Tick, d.tick())
}

func (d *directCheck) wrap(run int, m tea.Msg) tea.Msg { return directMsg{run, m} }

func (d *directCheck) event(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case applyMsg:
		m.change()
		return tea.Batch(d.listen(d.wrap), saveProgress(d.s), saveProfile(d.s, onboarding.AuthenticateTestUser))
	case loginStageMsg:
		d.stage = m.stage
		if m.url != "" {
			d.loginURL = m.url
		}
		return d.listen(d.wrap)
	case checkDoneMsg:
		d.stop()
		return d.finish(m.result)
	}
	return nil
}

// finish shows the result (recorded already through Apply).
func (d *directCheck) finish(res *service.CheckResult) tea.Cmd {
	d.outcome, d.err = res.Outcome, res.Err
	if !res.OK() {
		d.state = runFailed
		if d.err == nil && d.outcome != nil && d.outcome.Err != nil {
			d.err = d.outcome.Err
		}
		if d.err == nil && d.s.Profile.LastCheck != nil {
			d.err = errors.New(d.s.Profile.LastCheck.Summary)
		}
		if d.err == nil {
			d.err = errors.New(res.Report.Error)
		}
		return tea.Batch(saveProgress(d.s), saveProfile(d.s, onboarding.AuthenticateTestUser))
	}
	d.state = runDone
	d.glucose = d.newGlucose()
	d.summary = d.summaryText()
	d.dexcom = res.Outcome.Client
	return tea.Batch(saveProgress(d.s), saveProfile(d.s, onboarding.AuthenticateTestUser))
}

// newGlucose builds the glucose view on the check's last day of data.
func (d *directCheck) newGlucose() *glucoseModel {
	v := d.outcome.Verification
	title := "test user"
	if u := d.user(); u != "" {
		title = u
	}
	if dev := v.Device(); dev != nil {
		title += " · " + dev.Name()
	}
	g := newGlucoseModel(d.theme, d.keys, d.s.Time, title, ClientFetch(v.Client, v.Device()), d.s.ExportDir)
	g.seed(1, &GlucoseData{Start: v.Window.Start, End: v.Window.End, EGVs: v.EGVs, Events: v.Events, Device: v.Device()})
	return g
}

// View draws the run: nothing before it starts.
func (d *directCheck) View() string {
	th := d.theme
	switch d.state {
	case runRunning:
		return d.runningView()
	case runDone:
		return d.doneView()
	case runFailed:
		var b strings.Builder
		b.WriteString(th.Error.Render("✗ "+d.err.Error()) + "\n")
		if d.outcome != nil {
			b.WriteString(callsView(th, d.outcome.Calls))
			if h := d.outcome.Hint(); h != "" {
				b.WriteString(th.Warn.Render("What to do: "+h) + "\n")
			}
		}
		return b.String()
	}
	return ""
}

func (d *directCheck) runningView() string {
	th := d.theme
	var b strings.Builder
	what := map[connect.Stage]string{
		connect.StageListening:  "starting the callback server",
		connect.StageWaiting:    "waiting for the test user to log in",
		connect.StageExchanging: "exchanging the code for tokens",
		connect.StageVerifying:  "calling dataRange, devices, EGVs and events",
	}[d.stage]
	b.WriteString(d.spin.View() + " " + what)
	if d.stage == connect.StageWaiting {
		b.WriteString(th.Muted.Render("  " + formatClock(d.left()) + " left"))
	}
	b.WriteString("\n\n")
	if d.loginURL != "" {
		// The login ends at the loopback Redirect URL, which only this
		// machine's browser reaches.
		b.WriteString("If no browser opened, open this URL in a browser on this machine (the login returns to " + d.s.Loopback() + "):\n")
		b.WriteString(th.Code.Render(d.loginURL) + "\n\n")
	}
	b.WriteString(th.Muted.Render(keyDoes(d.k.Cancel, "cancels")))
	return b.String()
}

// doneView is the verified check; others are the keys of the other run
// (drawn by the page, which owns both).
func (d *directCheck) doneView() string {
	th := d.theme
	var b strings.Builder
	b.WriteString(th.OK.Render("✓ Verified directly with Dexcom: every call answered 200 and readings came back") + "\n")
	b.WriteString(callsView(th, d.outcome.Calls) + "\n")
	b.WriteString(d.summary)
	return b.String()
}

// summaryText is the latest reading and the day's figures in two lines,
// made once when the check finishes (not in View, which runs every frame).
func (d *directCheck) summaryText() string {
	th, v := d.theme, d.outcome.Verification
	latest := v.Latest()
	st := glucose.Compute(glucose.Readings(v.EGVs), v.Window.End.Sub(v.Window.Start))
	device := ""
	if dev := v.Device(); dev != nil {
		device = " · " + dev.Name()
	}
	return th.Header.Render("Glucose data") + th.Muted.Render(device) + "\n" +
		fmt.Sprintf("  latest %s mg/dL %s, %s ago\n", th.Title.Render(ReadingText(*latest, glucose.MgDL)), TrendArrow(latest.TrendOrUnknown()),
			agoText(d.s.Time().Sub(latest.At()))) +
		fmt.Sprintf("  %d readings today · mean %.0f · GMI %.1f%% · in range %.0f%%\n", st.Count, st.Mean, st.GMI, st.Ranges.InRange)
}

func callsView(th Theme, calls []dexcom.Call) string {
	var b strings.Builder
	for _, c := range calls {
		mark := th.OK.Render(fmt.Sprint(c.Status))
		if c.Status != http.StatusOK {
			mark = th.Error.Render(fmt.Sprint(c.Status))
		}
		name := strings.TrimPrefix(c.Path, "/v3/users/self/")
		b.WriteString(fmt.Sprintf("  %s %-10s %s %5d ms\n", c.Method, name, mark, c.Ms))
	}
	return b.String()
}
