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

type connectState int

const (
	connectIdle connectState = iota
	connectRunning
	connectDone
	connectFailed
)

// connectPage is step 6: log a test user in and see data flow.
type connectPage struct {
	base
	state    connectState
	user     int // demo picker
	spin     spinner.Model
	cancel   context.CancelFunc
	events   chan tea.Msg
	started  time.Time
	deadline time.Time
	now      time.Time
	stage    connect.Stage
	loginURL string
	browser  bool // the demo login goes through the person's browser
	outcome  *connect.Outcome
	err      error
	glucose  *glucoseModel
	summary  string
	runID    int
	k        connectKeys
	via      runVia         // which run the page shows
	dexcom   *dexcom.Client // the direct check's login, for ROOK's comparison
	rook     rookRun
}

// runVia is which of step 6's runs the page shows.
type runVia int

const (
	viaDirectRun runVia = iota // check the credentials directly with Dexcom
	viaROOKRun                 // connect a test account through ROOK
)

// Step 6's background messages, tagged with the attempt they belong to.
type (
	tickMsg          struct{ run int }
	connectEventsMsg struct {
		run int
		msg tea.Msg
	}
)

func (tickMsg) forStep() onboarding.Step          { return onboarding.AuthenticateTestUser }
func (connectEventsMsg) forStep() onboarding.Step { return onboarding.AuthenticateTestUser }

func newConnectPage(b base) *connectPage {
	sp := spinner.New(spinner.WithSpinner(spinner.Dot))
	sp.Style = b.theme.Current
	k := b.keys
	direct := k.Connect
	direct.SetHelp("c", "check directly with Dexcom")
	p := &connectPage{base: b, spin: sp, k: connectKeys{Up: k.Up, Down: k.Down, Connect: direct, ROOK: k.ROOK, EditROOK: k.EditROOK, Glucose: k.Glucose,
		Browser: k.Browser, Continue: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")), Cancel: k.Cancel}}
	p.rook.form = newROOKForm(b.s, b.keys)
	defer p.sync()
	if t := b.s.TestLogins; t != nil {
		p.user = t.DefaultUser()
	}
	return p
}

func (p *connectPage) Step() onboarding.Step { return onboarding.AuthenticateTestUser }

// connectKeys are step 6's bindings; sync enables them with the state.
type connectKeys struct {
	Up, Down, ROOK, Connect, EditROOK, Glucose, Browser, Continue, Cancel key.Binding
}

func (p *connectPage) Keys() keySet {
	k := &p.k
	if p.rook.editing {
		return p.rook.form.keySet()
	}
	return keySet{&k.Up, &k.Down, &k.ROOK, &k.Connect, &k.EditROOK, &k.Glucose, &k.Browser, &k.Continue, &k.Cancel}
}

func (p *connectPage) sync() {
	k, running, done, testLogins := &p.k, p.state == connectRunning, p.state == connectDone, p.s.TestLogins != nil
	p.rook.form.sync()
	if p.rook.editing {
		enable(false, &k.Up, &k.Down, &k.ROOK, &k.Connect, &k.EditROOK, &k.Glucose, &k.Browser, &k.Continue, &k.Cancel)
		return
	}
	enable(!running && p.picker(), &k.Up, &k.Down)
	enable(!running && testLogins, &k.Browser)
	enable(!running, &k.Connect, &k.ROOK, &k.EditROOK)
	enable(!running && done && p.glucose != nil, &k.Glucose)
	enable(!running && done, &k.Continue)
	enable(running, &k.Cancel)
	if done {
		k.Connect.SetKeys("c")
	} else {
		k.Connect.SetKeys("c", "enter")
	}
}

func (p *connectPage) Enter() tea.Cmd {
	if p.state == connectRunning {
		return p.spin.Tick // the spinner stops while another page is shown
	}
	return nil
}

func (p *connectPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.rook.form.width = w
	for _, r := range p.rook.form.rows {
		r.input.Width = inputWidth(w)
	}
}

// Capturing is true while the ROOK fields are edited: every key is theirs.
func (p *connectPage) Capturing() bool { return p.rook.editing }

// picker reports whether the test-user picker shows: never on the
// production track.
func (p *connectPage) picker() bool {
	return p.s.TestLogins != nil && !p.s.Progress.Env.IsProduction()
}

func (p *connectPage) Update(msg tea.Msg) (page, tea.Cmd) {
	defer p.sync()
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if p.rook.editing {
			return p, p.editKey(msg)
		}
		return p, p.key(msg)
	case connectEventsMsg:
		if msg.run != p.runID {
			return p, nil // from a cancelled attempt
		}
		return p, p.event(msg.msg)
	case tickMsg:
		if msg.run != p.runID || p.state != connectRunning {
			return p, nil
		}
		p.now = p.s.Time()
		return p, p.tick()
	case spinner.TickMsg:
		if p.state != connectRunning {
			return p, nil
		}
		var cmd tea.Cmd
		p.spin, cmd = p.spin.Update(msg)
		return p, cmd
	}
	return p, nil
}

func (p *connectPage) key(msg tea.KeyMsg) tea.Cmd {
	k := p.k
	switch {
	case key.Matches(msg, k.Cancel):
		p.stop()
		p.runID++ // what the cancelled attempt still sends is dropped
		p.state, p.err = connectFailed, errors.New("cancelled: the login was stopped and the callback server closed")
	case key.Matches(msg, k.Up):
		p.user = max(0, p.user-1)
	case key.Matches(msg, k.Down):
		p.user = min(len(p.s.TestLogins.Users)-1, p.user+1)
	case key.Matches(msg, k.Connect):
		p.browser = false
		return p.start()
	case key.Matches(msg, k.ROOK):
		p.browser = false
		return p.startROOK()
	case key.Matches(msg, k.EditROOK):
		p.rook.editing, p.rook.problem = true, ""
		p.rook.form.cursor = 0
		return p.rook.form.edit(&p.rook.form.rows[0])
	case key.Matches(msg, k.Browser):
		p.browser = true
		if p.via == viaROOKRun {
			return p.startROOK()
		}
		return p.start()
	case key.Matches(msg, k.Continue):
		return advance
	case key.Matches(msg, k.Glucose):
		g := p.glucose
		return func() tea.Msg { return openGlucoseMsg{g} }
	}
	return nil
}

func (p *connectPage) tick() tea.Cmd {
	run := p.runID
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{run} })
}

