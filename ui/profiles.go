package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/vault"
)

// profilesModel picks a client profile or creates one.
type profilesModel struct {
	s      *Session
	theme  Theme
	keys   KeyMap
	list   []profileRow
	cursor int
	naming bool
	name   textinput.Model
	err    string
	loaded bool
}

type profileRow struct {
	p                   *vault.Profile
	sandbox, production string
}

type (
	profilesLoadedMsg struct {
		rows []profileRow
		err  error
	}
	profileChosenMsg struct{ p *vault.Profile }
	profileFailedMsg struct{ err error }
)

func newProfilesModel(s *Session, th Theme, k KeyMap) *profilesModel {
	ti := textinput.New()
	ti.Prompt = "› "
	ti.Placeholder = "client or company name"
	ti.CharLimit = 80
	ti.Width = 40
	return &profilesModel{s: s, theme: th, keys: k, name: ti}
}

func (m *profilesModel) capturing() bool { return m.naming }

func (m *profilesModel) Init() tea.Cmd {
	v := m.s.Vault
	return func() tea.Msg {
		ps, err := v.Profiles()
		if err != nil {
			return profilesLoadedMsg{err: err}
		}
		rows := make([]profileRow, 0, len(ps))
		for _, p := range ps {
			rows = append(rows, profileRow{p: p, sandbox: trackState(v, p, onboarding.SandboxTrack), production: trackState(v, p, onboarding.ProductionTrack)})
		}
		return profilesLoadedMsg{rows: rows}
	}
}

func trackState(v *vault.Vault, p *vault.Profile, t onboarding.Track) string {
	pr, err := v.Progress(p.ID, t)
	switch {
	case err != nil:
		return "unreadable"
	case pr == nil:
		return "not started"
	}
	done, total := pr.Completed()
	return fmt.Sprintf("%d/%d", done, total)
}

func (m *profilesModel) Update(msg tea.Msg) (*profilesModel, tea.Cmd) {
	switch msg := msg.(type) {
	case profilesLoadedMsg:
		m.loaded, m.list = true, msg.rows
		if msg.err != nil {
			m.err = msg.err.Error()
		}
		if len(m.list) == 0 {
			m.startNaming()
			return m, textinput.Blink
		}
		return m, nil
	case profileFailedMsg:
		m.err = msg.err.Error()
		return m, nil
	case tea.KeyMsg:
		if m.naming {
			return m.updateNaming(msg)
		}
		switch {
		case key.Matches(msg, m.keys.Up):
			m.cursor = max(0, m.cursor-1)
		case key.Matches(msg, m.keys.Down):
			m.cursor = min(len(m.list), m.cursor+1)
		case key.Matches(msg, m.keys.Enter):
			if m.cursor == len(m.list) {
				m.startNaming()
				return m, textinput.Blink
			}
			p := m.list[m.cursor].p
			return m, func() tea.Msg { return profileChosenMsg{p} }
		}
		return m, nil
	}
	if m.naming {
		var cmd tea.Cmd
		m.name, cmd = m.name.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *profilesModel) startNaming() {
	m.naming = true
	m.name.Reset()
	m.name.Focus()
}

func (m *profilesModel) updateNaming(msg tea.KeyMsg) (*profilesModel, tea.Cmd) {
	switch msg.String() {
	case "esc":
		if len(m.list) > 0 {
			m.naming = false
			m.name.Blur()
		}
		return m, nil
	case "enter":
		name := strings.TrimSpace(m.name.Value())
		if err := vault.ValidateProfileName(name); err != nil {
			m.err = err.Error()
			return m, nil
		}
		v := m.s.Vault
		return m, func() tea.Msg {
			p, err := v.CreateProfile(name)
			if err != nil {
				return profileFailedMsg{err}
			}
			return profileChosenMsg{p}
		}
	}
	m.err = ""
	var cmd tea.Cmd
	m.name, cmd = m.name.Update(msg)
	return m, cmd
}

func (m *profilesModel) View() string {
	th := m.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Client profiles") + "\n\n")
	if !m.loaded {
		return th.Page.Render(b.String() + th.Muted.Render("reading the vault…"))
	}
	if len(m.list) > 0 {
		b.WriteString(th.Muted.Render(fmt.Sprintf("  %-36s %-12s %s", "PROFILE", "SANDBOX", "PRODUCTION")) + "\n")
	}
	for i, r := range m.list {
		line := fmt.Sprintf("%-36s %-12s %s", truncate(r.p.Name, 36), r.sandbox, r.production)
		if i == m.cursor && !m.naming {
			b.WriteString(th.Current.Render("▸ "+line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	newRow := "+ New profile"
	if m.cursor == len(m.list) && !m.naming {
		b.WriteString(th.Current.Render("▸ "+newRow) + "\n")
	} else {
		b.WriteString("  " + th.Muted.Render(newRow) + "\n")
	}
	if m.naming {
		b.WriteString("\nName of the new profile (enter to create")
		if len(m.list) > 0 {
			b.WriteString(", esc to go back")
		}
		b.WriteString(")\n" + m.name.View() + "\n")
	}
	if m.err != "" {
		b.WriteString("\n" + th.Error.Render(m.err))
	}
	return th.Page.Render(b.String())
}
