package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// TestQuestionAnswers: what each key answers, before quitting, before a
// move and while a new profile is being created.
func TestQuestionAnswers(t *testing.T) {
	t.Parallel()
	k := DefaultKeys()
	move := startProductionMsg{}
	for _, c := range []struct {
		name    string
		leaving bool
		busy    bool
		key     string
		want    answer
	}{
		{"s stores", false, false, "s", store}, {"enter stores", false, false, "enter", store},
		{"d discards", false, false, "d", discard}, {"ctrl+c discards", false, false, "ctrl+c", discard},
		{"esc cancels", false, false, "esc", cancel}, {"q cancels", false, false, "q", cancel},
		{"x is nothing", false, false, "x", unanswered},
		{"ctrl+c before a move asks to quit", true, false, "ctrl+c", quitInstead},
		{"d before a move discards", true, false, "d", discard},
		{"s while creating is nothing", false, true, "s", unanswered},
		{"ctrl+c while creating quits", false, true, "ctrl+c", discard},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := newQuestion(k, []string{"x"}, nil)
			if c.leaving {
				q = newQuestion(k, []string{"x"}, move)
			}
			q.busy = c.busy
			if got := q.Update(keys(c.key)[0].(tea.KeyMsg)); got != c.want {
				t.Fatalf("%s answered %d, want %d", c.key, got, c.want)
			}
		})
	}
}

// TestQuestionView names what would be lost, the refusal and where the
// move leads, within the width.
func TestQuestionView(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	q := newQuestion(DefaultKeys(), []string{"Client ID & Secret: Client ID"}, startProductionMsg{})
	q.problem = "Client ID & Secret: too short"
	v := ansi.Strip(q.View(DefaultTheme(), help.New(), 40))
	for _, want := range []string{"Typed but not stored: Client ID", "Not stored: Client ID & Secret: too short",
		"store, then start the", "discard, then start"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) { // wrapped anywhere
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	for _, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("%q is wider than 40", l)
		}
	}
}
