package ui

import (
	"io"
	"os"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// DefaultLoopback is the redirect URI the self-check uses unless the app has another.
const DefaultLoopback = onboarding.DefaultLoopback

// redirectExtra is step 5's URLs to copy and the preflight that proves them.
type redirectExtra struct {
	copy, preflight key.Binding
	results         []PreflightResult
	checking        bool
	copied          string
}

// copiedMsg says what went to the clipboard.
type copiedMsg struct{ text string }

func (copiedMsg) forStep() onboarding.Step { return onboarding.ConfigureRedirect }

func (e *redirectExtra) init(p *stepPage) {
	e.copy, e.preflight = p.keys.Copy, p.keys.Preflight
	p.s.Loopback() // the default until another is stored
}

func (e *redirectExtra) keys(*stepPage) keySet { return keySet{&e.copy, &e.preflight} }

func (e *redirectExtra) sync(p *stepPage) { enable(!p.Capturing(), &e.copy, &e.preflight) }

// clipboardOut is where OSC 52 clipboard sequences go: the terminal, beside
// Bubble Tea's own output (tests send them nowhere).
var clipboardOut io.Writer = os.Stderr

// copyText puts text on the clipboard with OSC 52, which works over SSH.
func copyText(text string) tea.Cmd {
	return func() tea.Msg {
		_, _ = osc52.New(text).WriteTo(clipboardOut)
		return copiedMsg{text}
	}
}

func (e *redirectExtra) handle(p *stepPage, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case copiedMsg:
		e.copied = msg.text
		return nil, true
	case preflightDoneMsg:
		if !e.checking {
			return nil, true
		}
		e.checking, e.results = false, msg.results
		return e.settle(p), true
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, e.preflight):
			return e.run(p), true
		case key.Matches(msg, e.copy):
			return e.copySelected(p), true
		}
	}
	return nil, false
}

// settle: done when the URLs are ticked and the preflight passed.
func (e *redirectExtra) settle(p *stepPage) tea.Cmd {
	p.s.SettleRedirect(e.results)
	return saveProgress(p.s)
}

// changed re-settles after a tick or a stored answer.
func (e *redirectExtra) changed(p *stepPage) tea.Cmd { return e.settle(p) }

func (e *redirectExtra) act(p *stepPage, id string) tea.Cmd {
	if id == onboarding.ActPreflight {
		return e.run(p)
	}
	return e.copySelected(p)
}

func (e *redirectExtra) copySelected(p *stepPage) tea.Cmd {
	if p.form.current().ID != onboarding.ActCopyROOK {
		return copyText(p.s.Loopback())
	}
	if u := p.s.App().ROOKRedirectURL; u != "" {
		return copyText(u)
	}
	p.problem = explain(service.ErrNoROOKRedirect)
	return nil
}

func (e *redirectExtra) run(p *stepPage) tea.Cmd {
	if p.s.App().ClientID == "" {
		p.problem = explain(service.ErrNoClientID)
		return nil
	}
	e.checking, p.problem = true, ""
	return preflight(p.s, onboarding.ConfigureRedirect, p.s.RedirectURLs()...)
}

func (e *redirectExtra) above(p *stepPage) string {
	th := p.theme
	rook := p.s.App().ROOKRedirectURL
	if rook == "" {
		rook = th.Warn.Render("not stored yet: step 4")
	} else {
		rook = th.Code.Render(rook)
	}
	return th.Key.Render("ROOK      ") + rook + "\n" +
		th.Key.Render("Loopback  ") + th.Code.Render(p.s.Loopback()) + "\n\n"
}

func (e *redirectExtra) below(p *stepPage) string {
	th := p.theme
	out := ""
	switch {
	case e.checking:
		out += "\n" + th.Muted.Render("asking Dexcom's authorization URL for each redirect…")
	case e.results != nil:
		out += "\n" + th.Header.Render("Preflight") + preflightView(th, e.results)
	default:
		out += "\n" + th.Muted.Render("The preflight checks that "+preflightWhat+".")
	}
	if e.copied != "" {
		out += "\n" + th.OK.Render("Copied to the clipboard: ") + e.copied
	}
	return out + p.problemView()
}
