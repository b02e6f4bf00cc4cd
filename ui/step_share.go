package ui

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// sharePage is step 4: share the credentials with ROOK, get the Redirect URL back.
type sharePage struct {
	base
	form    form
	problem string
}

func newSharePage(b base) *sharePage {
	p := &sharePage{base: b}
	in := newInput("https://… (the Redirect URL your ROOK contact sent)", 300, false)
	in.SetValue(b.s.App().ROOKRedirectURL)
	if d := b.s.Demo; d != nil && b.s.App().ROOKRedirectURL == "" {
		in.SetValue(d.Prefill.ROOKRedirect)
	}
	p.form = form{step: onboarding.ShareWithROOK, rows: append(checkRows(onboarding.ShareWithROOK),
		row{kind: rowInput, id: "rook_redirect", label: "Redirect URL returned by ROOK", input: in, hint: "https, no #fragment; enter stores it"},
	)}
	return p
}

func (p *sharePage) Step() onboarding.Step { return onboarding.ShareWithROOK }
func (p *sharePage) Capturing() bool       { return p.form.capturing() }
func (p *sharePage) Keys() []key.Binding   { return append(p.form.keys(p.keys), p.keys.Date) }

// ValidateROOKRedirect accepts an https URL without a fragment.
func ValidateROOKRedirect(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return fmt.Errorf("paste the Redirect URL your ROOK contact sent")
	case err != nil || u.Host == "":
		return fmt.Errorf("%q is not a URL", raw)
	case u.Scheme != "https":
		return fmt.Errorf("the Redirect URL must start with https:// (it is %s)", u.Scheme)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("the Redirect URL must not contain a #fragment")
	}
	return nil
}

func (p *sharePage) Update(msg tea.Msg) (page, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok && !p.Capturing() && key.Matches(km, p.keys.Date) {
		p.s.Progress.SetField(onboarding.ShareWithROOK, "shared_on", p.s.now().Format("2006-01-02"), p.s.now())
		return p, p.settle()
	}
	ev, cmd := p.form.update(msg, p.keys, p.s)
	switch ev {
	case evToggled:
		return p, tea.Batch(cmd, p.settle())
	case evEdited:
		p.problem = ""
	case evSubmit:
		v := strings.TrimSpace(p.form.input("rook_redirect").Value())
		if err := ValidateROOKRedirect(v); err != nil {
			p.problem = err.Error()
			return p, cmd
		}
		p.problem = ""
		p.s.App().ROOKRedirectURL = v
		p.form.input("rook_redirect").Blur()
		return p, tea.Batch(cmd, p.s.saveProfile("redirect"), p.settle())
	}
	return p, cmd
}

func (p *sharePage) settle() tea.Cmd {
	return settleStep(p.s, onboarding.ShareWithROOK, complete(p.s, onboarding.ShareWithROOK))
}

func (p *sharePage) View() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Step 4 · Share the credentials with ROOK") + "\n\n")
	b.WriteString(wrap(p.width, "Send the Client ID and Secret to your ROOK contact through a one-time secret "+
		"link, never by e-mail or chat. ROOK answers with a Redirect URL.") + "\n\n")
	b.WriteString(p.form.view(th, p.s) + "\n")
	date := p.s.Progress.Field(onboarding.ShareWithROOK, "shared_on")
	if date == "" {
		date = th.Muted.Render("not yet (d sets today)")
	}
	b.WriteString(th.Key.Render("Shared on  ") + date + "\n")
	if u := p.s.App().ROOKRedirectURL; u != "" {
		b.WriteString(th.Key.Render("Stored     ") + th.Code.Render(u) + "\n")
	}
	if p.problem != "" {
		b.WriteString("\n" + th.Error.Render(p.problem))
	}
	return b.String()
}

func (p *sharePage) SetSize(w, h int) {
	p.base.SetSize(w, h)
	sizeForm(&p.form, w)
}
