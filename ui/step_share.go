package ui

import (
	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// shareExtra is step 4's sealed hand-off for ROOK.
type shareExtra struct {
	noExtra
	sealed   *service.Sealed
	rookCode string // the demo's simulated ROOK read this code
}

// sealedMsg carries the sealed hand-off (or why it failed) back to step 4.
type sealedMsg struct {
	sealed *service.Sealed
	err    error
}

func (sealedMsg) forStep() onboarding.Step { return onboarding.ShareWithROOK }

func (e *shareExtra) keys(p *stepPage) keySet { return keySet{&p.date} }

func (e *shareExtra) handle(p *stepPage, msg tea.Msg) (tea.Cmd, bool) {
	m, ok := msg.(sealedMsg)
	if !ok {
		return nil, false
	}
	if m.err != nil {
		p.problem = m.err.Error()
		return nil, true
	}
	e.sealed, p.problem = m.sealed, ""
	p.s.RecordSeal(m.sealed)
	code, err := p.s.Handover(m.sealed)
	if err != nil {
		p.problem = "ROOK could not open the hand-off: " + err.Error()
	}
	e.rookCode = code
	return tea.Batch(saveProgress(p.s), saveProfile(p.s, onboarding.ShareWithROOK)), true
}

// act seals the app's credentials for the recipient into a new 0600 file
// and copies the armored text to the clipboard.
func (e *shareExtra) act(p *stepPage, _ string) tea.Cmd {
	seal, err := p.s.Seal(p.form.input(onboarding.FieldRecipient).Value())
	if err != nil {
		p.problem = explain(err)
		return nil
	}
	return func() tea.Msg {
		sl, err := seal()
		if err == nil {
			_, _ = osc52.New(string(sl.Armored)).WriteTo(clipboardOut)
		}
		return sealedMsg{sealed: sl, err: err}
	}
}

func (e *shareExtra) below(p *stepPage) string {
	th := p.theme
	out := "\n" + p.dateLine(11) + "\n"
	if u := p.s.App().ROOKRedirectURL; u != "" {
		out += th.Key.Render("Stored     ") + th.Code.Render(u) + "\n"
	}
	if s := e.sealed; s != nil {
		out += th.OK.Render("✓ Sealed (also copied to the clipboard): ") + s.Path + "\n"
		out += th.Key.Render("Verification code  ") + th.Title.Render(s.Code) + th.Muted.Render("  read it out: ROOK must see the same") + "\n"
	}
	if e.rookCode != "" {
		out += th.OK.Render("✓ ROOK's CSE (simulated) opened it, read ") + th.Title.Render(e.rookCode) + th.OK.Render(" and sent the Redirect URL above") + "\n"
	}
	if st, ok := p.s.Progress.Steps[onboarding.ShareWithROOK]; ok && st.Status == onboarding.Attention {
		out += th.Attention.Render("! "+st.Problem) + "\n"
	}
	return out + p.problemView()
}
