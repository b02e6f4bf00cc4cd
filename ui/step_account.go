package ui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// PortalURL is Dexcom's developer portal.
const PortalURL = "https://developer.dexcom.com"

// reviewStatuses are the states of Dexcom's review of a registration.
var reviewStatuses = []string{"not submitted", "submitted, awaiting review", "review meeting scheduled", "approved"}

// accountPage is step 1: create a Dexcom developer account.
type accountPage struct {
	base
	form   form
	opened string
}

type openedMsg struct {
	url string
	err error
}

func newAccountPage(b base) *accountPage {
	return &accountPage{base: b, form: form{step: onboarding.CreateAccount, rows: checkRows(onboarding.CreateAccount)}}
}

func (p *accountPage) Step() onboarding.Step { return onboarding.CreateAccount }

func (p *accountPage) Keys() []key.Binding {
	return append(p.form.keys(p.keys), p.keys.Open, p.keys.Date, p.keys.Status)
}

func (p *accountPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case openedMsg:
		p.opened = msg.url
		return p, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, p.keys.Open):
			return p, openURL(p.s, PortalURL)
		case key.Matches(msg, p.keys.Date):
			p.s.today(onboarding.CreateAccount, "submitted_on")
			return p, p.settle()
		case key.Matches(msg, p.keys.Status):
			p.s.Progress.SetField(onboarding.CreateAccount, "review", nextStatus(p.s.Progress.Field(onboarding.CreateAccount, "review")), p.s.now())
			return p, p.s.saveProgress()
		}
	}
	ev, cmd := p.form.update(msg, p.keys, p.s)
	if ev == evToggled {
		return p, tea.Batch(cmd, p.settle())
	}
	return p, cmd
}

func (p *accountPage) settle() tea.Cmd {
	return settleStep(p.s, onboarding.CreateAccount, complete(p.s, onboarding.CreateAccount))
}

func nextStatus(cur string) string {
	for i, s := range reviewStatuses {
		if s == cur {
			return reviewStatuses[(i+1)%len(reviewStatuses)]
		}
	}
	return reviewStatuses[1]
}

// openURL opens a page in the browser; over SSH it only shows the URL.
func openURL(s *Session, u string) tea.Cmd {
	return func() tea.Msg {
		if s.Browse == nil || s.Demo != nil {
			return openedMsg{url: u}
		}
		return openedMsg{url: u, err: s.Browse(context.Background(), u)}
	}
}

func (p *accountPage) View() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Step 1 · Create a Dexcom developer account") + "\n\n")
	b.WriteString(wrap(p.width, "Register at "+PortalURL+". The form asks for the app's details, intended use, "+
		"data handling and company details; Dexcom may schedule a review meeting.") + "\n\n")
	b.WriteString(p.form.view(th, p.s) + "\n")
	date := p.s.Progress.Field(onboarding.CreateAccount, "submitted_on")
	if date == "" {
		date = th.Muted.Render("not yet (d sets today)")
	}
	review := p.s.Progress.Field(onboarding.CreateAccount, "review")
	if review == "" {
		review = reviewStatuses[0]
	}
	b.WriteString(th.Key.Render("Submitted on   ") + date + "\n")
	b.WriteString(th.Key.Render("Review status  ") + review + th.Muted.Render("  (r changes it)") + "\n")
	if p.opened != "" {
		b.WriteString("\n" + th.Muted.Render("Portal: ") + th.Code.Render(p.opened))
	}
	return b.String()
}

func (p *accountPage) SetSize(w, h int) {
	p.base.SetSize(w, h)
	sizeForm(&p.form, w)
}
