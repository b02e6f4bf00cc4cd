package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// prereqExtra is the prerequisites' preflight of the stored app.
type prereqExtra struct {
	noExtra
	preflight key.Binding
	results   []PreflightResult
	checking  bool
}

func (e *prereqExtra) init(p *stepPage) { e.preflight = p.keys.Preflight }

func (e *prereqExtra) keys(*stepPage) keySet { return keySet{&e.preflight} }

func (e *prereqExtra) sync(p *stepPage) {
	e.preflight.SetEnabled(!e.checking && !p.Capturing()) // without credentials p says why
}

func (e *prereqExtra) handle(p *stepPage, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case preflightDoneMsg:
		e.checking, e.results = false, msg.results
		return nil, true
	case tea.KeyMsg:
		if key.Matches(msg, e.preflight) {
			if !service.HasCredentials(p.s) {
				p.problem = "Nothing to preflight yet: store the Client ID and Secret in step 3 first (→ three times)."
				return nil, true
			}
			e.checking, p.problem = true, ""
			return preflight(p.s, onboarding.Prerequisites, p.s.Loopback()), true
		}
	}
	return nil, false
}

func (e *prereqExtra) below(p *stepPage) string {
	th := p.theme
	out := "\n" + th.Header.Render("Preflight") + "  "
	switch {
	case !service.HasCredentials(p.s):
		return out + th.Muted.Render("available once the Client ID and Secret are stored (step 3)") + p.problemView()
	case e.checking:
		return out + th.Muted.Render("asking Dexcom's authorization URL…")
	case e.results == nil:
		return out + th.Muted.Render("press p: the app's authorization URL must answer 200")
	}
	return out + preflightView(th, e.results)
}
