package ui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// credentialsExtra is step 3's storing of the Client ID and Secret.
type credentialsExtra struct {
	noExtra
	stored string
}

func (e *credentialsExtra) init(p *stepPage) {
	if service.HasCredentials(p.s) && p.s.Progress.StatusOf(onboarding.CollectCredentials) == onboarding.Done {
		e.stored = storedText(p.s)
	}
}

func storedText(s *Session) string {
	a := s.App()
	return fmt.Sprintf("Stored encrypted: client id %s, secret %s", a.ClientID, a.ClientSecret.Hint())
}

// enter puts the cursor where work remains: an empty field, else the button.
func (e *credentialsExtra) enter(p *stepPage) tea.Cmd {
	for i, r := range p.form.rows[:2] {
		if r.input.Value() == "" {
			return p.form.move(i)
		}
	}
	return p.form.move(2)
}

func (e *credentialsExtra) handle(p *stepPage, msg tea.Msg) (tea.Cmd, bool) {
	if _, ok := msg.(profileSavedMsg); ok {
		e.stored = storedText(p.s)
		return nil, true
	}
	return nil, false
}

func (e *credentialsExtra) act(p *stepPage, _ string) tea.Cmd {
	err := p.s.StoreCredentials(p.form.input(onboarding.FieldClientID).Value(), p.form.input(onboarding.FieldClientSecret).Value())
	if err != nil {
		p.problem = explain(err)
		return nil
	}
	p.problem, e.stored = "", "storing…"
	return tea.Batch(saveProfile(p.s, onboarding.CollectCredentials), saveProgress(p.s))
}

func (e *credentialsExtra) below(p *stepPage) string {
	out := p.problemView()
	if e.stored != "" {
		out += "\n" + p.theme.OK.Render("✓ ") + e.stored
		for _, n := range p.s.CredentialNotes() {
			out += "\n" + p.theme.Warn.Render("! "+n)
		}
	}
	return out
}
