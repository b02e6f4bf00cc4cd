package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/tryrook/dexonboard/internal/handoff"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// sharePage is step 4: share the credentials with ROOK, get the Redirect URL back.
type sharePage struct {
	base
	form    form
	problem string
	sealed  *sealedMsg
}

// sealedMsg says where the sealed hand-off went and its verification code.
type sealedMsg struct {
	path, code, armored string
	err                 error
}

func newSharePage(b base) *sharePage {
	p := &sharePage{base: b}
	in := newInput("https://… (the Redirect URL your ROOK contact sent)", 300, false)
	in.SetValue(b.s.App().ROOKRedirectURL)
	if d := b.s.Demo; d != nil && b.s.App().ROOKRedirectURL == "" {
		in.SetValue(d.Prefill.ROOKRedirect)
	}
	key := newInput("age1… (your ROOK contact's public key)", 200, false)
	if d := b.s.Demo; d != nil {
		key.SetValue(d.Prefill.Recipient)
	}
	p.form = form{step: onboarding.ShareWithROOK, rows: []row{
		{kind: rowInput, id: "recipient", label: "ROOK engineer's public key", input: key, hint: "from dexonboard handoff keygen on their side; not secret"},
		{kind: rowAction, id: "seal", label: "Seal the credentials for it"},
	}}
	p.form.rows = append(p.form.rows, checkRows(onboarding.ShareWithROOK)...)
	p.form.rows = append(p.form.rows,
		row{kind: rowInput, id: "rook_redirect", label: "Redirect URL returned by ROOK", input: in, hint: "https, no #fragment; paste the URL or ROOK's whole reply; enter stores it"})
	return p
}

func (p *sharePage) Step() onboarding.Step { return onboarding.ShareWithROOK }
func (p *sharePage) Capturing() bool       { return p.form.capturing() }
func (p *sharePage) Keys() []key.Binding   { return append(p.form.keys(p.keys), p.keys.Date) }

// replyURL takes the https URL out of ROOK's reply, or the text as it is.
func replyURL(text string) string {
	for _, f := range strings.Fields(text) {
		if strings.HasPrefix(f, "https://") {
			return f
		}
	}
	return strings.TrimSpace(text)
}

// seal writes the app's credentials, sealed for the recipient, to a new
// 0600 file and copies the armored text to the clipboard.
func (p *sharePage) seal() tea.Cmd {
	rcpt := strings.TrimSpace(p.form.input("recipient").Value())
	if _, err := handoff.Recipient(rcpt); err != nil {
		p.problem = err.Error()
		return nil
	}
	prof, env, now, dir := cloneProfile(p.s.Profile), p.s.Progress.Env, p.s.now(), p.s.ExportDir
	return func() tea.Msg {
		armored, code, err := handoff.SealApp(prof, env, rcpt, now, 0)
		if err != nil {
			return sealedMsg{err: err}
		}
		if dir == "" {
			dir = "."
		}
		name := fmt.Sprintf("dexonboard-handoff-%s-%s-%s.age", slug(prof.Name), env, now.UTC().Format("20060102-150405"))
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, err = f.Write(armored)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return sealedMsg{err: err}
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		_, _ = osc52.New(string(armored)).WriteTo(os.Stderr)
		return sealedMsg{path: path, code: code, armored: string(armored)}
	}
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

func (p *sharePage) Update(msg tea.Msg) (page, tea.Cmd) {
	if m, ok := msg.(sealedMsg); ok {
		if m.err != nil {
			p.problem = m.err.Error()
			return p, nil
		}
		p.sealed, p.problem = &m, ""
		p.s.Progress.SetField(onboarding.ShareWithROOK, "verification_code", m.code, p.s.now())
		return p, p.s.saveProgress()
	}
	if km, ok := msg.(tea.KeyMsg); ok && !p.Capturing() && key.Matches(km, p.keys.Date) {
		p.s.today(onboarding.ShareWithROOK, "shared_on")
		return p, p.settle()
	}
	ev, cmd := p.form.update(msg, p.keys, p.s)
	switch ev {
	case evToggled:
		return p, tea.Batch(cmd, p.settle())
	case evEdited:
		p.problem = ""
	case evAction:
		return p, p.seal()
	case evSubmit:
		if p.form.current().id == "recipient" {
			return p, tea.Batch(cmd, p.form.focus("seal"))
		}
		v := replyURL(p.form.input("rook_redirect").Value())
		p.form.input("rook_redirect").SetValue(v)
		if err := onboarding.ValidateROOKRedirect(v); err != nil {
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
	b.WriteString(wrap(p.width, "Seal the Client ID and Secret for your ROOK contact's public key: only their "+
		"vault can open it, once, within 7 days. Send the file; never the secret by e-mail or chat. ROOK answers with a Redirect URL.") + "\n\n")
	b.WriteString(p.form.view(th, p.s) + "\n")
	date := p.s.Progress.Field(onboarding.ShareWithROOK, "shared_on")
	if date == "" {
		date = th.Muted.Render("not yet (d sets today)")
	}
	b.WriteString(th.Key.Render("Shared on  ") + date + "\n")
	if u := p.s.App().ROOKRedirectURL; u != "" {
		b.WriteString(th.Key.Render("Stored     ") + th.Code.Render(u) + "\n")
	}
	if s := p.sealed; s != nil {
		b.WriteString(th.OK.Render("✓ Sealed (also copied to the clipboard): ") + s.path + "\n")
		b.WriteString(th.Key.Render("Verification code  ") + th.Title.Render(s.code) + th.Muted.Render("  read it out: ROOK must see the same") + "\n")
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
