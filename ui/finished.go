package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// finishedModel is the screen after a track's last step: what was done and
// when, the report command, and the way on (the other track, the list).
type finishedModel struct {
	s     *Session
	theme Theme
	sum   service.Summary
	k     struct{ Other, List, Back key.Binding }
}

type (
	// showProfilesMsg opens the client list.
	showProfilesMsg struct{}
	// backToStepsMsg leaves the finished screen for the track's last step.
	backToStepsMsg struct{}
)

func newFinishedModel(s *Session, th Theme, k KeyMap) *finishedModel {
	m := &finishedModel{s: s, theme: th, sum: s.Summary()}
	m.k.Other, m.k.List, m.k.Back = k.OtherTrack, k.ClientList, k.BackToSteps
	m.k.Other.SetHelp(m.k.Other.Help().Key, m.otherLabel())
	return m
}

func (m *finishedModel) otherLabel() string {
	if m.sum.Other == onboarding.ProductionTrack {
		return "start the production app's track"
	}
	return "open the sandbox app's track"
}

// Keys are the screen's bindings.
func (m *finishedModel) Keys() keySet { return keySet{&m.k.Other, &m.k.List, &m.k.Back} }

func (m *finishedModel) Update(msg tea.Msg) (*finishedModel, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(km, m.k.Other):
		if m.sum.Other == onboarding.ProductionTrack {
			return m, func() tea.Msg { return startProductionMsg{} }
		}
		return m, newTrackModel(m.s, m.theme, DefaultKeys()).load(onboarding.SandboxTrack, dexcom.Sandbox)
	case key.Matches(km, m.k.List):
		return m, func() tea.Msg { return showProfilesMsg{} }
	case key.Matches(km, m.k.Back):
		return m, func() tea.Msg { return backToStepsMsg{} }
	}
	return m, nil
}

func (m *finishedModel) View() string {
	th, sum := m.theme, m.sum
	var b strings.Builder
	name := "Sandbox app"
	if sum.Track == onboarding.ProductionTrack {
		name = "Production app (" + strings.ToUpper(string(m.s.Progress.Env)) + ")"
	}
	title := name + ": every step done"
	if !sum.Finished {
		title = name + ": not finished yet"
	}
	b.WriteString(th.Title.Render(title) + "\n\n")
	for _, st := range sum.Steps {
		mark, when := th.Todo.Render("·"), th.Muted.Render("to do")
		switch {
		case st.Done:
			mark, when = th.Done.Render("✓"), "done "+st.At.Format("2006-01-02")
		case st.Problem != "":
			mark, when = th.Attention.Render("!"), th.Attention.Render(truncate(st.Problem, 40))
		}
		label := st.Step.ShortTitle()
		if st.Step != onboarding.Prerequisites {
			label = fmt.Sprintf("%d. %s", int(st.Step), label)
		}
		b.WriteString(fmt.Sprintf("%s %s %s\n", mark, padCells(label, 26), when))
	}
	b.WriteString("\n" + th.Key.Render("Report  ") + th.Code.Render(sum.ReportCommand) + "\n")
	b.WriteString(th.Muted.Render("        steps, dates, the last check; no secrets (--format md|html|json)") + "\n")
	if m.s.Throwaway != "" {
		b.WriteString(th.Muted.Render("        (on your own vault: the demo's is deleted on exit)") + "\n")
	}
	b.WriteString("\n" + th.Key.Render("Next    ") + m.otherLabel() + th.Muted.Render(" ("+m.k.Other.Help().Key+")") +
		", or the client list" + th.Muted.Render(" ("+m.k.List.Help().Key+")"))
	return th.Page.Render(b.String())
}
