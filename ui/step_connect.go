package ui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// connectPage is step 6: log a test user in and see data flow. It
// composes two runs, each its own model (the direct check with Dexcom, the
// connection through ROOK), and the ROOK fields; it owns what they share:
// the test-user picker, the choice of the person's browser, and which run
// it shows.
type connectPage struct {
	base
	direct  directCheck
	rook    rookRun
	fields  rookFields
	via     runVia // which run the page shows
	user    int    // the test-user picker
	browser bool   // the login goes through the person's browser
	k       connectKeys
}

// runVia is which of step 6's runs the page shows.
type runVia int

const (
	viaDirectRun runVia = iota // check the credentials directly with Dexcom
	viaROOKRun                 // connect a test account through ROOK
)

// connectKeys are the page's own bindings; each run has its own.
type connectKeys struct {
	Up, Down, EditROOK, Browser key.Binding
}

func newConnectPage(b base) *connectPage {
	k := b.keys
	p := &connectPage{base: b, fields: newROOKFields(b.s, b.keys),
		k: connectKeys{Up: k.Up, Down: k.Down, EditROOK: k.EditROOK, Browser: k.Browser}}
	p.direct = newDirectCheck(b, p.opener, p.userName)
	p.rook = newROOKRun(b, p.opener, func() *dexcom.Client { return p.direct.dexcom })
	if t := b.s.TestLogins; t != nil {
		p.user = t.DefaultUser()
	}
	p.sync()
	return p
}

func (p *connectPage) Step() onboarding.Step { return onboarding.AuthenticateTestUser }

// shown is the run the page shows (its keys are the enabled ones).
func (p *connectPage) shown() *runner {
	if p.via == viaROOKRun {
		return &p.rook.runner
	}
	return &p.direct.runner
}

func (p *connectPage) running() bool {
	return p.direct.state == runRunning || p.rook.state == runRunning
}

func (p *connectPage) Keys() keySet {
	if p.fields.editing {
		return p.fields.form.keySet()
	}
	d, r, k := &p.direct.k, &p.rook.k, &p.k
	glucose, cont, cancel := &d.Glucose, &d.Continue, &d.Cancel
	if p.via == viaROOKRun {
		glucose, cont, cancel = &r.Glucose, &r.Continue, &r.Cancel
	}
	return keySet{&k.Up, &k.Down, &r.Start, &d.Start, &k.EditROOK, glucose, &k.Browser, cont, cancel}
}

func (p *connectPage) sync() {
	k := &p.k
	p.fields.form.sync()
	editing := p.fields.editing
	busy, shown := editing || p.running(), p.shown().state
	p.direct.sync(busy, !editing && p.via == viaDirectRun, shown != runDone)
	p.rook.sync(busy, !editing && p.via == viaROOKRun)
	enable(!busy && p.picker() && shown != runDone, &k.Up, &k.Down) // only while the picker shows
	enable(!busy && p.s.TestLogins != nil, &k.Browser)
	enable(!busy, &k.EditROOK)
}

func (p *connectPage) Enter() tea.Cmd {
	if r := p.shown(); r.state == runRunning {
		return r.spin.Tick // the spinner stops while another page is shown
	}
	return nil
}

func (p *connectPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.direct.width, p.rook.width = w, w
	p.fields.form.width = w
	for _, r := range p.fields.form.rows {
		r.input.Width = inputWidth(w)
	}
}

// Capturing is true while the ROOK fields are edited: every key is theirs.
func (p *connectPage) Capturing() bool { return p.fields.editing }

// picker reports whether the test-user picker shows: never on the
// production track.
func (p *connectPage) picker() bool {
	return p.s.TestLogins != nil && !p.s.Progress.Env.IsProduction()
}

// Update gives a key to the fields while they are edited, else to the
// page's own bindings, else to the run shown (a run's start key shows it
// first); each run's background messages go to that run, which drops
// those of its earlier runs.
func (p *connectPage) Update(msg tea.Msg) (page, tea.Cmd) {
	p.sync() // a run may have been started outside Update (a test)
	defer p.sync()
	if km, ok := msg.(tea.KeyMsg); ok {
		return p, p.key(km)
	}
	if _, ok := msg.(spinner.TickMsg); ok { // each spinner takes its own
		a, _ := p.direct.Update(msg)
		b, _ := p.rook.Update(msg)
		return p, tea.Batch(a, b)
	}
	if cmd, used := p.direct.Update(msg); used {
		return p, cmd
	}
	cmd, _ := p.rook.Update(msg)
	return p, cmd
}

