package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// appPage is step 2: create an application in the developer portal.
type appPage struct {
	base
	form form
}

func newAppPage(b base) *appPage {
	p := &appPage{base: b}
	name, desc := newInput("e.g. Acme Health "+strings.ToLower(b.s.Progress.Track.Label()), 80, false), newInput("what the app does with Dexcom data", 200, false)
	a := b.s.App()
	name.SetValue(a.Name)
	desc.SetValue(a.Description)
	p.form = form{step: onboarding.CreateApp, rows: append(checkRows(onboarding.CreateApp),
		row{kind: rowInput, id: "name", label: "App name, as in the portal", input: name},
		row{kind: rowInput, id: "description", label: "Description", input: desc},
	)}
	return p
}

func (p *appPage) Step() onboarding.Step { return onboarding.CreateApp }
func (p *appPage) Capturing() bool       { return p.form.capturing() }
func (p *appPage) Keys() []key.Binding   { return p.form.keys(p.keys) }

func (p *appPage) Update(msg tea.Msg) (page, tea.Cmd) {
	ev, cmd := p.form.update(msg, p.keys, p.s)
	switch ev {
	case evToggled:
		return p, tea.Batch(cmd, p.settle())
	case evSubmit, evMoved:
		if p.changed() {
			a := p.s.App()
			a.Name = strings.TrimSpace(p.form.input("name").Value())
			a.Description = strings.TrimSpace(p.form.input("description").Value())
			return p, tea.Batch(cmd, p.s.saveProfile("app details"), p.settle(), p.nextOnSubmit(ev))
		}
		return p, tea.Batch(cmd, p.nextOnSubmit(ev))
	}
	return p, cmd
}

func (p *appPage) nextOnSubmit(ev formEvent) tea.Cmd {
	if ev == evSubmit {
		return p.form.move(p.form.cursor + 1)
	}
	return nil
}

func (p *appPage) changed() bool {
	a := p.s.App()
	return strings.TrimSpace(p.form.input("name").Value()) != a.Name || strings.TrimSpace(p.form.input("description").Value()) != a.Description
}

func (p *appPage) settle() tea.Cmd {
	return settleStep(p.s, onboarding.CreateApp, complete(p.s, onboarding.CreateApp))
}

func (p *appPage) View() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Step 2 · Create an application") + "\n\n")
	b.WriteString(wrap(p.width, "In the portal, open My Apps and create an app for "+p.s.Progress.Env.Label()+
		". Record its name so ROOK and your team can find it.") + "\n\n")
	b.WriteString(p.form.view(th, p.s))
	return b.String()
}

func (p *appPage) SetSize(w, h int) {
	p.base.SetSize(w, h)
	sizeForm(&p.form, w)
}
