package ui

import (
	"os"
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// DefaultLoopback is the redirect URI the self-check uses unless the app has another.
const DefaultLoopback = "http://localhost:8765/callback"

// redirectPage is step 5: register the Redirect URLs and prove it.
type redirectPage struct {
	base
	form     form
	results  []PreflightResult
	checking bool
	copied   string
	problem  string
}

type copiedMsg struct{ text string }

func newRedirectPage(b base) *redirectPage {
	p := &redirectPage{base: b}
	if b.s.App().RedirectURI == "" {
		b.s.App().RedirectURI = DefaultLoopback
	}
	loop := newInput(DefaultLoopback, 200, false)
	loop.SetValue(b.s.App().RedirectURI)
	p.form = form{step: onboarding.ConfigureRedirect, rows: []row{
		{kind: rowAction, id: "copy_rook", label: "Copy ROOK's Redirect URL"},
		{kind: rowInput, id: "loopback", label: "Loopback Redirect URL for the self-check (step 6)", input: loop, hint: "http://localhost:PORT/PATH; enter stores it"},
		{kind: rowAction, id: "copy_loop", label: "Copy the loopback URL"},
		checkRows(onboarding.ConfigureRedirect)[0],
		{kind: rowAction, id: "preflight", label: "Run the preflight (p)"},
	}}
	return p
}

func (p *redirectPage) Step() onboarding.Step { return onboarding.ConfigureRedirect }
func (p *redirectPage) Capturing() bool       { return p.form.capturing() }
func (p *redirectPage) Keys() []key.Binding {
	return append(p.form.keys(p.keys), p.keys.Copy, p.keys.Preflight)
}

func (p *redirectPage) urls() []string {
	var out []string
	if u := p.s.App().ROOKRedirectURL; u != "" {
		out = append(out, u)
	}
	return append(out, p.s.App().RedirectURI)
}

// copyText puts text on the clipboard with OSC 52, which works over SSH.
func copyText(text string) tea.Cmd {
	return func() tea.Msg {
		_, _ = osc52.New(text).WriteTo(os.Stderr)
		return copiedMsg{text}
	}
}

func (p *redirectPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case copiedMsg:
		p.copied = msg.text
		return p, nil
	case preflightDoneMsg:
		if p.checking {
			p.checking, p.results = false, msg.results
			return p, p.settle()
		}
		return p, nil
	case tea.KeyMsg:
		if !p.Capturing() {
			switch {
			case key.Matches(msg, p.keys.Preflight):
				return p, p.runPreflight()
			case key.Matches(msg, p.keys.Copy):
				return p, p.copySelected()
			}
		}
	}
	ev, cmd := p.form.update(msg, p.keys, p.s)
	switch ev {
	case evToggled:
		return p, tea.Batch(cmd, p.settle())
	case evEdited:
		p.problem = ""
	case evSubmit:
		v := strings.TrimSpace(p.form.input("loopback").Value())
		if _, err := connect.ParseRedirect(v); err != nil {
			p.problem = err.Error()
			return p, cmd
		}
		p.s.App().RedirectURI = v
		p.form.input("loopback").Blur()
		p.results = nil
		return p, tea.Batch(cmd, p.s.saveProfile("redirect"))
	case evAction:
		switch p.form.current().id {
		case "preflight":
			return p, p.runPreflight()
		default:
			return p, p.copySelected()
		}
	}
	return p, cmd
}

func (p *redirectPage) copySelected() tea.Cmd {
	switch p.form.current().id {
	case "copy_rook":
		if u := p.s.App().ROOKRedirectURL; u != "" {
			return copyText(u)
		}
		p.problem = "ROOK's Redirect URL is not stored yet (step 4)"
		return nil
	default:
		return copyText(p.s.App().RedirectURI)
	}
}

func (p *redirectPage) runPreflight() tea.Cmd {
	if p.s.App().ClientID == "" {
		p.problem = "store the Client ID first (step 3)"
		return nil
	}
	p.checking, p.problem = true, ""
	return p.s.preflight(p.urls()...)
}

// settle: done when the URLs are ticked as registered and the preflight
// accepted every one of them.
func (p *redirectPage) settle() tea.Cmd {
	ok := len(p.results) == len(p.urls()) && len(p.results) > 0
	for _, r := range p.results {
		ok = ok && r.OK()
	}
	return settleStep(p.s, onboarding.ConfigureRedirect, ok && allTicked(p.s, onboarding.ConfigureRedirect))
}

func (p *redirectPage) View() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Step 5 · Configure the Redirect URL in Dexcom") + "\n\n")
	b.WriteString(wrap(p.width, "Add these exact URLs as the app's Redirect URIs: Dexcom matches them "+
		"letter for letter, port included.") + "\n\n")
	rook := p.s.App().ROOKRedirectURL
	if rook == "" {
		rook = th.Warn.Render("not stored yet: step 4")
	} else {
		rook = th.Code.Render(rook)
	}
	b.WriteString(th.Key.Render("ROOK      ") + rook + "\n")
	b.WriteString(th.Key.Render("Loopback  ") + th.Code.Render(p.s.App().RedirectURI) + "\n\n")
	b.WriteString(p.form.view(th, p.s))
	switch {
	case p.checking:
		b.WriteString("\n" + th.Muted.Render("asking Dexcom's authorization URL for each redirect…"))
	case p.results != nil:
		b.WriteString("\n" + th.Header.Render("Preflight") + preflightView(th, p.results))
	}
	if p.copied != "" {
		b.WriteString("\n" + th.OK.Render("Copied to the clipboard: ") + p.copied)
	}
	if p.problem != "" {
		b.WriteString("\n" + th.Error.Render(p.problem))
	}
	return b.String()
}

func (p *redirectPage) SetSize(w, h int) {
	p.base.SetSize(w, h)
	sizeForm(&p.form, w)
}
