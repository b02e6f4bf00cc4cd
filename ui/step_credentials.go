package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
)

// credentialsPage is step 3: the Client ID and Secret, stored at once.
type credentialsPage struct {
	base
	form    form
	problem string
	stored  string
}

func newCredentialsPage(b base) *credentialsPage {
	p := &credentialsPage{base: b}
	id, sec := newInput("Client ID from the app's page", 128, false), newInput("Client Secret (hidden; paste works)", 128, true)
	a := b.s.App()
	id.SetValue(a.ClientID)
	sec.SetValue(a.ClientSecret.Reveal())
	if d := b.s.Demo; d != nil && a.ClientID == "" {
		id.SetValue(d.Prefill.ClientID)
		sec.SetValue(d.Prefill.ClientSecret)
	}
	p.form = form{step: onboarding.CollectCredentials, rows: []row{
		{kind: rowInput, id: "client_id", label: "Client ID", input: id},
		{kind: rowInput, id: "client_secret", label: "Client Secret", input: sec, hint: "shown as dots; stored only in the encrypted vault"},
		{kind: rowAction, id: "save", label: "Store encrypted"},
	}}
	if a.ClientID != "" && !a.ClientSecret.Empty() && b.s.Progress.StatusOf(onboarding.CollectCredentials) == onboarding.Done {
		p.stored = fmt.Sprintf("Stored encrypted: client id %s, secret %s", a.ClientID, a.ClientSecret.Hint())
	}
	return p
}

func (p *credentialsPage) Step() onboarding.Step { return onboarding.CollectCredentials }
func (p *credentialsPage) Capturing() bool       { return p.form.capturing() }
func (p *credentialsPage) Keys() []key.Binding   { return p.form.keys(p.keys) }

// Enter puts the cursor where work remains: an empty field, else the button.
func (p *credentialsPage) Enter() tea.Cmd {
	for i, r := range p.form.rows[:2] {
		if r.input.Value() == "" {
			return p.form.move(i)
		}
	}
	return p.form.move(2)
}

func (p *credentialsPage) Update(msg tea.Msg) (page, tea.Cmd) {
	if m, ok := msg.(savedMsg); ok && m.what == "credentials" {
		a := p.s.App()
		p.stored = fmt.Sprintf("Stored encrypted: client id %s, secret %s", a.ClientID, a.ClientSecret.Hint())
		return p, nil
	}
	ev, cmd := p.form.update(msg, p.keys, p.s)
	switch ev {
	case evEdited:
		p.problem = ""
	case evSubmit:
		return p, tea.Batch(cmd, p.form.move(p.form.cursor+1))
	case evAction:
		return p, p.save()
	}
	return p, cmd
}

func (p *credentialsPage) save() tea.Cmd {
	id := strings.TrimSpace(p.form.input("client_id").Value())
	sec := strings.TrimSpace(p.form.input("client_secret").Value())
	for _, err := range []error{onboarding.ValidateClientID(id), onboarding.ValidateClientSecret(sec)} {
		if err != nil {
			p.problem = err.Error()
			return nil
		}
	}
	a := p.s.App()
	a.ClientID, a.ClientSecret = id, secret.New(sec)
	p.problem, p.stored = "", "storing…"
	p.s.Progress.MarkDone(onboarding.CollectCredentials, p.s.now())
	return tea.Batch(p.s.saveProfile("credentials"), p.s.saveProgress())
}

func (p *credentialsPage) View() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Step 3 · Collect the Client ID and Client Secret") + "\n\n")
	b.WriteString(wrap(p.width, "Copy both from the app's page. They go straight into the encrypted vault; "+
		"the secret is shown only as its last four characters.") + "\n\n")
	b.WriteString(p.form.view(th, p.s))
	if p.problem != "" {
		b.WriteString("\n" + th.Error.Render(p.problem))
	}
	if p.stored != "" {
		b.WriteString("\n" + th.OK.Render("✓ ") + p.stored)
	}
	return b.String()
}

func (p *credentialsPage) SetSize(w, h int) {
	p.base.SetSize(w, h)
	sizeForm(&p.form, w)
}
