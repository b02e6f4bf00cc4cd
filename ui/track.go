package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// trackModel picks the sandbox or the production app, and the region.
type trackModel struct {
	s       *Session
	theme   Theme
	cursor  int
	regions bool
	err     string
}

type (
	trackChosenMsg struct{ progress *onboarding.Progress }
	trackFailedMsg struct{ err error }
	// startProductionMsg is sent by step 7 to move on to the production app.
	startProductionMsg struct{}
)

var regions = []dexcom.Environment{dexcom.US, dexcom.EU, dexcom.JP}

func newTrackModel(s *Session, th Theme) *trackModel { return &trackModel{s: s, theme: th} }

func (m *trackModel) Init() tea.Cmd { return nil }

func (m *trackModel) pickRegion() { m.regions, m.cursor = true, 0 }

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
		switch msg.String() {
		case "up", "k":
			m.cursor = max(0, m.cursor-1)
		case "down", "j":
			m.cursor = min(m.options()-1, m.cursor+1)
		case "esc":
			m.regions, m.cursor = false, 1
		case "enter":
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
		p, err := v.Progress(id, t)
		if err != nil {
			return trackFailedMsg{err}
		}
		if p == nil || (t == onboarding.ProductionTrack && p.Env != env) {
			p = onboarding.NewProgress(t, env)
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
		b.WriteString("\n" + th.Muted.Render("esc goes back"))
	} else {
		b.WriteString(th.Title.Render("Which Dexcom app are you onboarding?") + "\n\n")
		b.WriteString("Dexcom recommends two apps: one for the sandbox (test users, immediate access)\n")
		b.WriteString("and one for production (real users, after Dexcom's review). Steps 1-6 are done\n")
		b.WriteString("for each; step 7 moves from the first to the second.\n\n")
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
