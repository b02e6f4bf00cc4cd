package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// wrap fits prose to the page width, counting terminal cells (accented
// letters are one, wide glyphs two) and leaving colour codes intact; it
// breaks only between words, one cell short of the width.
func wrap(width int, s string) string {
	width -= 2 // the page's left padding
	if width <= 0 {
		width = 78
	}
	var out, line []string
	n := 0
	for _, w := range strings.Fields(s) {
		cells := ansi.StringWidth(w)
		if n+cells+1 > width && n > 0 {
			out = append(out, strings.Join(line, " "))
			line, n = nil, 0
		}
		line = append(line, w)
		n += cells + 1
	}
	if len(line) > 0 {
		out = append(out, strings.Join(line, " "))
	}
	return strings.Join(out, "\n")
}

// truncate cuts s to n cells, ending in "…" when it was cut.
func truncate(s string, n int) string {
	if n <= 1 {
		return ""
	}
	return ansi.Truncate(s, n, "…")
}

// padCells pads s with spaces to n cells (fmt pads by runes, not cells).
func padCells(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-ansi.StringWidth(s)))
}

// joinWrap joins parts with sep, starting a new line where the next part
// would pass width cells: every figure shows, none is cut.
func joinWrap(width int, sep string, parts ...string) string {
	var lines []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case ansi.StringWidth(line+sep+p) > width:
			lines, line = append(lines, line), p
		default:
			line += sep + p
		}
	}
	return strings.Join(append(lines, line), "\n")
}
