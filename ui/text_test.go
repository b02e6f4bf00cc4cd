package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// TestTextCountsCells: accented letters take one cell and wide glyphs two,
// with or without colour codes; no line passes the width (a word longer
// than a line breaks inside).
func TestTextCountsCells(t *testing.T) {
	colors(t, termenv.TrueColor)
	red := lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000"))
	for _, s := range []string{
		"Clínica São José atende pacientes com diabetes em São Paulo e Belo Horizonte desde 1998",
		"東京クリニックは糖尿病の患者さんを 診察しています 東京クリニックは糖尿病の患者さんを 診察しています",
		red.Render("Clínica") + " São José " + red.Render("東京クリニック") + " and more words to wrap around the width",
	} {
		for _, width := range []int{12, 20, 33} {
			got := wrap(width, s)
			for _, line := range strings.Split(got, "\n") {
				if n := ansi.StringWidth(line); n > width-3 {
					t.Errorf("wrap(%d): %q is %d cells", width, ansi.Strip(line), n)
				}
			}
			if ansi.Strip(strings.Join(strings.Fields(got), "")) != ansi.Strip(strings.Join(strings.Fields(s), "")) {
				t.Errorf("wrap(%d) lost words: %q", width, ansi.Strip(got))
			}
			if tr := truncate(s, width); ansi.StringWidth(tr) > width || !strings.HasSuffix(ansi.Strip(tr), "…") {
				t.Errorf("truncate(%d) = %q, %d cells", width, ansi.Strip(tr), ansi.StringWidth(tr))
			}
		}
	}
	if got := padCells("東京", 6); ansi.StringWidth(got) != 6 {
		t.Errorf("padCells: %q is %d cells", got, ansi.StringWidth(got))
	}
}

// TestScrollFollowsTheCursorLine: the window keeps the cursor's line in view
// whatever the text holds (the old search for ▸ found a ▸ in the prose).
func TestScrollFollowsTheCursorLine(t *testing.T) {
	t.Parallel()
	lines := make([]string, 40)
	for i := range lines {
		lines[i] = "line"
	}
	lines[3] = "a ▸ in the prose"
	lines[30] = "the cursor"
	var win pageWindow
	win.set(layOut(strings.Join(lines, "\n"), 80, 30), 80, 10)
	win.toCursor()
	got := strings.Split(win.View(), "\n")
	if len(got) != 10 || !strings.Contains(strings.Join(got, "\n"), "the cursor") || got[0] != "↑ more above" {
		t.Fatalf("window:\n%s", strings.Join(got, "\n"))
	}
}

// TestWrappedLinesKeepTheirIndent: a line wider than the page goes on under
// its own indent, colour codes intact.
func TestWrappedLinesKeepTheirIndent(t *testing.T) {
	t.Parallel()
	line := "    \x1b[1mhint\x1b[0m " + strings.Repeat("word ", 12)
	got := strings.Split(fit(line, 30), "\n")
	if len(got) < 2 {
		t.Fatalf("not wrapped: %q", got)
	}
	for i, l := range got {
		if ansi.StringWidth(l) > 30 || !strings.HasPrefix(ansi.Strip(l), "    ") || strings.HasPrefix(ansi.Strip(l), "     ") {
			t.Errorf("line %d: %q", i, ansi.Strip(l))
		}
	}
}
