package ui

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// styledCell is one character on screen and the SGR codes in force for it.
type styledCell struct {
	sgr string
	r   rune
}

// screenCells reads s the way a terminal does: each SGR sequence sets the
// codes in force (0 resets them) for the characters after it.
func screenCells(t *testing.T, s string) []styledCell {
	t.Helper()
	var out []styledCell
	sgr := ""
	for len(s) > 0 {
		if strings.HasPrefix(s, "\x1b[") {
			end := strings.IndexByte(s, 'm')
			if end < 0 {
				t.Fatalf("unterminated escape in %q", s)
			}
			if p := s[2:end]; p == "0" || p == "" {
				sgr = ""
			} else {
				sgr += ";" + p
			}
			s = s[end+1:]
			continue
		}
		r, n := utf8.DecodeRuneInString(s)
		out = append(out, styledCell{sgr, r})
		s = s[n:]
	}
	return out
}

// TestRunsLookLikeARenderPerCell writes random rows of chart cells with one
// style per run and compares them, as a terminal shows them, with the old
// way: a lipgloss Render for every cell.
func TestRunsLookLikeARenderPerCell(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.Ascii} {
		colors(t, profile)
		th := DefaultTheme()
		styles := []*lipgloss.Style{nil, &th.ChartIn, &th.ChartLow, &th.ChartHigh, &th.RangeFill, &th.RangeLine, &th.Big, &th.Muted}
		glyphs := []rune{' ', '·', '⠁', '⣿', '⡀', '⢸'}
		rnd := rand.New(rand.NewPCG(14, uint64(profile)))
		for row := range 200 {
			var got, want strings.Builder
			w := runs{b: &got}
			for range rnd.IntN(120) {
				st, r := styles[rnd.IntN(len(styles))], glyphs[rnd.IntN(len(glyphs))]
				for range 1 + rnd.IntN(4) { // runs of a few cells
					w.put(st, r)
					if st == nil {
						want.WriteRune(r)
					} else {
						want.WriteString(st.Render(string(r)))
					}
				}
			}
			w.text(&th.Muted, " 180 ")
			want.WriteString(th.Muted.Render(" 180 "))
			w.flush()
			if g, wa := screenCells(t, got.String()), screenCells(t, want.String()); !reflect.DeepEqual(g, wa) {
				t.Fatalf("profile %d, row %d: runs show\n%q\nper-cell Render shows\n%q", profile, row, got.String(), want.String())
			}
			if profile != termenv.Ascii && strings.Count(got.String(), "\x1b") > strings.Count(want.String(), "\x1b") {
				t.Fatalf("profile %d, row %d: runs wrote more escapes than a Render per cell", profile, row)
			}
		}
	}
}
