package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// productionPage is step 7: request production access, then start the
// production app's track.
type productionPage struct {
	base
	form form
}

func newProductionPage(b base) *productionPage {
	return &productionPage{base: b, form: form{step: onboarding.RequestProduction, rows: append(checkRows(onboarding.RequestProduction),
		row{kind: rowAction, id: "start_production", label: "Start the production app's track →"},
	)}}
}

func (p *productionPage) Step() onboarding.Step { return onboarding.RequestProduction }
func (p *productionPage) Keys() []key.Binding   { return append(p.form.keys(p.keys), p.keys.Date) }

func (p *productionPage) Update(msg tea.Msg) (page, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok && key.Matches(km, p.keys.Date) {
		p.s.today(onboarding.RequestProduction, "requested_on")
		return p, p.settle()
	}
	ev, cmd := p.form.update(msg, p.keys, p.s)
	switch ev {
	case evToggled:
		return p, tea.Batch(cmd, p.settle())
	case evAction:
		return p, tea.Sequence(p.s.saveProgress(), func() tea.Msg { return startProductionMsg{} })
	}
	return p, cmd
}

func (p *productionPage) settle() tea.Cmd {
	return settleStep(p.s, onboarding.RequestProduction, complete(p.s, onboarding.RequestProduction))
}

func (p *productionPage) View() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Step 7 · Request production access") + "\n\n")
	b.WriteString(wrap(p.width, "When the sandbox app works, ask Dexcom for production access. Access starts "+
		"limited (a few users) and becomes full after review.") + "\n\n")
	b.WriteString(p.form.view(th, p.s) + "\n")
	date := p.s.Progress.Field(onboarding.RequestProduction, "requested_on")
	if date == "" {
		date = th.Muted.Render("not yet (d sets today)")
	}
	b.WriteString(th.Key.Render("Requested on  ") + date)
	return b.String()
}

func (p *productionPage) SetSize(w, h int) {
	p.base.SetSize(w, h)
	sizeForm(&p.form, w)
}
