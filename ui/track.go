package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// trackModel picks the sandbox or the production app, and the region.
type trackModel struct {
	s       *Session
	theme   Theme
	cursor  int
	regions bool
	err     string
	k       struct{ Up, Down, Enter, Back key.Binding }
}

// Keys are the picker's bindings; esc goes back from the regions.
func (m *trackModel) Keys() keySet { return keySet{&m.k.Up, &m.k.Down, &m.k.Enter, &m.k.Back} }

type (
	trackChosenMsg struct{ progress *onboarding.Progress }
	trackFailedMsg struct{ err error }
)

var regions = []dexcom.Environment{dexcom.US, dexcom.EU, dexcom.JP}

func newTrackModel(s *Session, th Theme, k KeyMap) *trackModel {
	m := &trackModel{s: s, theme: th}
	m.k.Up, m.k.Down, m.k.Enter, m.k.Back = k.Up, k.Down, k.Enter, k.Back
	m.k.Back.SetEnabled(false)
	return m
}

func (m *trackModel) Init() tea.Cmd { return nil }

func (m *trackModel) pickRegion() { m.regions, m.cursor = true, 0; m.k.Back.SetEnabled(true) }

func (m *trackModel) options() int {
	if m.regions {
		return len(regions)
	}
	return 2
}

func (m *trackModel) Update(msg tea.Msg) (*trackModel, tea.Cmd) {
	switch msg := msg.(type) {
	case trackFailedMsg:
		m.err = msg.err.Error()
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.k.Up):
			m.cursor = max(0, m.cursor-1)
		case key.Matches(msg, m.k.Down):
			m.cursor = min(m.options()-1, m.cursor+1)
		case key.Matches(msg, m.k.Back):
			m.regions, m.cursor = false, 1
			m.k.Back.SetEnabled(false)
		case key.Matches(msg, m.k.Enter):
			if !m.regions && m.cursor == 1 {
				m.pickRegion()
				return m, nil
			}
			t, env := onboarding.SandboxTrack, dexcom.Sandbox
			if m.regions {
				t, env = onboarding.ProductionTrack, regions[m.cursor]
			}
			return m, m.load(t, env)
		}
	}
	return m, nil
}

// load resumes the track's saved progress, or starts it.
func (m *trackModel) load(t onboarding.Track, env dexcom.Environment) tea.Cmd {
	v, id := m.s.Vault, m.s.Profile.ID
	return func() tea.Msg {
		p, err := service.LoadTrack(v, id, t, env)
		if err != nil {
			return trackFailedMsg{err}
		}
		return trackChosenMsg{p}
	}
}

func (m *trackModel) View() string {
	th := m.theme
	var b strings.Builder
	if m.regions {
		b.WriteString(th.Title.Render("Production app: which region?") + "\n\n")
		b.WriteString("Dexcom runs separate production servers; each needs its own app and access.\n\n")
		for i, r := range regions {
			b.WriteString(option(th, i == m.cursor, r.Label(), r.BaseURL()))
		}
		b.WriteString("\n" + th.Muted.Render(keyDoes(m.k.Back, "goes back")))
	} else {
		b.WriteString(th.Title.Render("Which Dexcom app are you onboarding?") + "\n\n")
		b.WriteString("ROOK recommends two Dexcom apps: one for the sandbox (test users, immediate\n")
		b.WriteString("access) and one for production (real users, after Dexcom's review). Steps 1-6\n")
		b.WriteString("are done for each; step 7 moves from the first to the second.\n\n")
		b.WriteString(option(th, m.cursor == 0, "Sandbox app", "test users on "+dexcom.Sandbox.BaseURL()))
		b.WriteString(option(th, m.cursor == 1, "Production app", "real users in the US, EU or Japan"))
	}
	if m.err != "" {
		b.WriteString("\n" + th.Error.Render(m.err))
	}
	return th.Page.Render(b.String())
}

func option(th Theme, selected bool, label, detail string) string {
	if selected {
		return th.Current.Render("▸ "+label) + "  " + th.Muted.Render(detail) + "\n"
	}
	return "  " + label + "  " + th.Muted.Render(detail) + "\n"
}