// opener chooses how the login page is reached: a test user's login
// without a browser, or the person's browser (the URL is always on screen
// too).
func (p *connectPage) opener() func(context.Context, string) error {
	if t := p.s.TestLogins; t != nil && !p.browser {
		if !p.picker() {
			return t.LogIn(t.Users[t.DefaultUser()].Name) // the simulator's stand-in for a real user
		}
		return t.LogIn(t.Users[p.user].Name)
	}
	if p.s.Browse != nil {
		return p.s.Browse
	}
	return func(context.Context, string) error { return connect.ErrShowURLOnly }
}

// start runs the login and verification in the background; its stages come
// back through a channel, one message at a time.
func (p *connectPage) start() tea.Cmd {
	defer p.sync()
	p.stop()
	p.runID++
	run := p.runID
	p.via = viaDirectRun
	events := make(chan tea.Msg, 16)
	check, err := p.s.PlanCheckDirect(service.CheckRun{Open: p.opener(),
		OnStage: func(st connect.Stage, u string) { events <- loginStageMsg{st, u} },
		Apply:   func(change func()) { events <- applyMsg{change} }})
	if err != nil {
		p.state, p.err = connectFailed, errors.New(explain(err))
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.events = cancel, events
	p.state, p.err, p.outcome, p.loginURL, p.stage = connectRunning, nil, nil, "", connect.StageListening
	p.started = p.s.Time()
	p.now, p.deadline = p.started, p.started.Add(p.s.LoginWait())
	go func() {
		defer close(events)
		res, err := check(ctx)
		if res == nil {
			res = &service.CheckResult{Err: err, Report: &connect.Report{Error: err.Error()}}
		}
		events <- checkDoneMsg{result: res}
	}()
	return tea.Batch(p.listen(run), p.spin.Tick, p.tick())
}

func (p *connectPage) listen(run int) tea.Cmd {
	events := p.events
	return func() tea.Msg {
		m, ok := <-events
		if !ok {
			return nil
		}
		return connectEventsMsg{run, m}
	}
}

func (p *connectPage) stop() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

func (p *connectPage) event(msg tea.Msg) tea.Cmd {
	if cmd, ok := p.rookEvent(msg); ok {
		return cmd
	}
	switch m := msg.(type) {
	case loginStageMsg:
		p.stage = m.stage
		if m.url != "" {
			p.loginURL = m.url
		}
		return p.listen(p.runID)
	case checkDoneMsg:
		p.stop()
		return p.finish(m.result)
	}
	return nil
}

// finish records the result on the profile and the step.
func (p *connectPage) finish(res *service.CheckResult) tea.Cmd {
	p.outcome, p.err = res.Outcome, res.Err
	if !res.OK() {
		p.state = connectFailed
		if p.err == nil && p.outcome != nil && p.outcome.Err != nil {
			p.err = p.outcome.Err
		}
		if p.err == nil && p.s.Profile.LastCheck != nil {
			p.err = errors.New(p.s.Profile.LastCheck.Summary)
		}
		if p.err == nil {
			p.err = errors.New(res.Report.Error)
		}
		return tea.Batch(saveProgress(p.s), saveProfile(p.s, onboarding.AuthenticateTestUser))
	}
	p.state = connectDone
	p.glucose = p.newGlucose()
	p.summary = p.summaryText()
	p.dexcom = res.Outcome.Client
	return tea.Batch(saveProgress(p.s), saveProfile(p.s, onboarding.AuthenticateTestUser))
}

// newGlucose builds the glucose view on the check's last day of data.
func (p *connectPage) newGlucose() *glucoseModel {
	v := p.outcome.Verification
	title := "test user"
	if t := p.s.TestLogins; t != nil && !p.browser {
		title = t.Users[p.user].Name
	}
	if dev := v.Device(); dev != nil {
		title += " · " + dev.Name()
	}
	g := newGlucoseModel(p.theme, p.keys, p.s.Time, title, ClientFetch(v.Client, v.Device()), p.s.ExportDir)
	g.seed(1, &GlucoseData{Start: v.Window.Start, End: v.Window.End, EGVs: v.EGVs, Events: v.Events, Device: v.Device()})
	return g
}

// openGlucoseMsg asks the wizard to show the glucose view full screen.
type openGlucoseMsg struct{ g *glucoseModel }

// View draws the page; in the demo its cursor is the picked test user.
func (p *connectPage) View() (string, int) {
	v := p.view()
	if p.rook.editing {
		_, cur := p.rook.form.view(p.theme, p.s)
		return v, strings.Count(v[:strings.Index(v, p.rook.form.rows[0].Label)], "\n") + cur
	}
	if !p.picker() || p.state == connectRunning || p.state == connectDone {
		return v, 0
	}
	return v, strings.Count(v[:strings.Index(v, "Test user (")], "\n") + 2 + p.user
}

func (p *connectPage) view() string {
	th, spec := p.theme, service.SpecOf(onboarding.AuthenticateTestUser)
	var b strings.Builder
	b.WriteString(th.Title.Render(spec.Heading) + "\n\n")
	b.WriteString(wrap(p.width, spec.Intro(p.s)) + "\n\n")
	rook := p.via == viaROOKRun
	switch {
	case p.state == connectRunning && rook:
		b.WriteString(p.rookRunningView())
	case p.state == connectDone && rook:
		b.WriteString(p.rookDoneView())
	case p.state == connectFailed && rook:
		b.WriteString(p.rookFailedView())
		b.WriteString("\n" + p.idleView())
	case p.state == connectRunning:
		b.WriteString(p.runningView())
	case p.state == connectDone:
		b.WriteString(p.doneView())
	case p.state == connectFailed:
		b.WriteString(th.Error.Render("✗ "+p.err.Error()) + "\n")
		if p.outcome != nil {
			b.WriteString(callsView(th, p.outcome.Calls))
			if h := p.outcome.Hint(); h != "" {
				b.WriteString(th.Warn.Render("What to do: "+h) + "\n")
			}
		}
		b.WriteString("\n" + p.idleView())
	default:
		b.WriteString(p.idleView())
	}
	return b.String()
}

func (p *connectPage) idleView() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(p.rookIdleView())
	if p.rook.editing {
		return b.String()
	}
	b.WriteString(th.Key.Render("Direct    ") + th.Code.Render(p.s.App().RedirectURI) + "\n\n")
	if p.picker() {
		b.WriteString("Test user (the simulator's login page offers the same list):\n")
		for i, u := range p.s.TestLogins.Users {
			b.WriteString(option(th, i == p.user, u.Name, u.Device))
		}
		b.WriteString("\n" + th.Muted.Render("r through ROOK · c directly with Dexcom · both log in here; b uses your browser · e edits ROOK's credentials") + "\n")
		return b.String()
	}
	b.WriteString(th.ButtonActive.Render("Connect through ROOK (r)") + "\n" + th.Button.Render("Check directly with Dexcom (c)") + "\n" +
		th.Muted.Render("e edits ROOK's credentials") + "\n")
	return b.String()
}