func (p *connectPage) key(msg tea.KeyMsg) tea.Cmd {
	if p.fields.editing {
		return p.fields.update(p.s, msg, p.keys.Cancel)
	}
	k := p.k
	switch {
	case key.Matches(msg, k.Up):
		p.user = max(0, p.user-1)
		return nil
	case key.Matches(msg, k.Down):
		p.user = min(len(p.s.TestLogins.Users)-1, p.user+1)
		return nil
	case key.Matches(msg, k.EditROOK):
		return p.fields.open()
	case key.Matches(msg, k.Browser):
		p.browser = true
		if p.via == viaROOKRun {
			return p.rook.start()
		}
		return p.direct.start()
	case key.Matches(msg, p.direct.k.Start):
		p.via, p.browser = viaDirectRun, false
	case key.Matches(msg, p.rook.k.Start):
		p.via, p.browser = viaROOKRun, false
	}
	if p.via == viaROOKRun {
		cmd, _ := p.rook.Update(msg)
		return cmd
	}
	cmd, _ := p.direct.Update(msg)
	return cmd
}

// stop ends both runs (the wizard leaves the pages).
func (p *connectPage) stop() {
	p.direct.stop()
	p.rook.stop()
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

// userName is the picked test user's, "" when the person logs in.
func (p *connectPage) userName() string {
	if t := p.s.TestLogins; t != nil && !p.browser {
		return t.Users[p.user].Name
	}
	return ""
}

// View draws the page; its cursor is the picked test user or the ROOK
// field being edited, counted from the lines drawn above it.
func (p *connectPage) View() (string, int) {
	th, spec := p.theme, onboarding.SpecOf(onboarding.AuthenticateTestUser)
	var b strings.Builder
	b.WriteString(th.Title.Render(spec.Heading) + "\n\n")
	b.WriteString(wrap(p.width, p.s.Intro(spec.Step)) + "\n\n")
	run := p.shown()
	runTop := strings.Count(b.String(), "\n")
	if run.state != runIdle {
		b.WriteString(p.runView())
	}
	switch run.state {
	case runRunning: // its view ends with the key that cancels it
		return b.String(), 0
	case runDone:
		b.WriteString("\n" + th.Muted.Render(p.doneHint()))
		return b.String(), 0
	}
	if run.state == runFailed {
		b.WriteString("\n")
	}
	b.WriteString(p.fields.summary(th, p.s, p.k.EditROOK))
	if p.fields.editing {
		top := strings.Count(b.String(), "\n")
		v, cursor := p.fields.view(th, p.s, p.keys)
		b.WriteString(v)
		return b.String(), top + cursor
	}
	b.WriteString(th.Key.Render("Direct    ") + th.Code.Render(p.s.App().RedirectURI) + "\n\n")
	if !p.picker() { // the cursor is on the failure, else on the buttons
		top := strings.Count(b.String(), "\n")
		if run.state == runFailed {
			top = runTop
		}
		b.WriteString(th.ButtonActive.Render("Connect through ROOK ("+p.rook.k.Start.Help().Key+")") + "\n" +
			th.Button.Render("Check directly with Dexcom ("+p.direct.k.Start.Help().Key+")") + "\n" +
			th.Muted.Render(keyDoes(p.k.EditROOK, "edits ROOK's credentials")))
		return b.String(), top
	}
	b.WriteString("Test user (the simulator's login page offers the same list):\n")
	top := strings.Count(b.String(), "\n")
	for i, u := range p.s.TestLogins.Users {
		b.WriteString(option(th, i == p.user, u.Name, u.Device))
	}
	b.WriteString("\n" + th.Muted.Render(keyDoes(p.rook.k.Start, "through ROOK")+" · "+keyDoes(p.direct.k.Start, "directly with Dexcom")+
		" · both log in here; "+keyDoes(p.k.Browser, "uses your browser")+" · "+keyDoes(p.k.EditROOK, "edits ROOK's credentials")))
	return b.String(), top + p.user
}

// runView is the shown run's view.
func (p *connectPage) runView() string {
	if p.via == viaROOKRun {
		return p.rook.View()
	}
	return p.direct.View()
}

// doneHint is the keys under a finished run.
func (p *connectPage) doneHint() string {
	var parts []string
	if p.via == viaROOKRun {
		if p.rook.glucose != nil {
			parts = append(parts, keyDoes(p.rook.k.Glucose, "shows ROOK's glucose data"))
		}
		parts = append(parts, keyDoes(p.rook.k.Continue, "continues"), keyDoes(p.rook.k.Start, "connects again"),
			keyDoes(p.direct.k.Start, "checks directly"))
	} else {
		parts = append(parts, keyDoes(p.direct.k.Glucose, "shows the glucose data"), keyDoes(p.direct.k.Continue, "continues"),
			keyDoes(p.rook.k.Start, "connects through ROOK"), keyDoes(p.direct.k.Start, "checks again"))
	}
	return strings.Join(parts, " · ")
}
