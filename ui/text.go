package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// fit is the one wrapper: it breaks each line of s to width cells between
// words (inside a word longer than the room, after a "/" where it has one:
// paths and URLs), and continuation lines keep the line's own indent.
// Cells are terminal cells (wide glyphs are two) and colour codes stay.
func fit(s string, width int) string {
	if width <= 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		out = append(out, fitLine(line, width)...)
	}
	return strings.Join(out, "\n")
}

func fitLine(line string, width int) []string {
	if ansi.StringWidth(line) <= width {
		return []string{line}
	}
	plain := ansi.Strip(line)
	indent := len(plain) - len(strings.TrimLeft(plain, " "))
	if indent > width/2 {
		indent = 0
	}
	pad := strings.Repeat(" ", indent)
	parts := strings.Split(ansi.Wrap(ansi.Cut(line, indent, ansi.StringWidth(line)), width-indent, " /"), "\n")
	for i := range parts {
		parts[i] = pad + strings.TrimRight(parts[i], " ")
	}
	return parts
}

// wrap fits prose (one paragraph) to a page pageWidth cells wide: inside
// its left padding, a cell to spare.
func wrap(pageWidth int, s string) string {
	w := pageWidth - 2
	if w <= 0 {
		w = 78
	}
	return fit(strings.Join(strings.Fields(s), " "), w-1)
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
// would pass width cells: every figure shows, none is cut or split (fit
// would break inside a figure, and leave a separator at a line's end).
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