func (p *connectPage) runningView() string {
	th := p.theme
	var b strings.Builder
	left := p.deadline.Sub(p.now).Round(time.Second)
	what := map[connect.Stage]string{
		connect.StageListening:  "starting the callback server",
		connect.StageWaiting:    "waiting for the test user to log in",
		connect.StageExchanging: "exchanging the code for tokens",
		connect.StageVerifying:  "calling dataRange, devices, EGVs and events",
	}[p.stage]
	b.WriteString(p.spin.View() + " " + what)
	if p.stage == connect.StageWaiting {
		b.WriteString(th.Muted.Render(fmt.Sprintf("  %s left", formatClock(left))))
	}
	b.WriteString("\n\n")
	if p.loginURL != "" {
		// The login ends at the loopback Redirect URL, which only this
		// machine's browser reaches.
		b.WriteString("If no browser opened, open this URL in a browser on this machine (the login returns to " + p.s.Loopback() + "):\n")
		b.WriteString(th.Code.Render(p.loginURL) + "\n\n")
	}
	b.WriteString(th.Muted.Render("esc cancels"))
	return b.String()
}

func formatClock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func (p *connectPage) doneView() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.OK.Render("✓ Verified directly with Dexcom: every call answered 200 and readings came back") + "\n")
	b.WriteString(callsView(th, p.outcome.Calls) + "\n")
	b.WriteString(p.summary)
	b.WriteString("\n" + th.Muted.Render("g shows the glucose data · enter continues · r connects through ROOK · c checks again"))
	return b.String()
}

// summaryText is the latest reading and the day's figures in two lines,
// made once when the check finishes (not in View, which runs every frame).
func (p *connectPage) summaryText() string {
	th, v := p.theme, p.outcome.Verification
	latest := v.Latest()
	st := glucose.Compute(glucose.Readings(v.EGVs), v.Window.End.Sub(v.Window.Start))
	device := ""
	if d := v.Device(); d != nil {
		device = " · " + d.Name()
	}
	return th.Header.Render("Glucose data") + th.Muted.Render(device) + "\n" +
		fmt.Sprintf("  latest %s mg/dL %s, %s ago\n", th.Title.Render(ReadingText(*latest, glucose.MgDL)), TrendArrow(latest.TrendOrUnknown()),
			agoText(p.s.Time().Sub(latest.At()))) +
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
