package ui

import (
	"strings"
)

// pageLines is a step page laid out for the screen: lines already wrapped to
// the page width and the line the cursor's row starts on.
type pageLines struct {
	lines  []string
	cursor int
}

// layOut wraps every line of v to width cells, continuation lines keeping
// the line's own indent, and moves the cursor line with the wrapping.
func layOut(v string, width, cursor int) pageLines {
	var out pageLines
	for i, line := range strings.Split(v, "\n") {
		if i == cursor {
			out.cursor = len(out.lines)
		}
		out.lines = append(out.lines, strings.Split(fit(line, width), "\n")...)
	}
	return out
}

// scroll is the window on a page taller than the screen: top is its first
// line. The window follows the cursor, shows a result when one appears, and
// ↓/↑ past the last/first row move it a line.
// A window not yet placed (a page just shown) shows the cursor.
type scroll struct {
	top    int
	placed bool
}

// toCursor shows the cursor's line and a few below it.
func (sc *scroll) toCursor(pl pageLines, h int) {
	n := len(pl.lines)
	sc.show(n, h, pl.cursor, min(n-1, pl.cursor+3))
	sc.placed = true
}

// window shows h lines from top, marking what lies above and below.
func (sc scroll) window(pl pageLines, h int) string {
	n := len(pl.lines)
	if n <= h || h < 3 {
		return strings.Join(pl.lines, "\n")
	}
	if !sc.placed {
		sc.toCursor(pl, h)
	}
	top := max(0, min(sc.top, n-h))
	view := append([]string(nil), pl.lines[top:top+h]...)
	if top > 0 {
		view[0] = "↑ more above"
	}
	if top+h < n {
		view[h-1] = "↓ more below"
	}
	return strings.Join(view, "\n")
}

// show moves the window as little as it can so lines a..b are in view,
// preferring b (the newest) when they do not fit together.
func (sc *scroll) show(n, h, a, b int) {
	if n <= h || h < 3 {
		sc.top = 0
		return
	}
	last := n - h
	sc.top = max(0, min(sc.top, last))
	first := func() int { // first line not hidden by "↑ more above"
		if sc.top == 0 {
			return 0
		}
		return sc.top + 1
	}
	end := func() int { // last line not hidden by "↓ more below"
		if sc.top == last {
			return n - 1
		}
		return sc.top + h - 2
	}
	if a < first() {
		sc.top = max(0, a-1)
	}
	if b > end() {
		sc.top = min(last, b-h+2)
		if b == n-1 {
			sc.top = last
		}
	}
	sc.placed = true
}

// by moves the window d lines, within the page.
func (sc *scroll) by(n, h, d int) {
	sc.placed = true
	sc.top = max(0, min(sc.top+d, n-h))
}

// changed is the range of lines of after that differ from before (the
// result that just appeared), or ok false when nothing changed.
func changed(before, after []string) (a, b int, ok bool) {
	for a < len(before) && a < len(after) && before[a] == after[a] {
		a++
	}
	if a == len(before) && a == len(after) {
		return 0, 0, false
	}
	i, j := len(before)-1, len(after)-1
	for i >= a && j >= a && before[i] == after[j] {
		i, j = i-1, j-1
	}
	return a, max(a, j), true
}
