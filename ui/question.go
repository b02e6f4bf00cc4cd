package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// question asks what to do with input typed but not stored, before the
// program quits or before a move replaces the step pages. While it is open
// the wizard routes every key to it and acts on its answer.
type question struct {
	keys    quitKeys
	force   key.Binding
	about   []string // what would be lost, per step
	problem string   // why the last store was refused
	leaving tea.Msg  // the move waiting on the answer; nil when quitting
	busy    bool     // a new profile is being created: only ctrl+c answers
}

// quitKeys answer the question: store, discard or cancel. A second ctrl+c
// discards: it always gets out.
type quitKeys struct{ Store, Discard, Cancel key.Binding }

func newQuestion(k KeyMap, about []string, leaving tea.Msg) *question {
	q := &question{keys: quitKeys{Store: k.StoreQuit, Discard: k.DiscardQuit, Cancel: k.CancelQuit},
		force: k.ForceQuit, about: about, leaving: leaving}
	if leaving != nil {
		where := leavingFor(leaving)
		q.keys.Store.SetHelp(q.keys.Store.Help().Key, "store, then "+where)
		q.keys.Discard.SetHelp(q.keys.Discard.Help().Key, "discard, then "+where)
	}
	return q
}

// answer is what a key said.
type answer int

const (
	unanswered answer = iota
	store
	discard
	cancel
	quitInstead // ctrl+c while a move waits: ask the quit question
)

// Update reads a key as an answer.
func (q *question) Update(msg tea.KeyMsg) answer {
	switch {
	case q.busy:
		if key.Matches(msg, q.force) {
			return discard
		}
	case q.leaving != nil && key.Matches(msg, q.force):
		return quitInstead
	case key.Matches(msg, q.keys.Store):
		return store
	case key.Matches(msg, q.keys.Discard):
		return discard
	case key.Matches(msg, q.keys.Cancel):
		return cancel
	}
	return unanswered
}

// View is the question, wrapped to width, in place of the help bar.
func (q *question) View(th Theme, h help.Model, width int) string {
	lines := []string{th.Warn.Render("Typed but not stored: ") + strings.Join(q.about, "; ")}
	if q.problem != "" {
		lines = append(lines, th.Error.Render("Not stored: "+q.problem))
	}
	h.Width = 0
	lines = append(lines, h.ShortHelpView([]key.Binding{q.keys.Store, q.keys.Discard, q.keys.Cancel}))
	return fit(strings.Join(lines, "\n"), max(20, width))
}

// leavingFor says where a move leads, for the question's keys.
func leavingFor(msg tea.Msg) string {
	switch msg := msg.(type) {
	case profileChosenMsg:
		return "open " + msg.p.Name
	case startProductionMsg:
		return "start the production app's track"
	case trackChosenMsg:
		if msg.progress.Track == onboarding.ProductionTrack {
			return "open the production app's track"
		}
		return "open the sandbox app's track"
	}
	return "go on"
}
