package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
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

// pageWindow is the step page's window: a bubbles viewport over the page
// as laid out for the screen. It follows the cursor, shows a result when
// one appears, and ↓/↑ past the last/first row move it a line; on a page
// taller than the window its first and last lines give way to "↑ more
// above" and "↓ more below". A window not yet placed (a page just shown)
// shows the cursor.
type pageWindow struct {
	vp     viewport.Model
	page   pageLines // what vp holds, kept to see what the next layout changed
	placed bool
}

// set gives the window a new layout of the page, width cells by h lines.
func (pw *pageWindow) set(pl pageLines, width, h int) {
	pw.page = pl
	pw.vp.Width, pw.vp.Height = width, h
	pw.vp.SetContent(strings.Join(pl.lines, "\n"))
	pw.vp.SetYOffset(pw.vp.YOffset) // within the new page
}

// scrolls: the page is taller than the window (else it shows whole).
func (pw *pageWindow) scrolls() bool {
	return len(pw.page.lines) > pw.vp.Height && pw.vp.Height >= 3
}

// toCursor shows the cursor's line and a few below it.
func (pw *pageWindow) toCursor() {
	pw.show(pw.page.cursor, min(len(pw.page.lines)-1, pw.page.cursor+3))
}

// show moves the window as little as it can so lines a..b are in view,
// preferring b (the newest) when they do not fit together.
func (pw *pageWindow) show(a, b int) {
	pw.placed = true
	if !pw.scrolls() {
		pw.vp.SetYOffset(0)
		return
	}
	n, h := len(pw.page.lines), pw.vp.Height
	last := n - h
	top := max(0, min(pw.vp.YOffset, last))
	first := func() int { // first line not hidden by "↑ more above"
		if top == 0 {
			return 0
		}
		return top + 1
	}
	end := func() int { // last line not hidden by "↓ more below"
		if top == last {
			return n - 1
		}
		return top + h - 2
	}
	if a < first() {
		top = max(0, a-1)
	}
	if b > end() {
		top = min(last, b-h+2)
		if b == n-1 {
			top = last
		}
	}
	pw.vp.SetYOffset(top)
}

// by moves the window d lines, within the page.
func (pw *pageWindow) by(d int) {
	pw.placed = true
	if d > 0 {
		pw.vp.ScrollDown(d)
	} else {
		pw.vp.ScrollUp(-d)
	}
}

// View draws the lines in the window, marking what lies above and below.
func (pw pageWindow) View() string {
	if !pw.scrolls() {
		return strings.Join(pw.page.lines, "\n")
	}
	if !pw.placed {
		pw.toCursor() // on the copy: View changes nothing
	}
	view := strings.Split(pw.vp.View(), "\n")
	if pw.vp.YOffset > 0 {
		view[0] = "↑ more above"
	}
	if !pw.vp.AtBottom() {
		view[len(view)-1] = "↓ more below"
	}
	return strings.Join(view, "\n")
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
