package ui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// productionExtra is step 7's move on to the production app's track.
type productionExtra struct{ noExtra }

// startProductionMsg asks the wizard to start the production app's track.
type startProductionMsg struct{}

func (productionExtra) keys(p *stepPage) keySet { return keySet{&p.date} }

func (productionExtra) act(p *stepPage, _ string) tea.Cmd {
	return tea.Sequence(saveProgress(p.s), func() tea.Msg { return startProductionMsg{} })
}

func (productionExtra) below(p *stepPage) string { return "\n" + p.dateLine(14) }
