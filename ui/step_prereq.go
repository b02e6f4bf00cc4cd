package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// prereqPage is the prerequisites: the two-app plan and the preflight.
type prereqPage struct {
	base
	form      form
	preflight []PreflightResult
	checking  bool
}

func newPrereqPage(b base) *prereqPage {
	return &prereqPage{base: b, form: form{step: onboarding.Prerequisites, rows: checkRows(onboarding.Prerequisites)}}
}

func (p *prereqPage) Step() onboarding.Step { return onboarding.Prerequisites }

func (p *prereqPage) hasCredentials() bool {
	a := p.s.App()
	return a.ClientID != "" && !a.ClientSecret.Empty()
}

func (p *prereqPage) Keys() []key.Binding {
	ks := p.form.keys(p.keys)
	if p.hasCredentials() {
		ks = append(ks, p.keys.Preflight)
	}
	return ks
}

func (p *prereqPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case preflightDoneMsg:
		if p.checking {
			p.checking, p.preflight = false, msg.results
		}
		return p, nil
	case tea.KeyMsg:
		if key.Matches(msg, p.keys.Preflight) && p.hasCredentials() && !p.checking {
			p.checking = true
			redirect := p.s.App().RedirectURI
			if redirect == "" {
				redirect = DefaultLoopback
			}
			return p, p.s.preflight(redirect)
		}
	}
	ev, cmd := p.form.update(msg, p.keys, p.s)
	if ev == evToggled {
		return p, tea.Batch(cmd, p.settle())
	}
	return p, cmd
}

// settle marks the step done when every item is ticked, and saves.
func (p *prereqPage) settle() tea.Cmd {
	return settleStep(p.s, onboarding.Prerequisites, complete(p.s, onboarding.Prerequisites))
}

func (p *prereqPage) View() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Prerequisites") + "\n\n")
	b.WriteString(wrap(p.width, "Dexcom recommends two apps: a sandbox app for its simulated test users, "+
		"and a production app for real users after Dexcom's review. Steps 1-6 are done for each.") + "\n\n")
	b.WriteString(p.form.view(th, p.s))
	b.WriteString("\n" + th.Header.Render("Preflight") + "  ")
	switch {
	case !p.hasCredentials():
		b.WriteString(th.Muted.Render("available once the Client ID and Secret are stored (step 3)"))
	case p.checking:
		b.WriteString(th.Muted.Render("asking Dexcom's authorization URL…"))
	case p.preflight == nil:
		b.WriteString(th.Muted.Render("press p: the app's authorization URL must answer 200"))
	default:
		b.WriteString(preflightView(th, p.preflight))
	}
	return b.String()
}

func (p *prereqPage) SetSize(w, h int) {
	p.base.SetSize(w, h)
	sizeForm(&p.form, w)
}
