package ui

import (
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
)

// The chart's fixed scale: Dexcom's measuring range.
const (
	chartMin = 40.0
	chartMax = 400.0
	// joinGap is the longest gap drawn as a line; longer ones (warm-up, lost
	// signal) stay gaps.
	joinGap = 15 * time.Minute
)

// canvas is a grid of braille dots: 2 wide and 4 high per cell.
type canvas struct {
	w, h int // cells
	dots [][]bool
}

func newCanvas(w, h int) *canvas {
	c := &canvas{w: w, h: h, dots: make([][]bool, 4*h)}
	for i := range c.dots {
		c.dots[i] = make([]bool, 2*w)
	}
	return c
}

func (c *canvas) set(x, y int) {
	if x >= 0 && y >= 0 && x < 2*c.w && y < 4*c.h {
		c.dots[y][x] = true
	}
}

// line draws from (x0,y0) to (x1,y1) (Bresenham).
func (c *canvas) line(x0, y0, x1, y1 int) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	err := dx + dy
	for {
		c.set(x0, y0)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * err; e2 >= dy {
			err += dy
			x0 += sx
		} else {
			err += dx
			y0 += sy
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

var brailleBits = [4][2]rune{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

// cell is the braille rune of cell (cx, cy), or 0 when it has no dots.
func (c *canvas) cell(cx, cy int) rune {
	var r rune
	for dy := 0; dy < 4; dy++ {
		for dx := 0; dx < 2; dx++ {
			if c.dots[cy*4+dy][cx*2+dx] {
				r |= brailleBits[dy][dx]
			}
		}
	}
	if r == 0 {
		return 0
	}
	return 0x2800 + r
}

// chartInput is what a chart shows.
type chartInput struct {
	readings []glucose.Reading
	events   []dexcom.Event
	start    time.Time
	end      time.Time
	offset   time.Duration // display time minus system time, for the x labels
	unit     glucose.Unit
	width    int              // whole chart, labels included
	height   int              // rows, x labels and event marks included
	columns  []glucose.Column // readings downsampled to plotDots(width), if already made
}

const yLabelW = 6

// plotDots is how many braille dots wide the plot of a chart this wide is.
func plotDots(width int) int { return 2 * (width - yLabelW) }

// renderChart draws glucose over time: each column keeps its min and max,
// gaps stay gaps, 70-180 is shaded, 70 and 180 are dotted lines, events
// are marked under the plot, and the x labels are in display time.
func renderChart(th Theme, in chartInput) string {
	pw, ph := in.width-yLabelW, in.height-2
	if pw < 10 || ph < 3 {
		return ""
	}
	cv := newCanvas(pw, ph)
	py := func(v float64) int {
		v = math.Max(chartMin, math.Min(chartMax, v))
		return int(math.Round((chartMax - v) / (chartMax - chartMin) * float64(4*ph-1)))
	}
	cols := in.columns
	if len(cols) != 2*pw {
		cols = glucose.Downsample(in.readings, in.start, in.end, 2*pw)
	}
	prev := -1
	for x, col := range cols {
		if col.N == 0 {
			continue
		}
		cv.line(x, py(col.Max), x, py(col.Min))
		if prev >= 0 && col.First.At.Sub(cols[prev].Last.At) <= joinGap {
			cv.line(prev, py(cols[prev].Last.MgDL), x, py(col.First.MgDL))
		}
		prev = x
	}
	rowValue := func(cy int) float64 { // value at the middle of a cell row
		return chartMax - (float64(cy*4)+1.5)/float64(4*ph-1)*(chartMax-chartMin)
	}
	lowRow, highRow := py(70)/4, py(180)/4
	// The dotted lines' labels go last: on a short chart 40 or 250 share
	// their row, and the row is the line's.
	labels := map[int]string{}
	for _, v := range []float64{chartMax, 250, chartMin, 180, 70} {
		labels[py(v)/4] = in.unit.Format(v)
	}
	var b strings.Builder
	row := runs{b: &b}
	for cy := 0; cy < ph; cy++ {
		row.text(&th.Muted, padLeft(labels[cy], yLabelW-1)+" ")
		v := rowValue(cy)
		inRange := cy > highRow && cy < lowRow || cy == highRow || cy == lowRow
		style := &th.ChartIn
		switch {
		case v < 70:
			style = &th.ChartLow
		case v > 180:
			style = &th.ChartHigh
		}
		for cx := 0; cx < pw; cx++ {
			switch r := cv.cell(cx, cy); {
			case r != 0:
				row.put(style, r)
			case cy == lowRow || cy == highRow:
				// The gaps of the dotted line take the line's style: a
				// space shows only its background, which both styles share,
				// and the whole line is then one run.
				if cx%2 == 0 {
					row.put(&th.RangeLine, '·')
				} else {
					row.put(&th.RangeLine, ' ')
				}
			case inRange:
				row.put(&th.RangeFill, ' ')
			default:
				row.put(nil, ' ')
			}
		}
		row.flush()
		b.WriteString("\n")
	}
	b.WriteString(strings.Repeat(" ", yLabelW) + eventMarks(th, in, pw) + "\n")
	b.WriteString(strings.Repeat(" ", yLabelW) + th.Muted.Render(xLabels(in, pw)))
	return b.String()
}

// eventMarks puts c (carbs), i (insulin), e (exercise) under their columns.
func eventMarks(th Theme, in chartInput, pw int) string {
	marks := make([]rune, pw)
	for i := range marks {
		marks[i] = ' '
	}
	span := in.end.Sub(in.start)
	for _, e := range in.events {
		if e.At().Before(in.start) || !e.At().Before(in.end) {
			continue
		}
		x := int(float64(e.At().Sub(in.start)) / float64(span) * float64(pw))
		m := '•'
		switch e.EventType {
		case dexcom.EventCarbs:
			m = 'c'
		case dexcom.EventInsulin:
			m = 'i'
		case dexcom.EventExercise:
			m = 'e'
		}
		if marks[x] != ' ' && marks[x] != m {
			m = '*'
		}
		marks[x] = m
	}
	return th.Event.Render(string(marks))
}

// xLabels spreads a few times along the axis, in the readings' display time.
func xLabels(in chartInput, pw int) string {
	span := in.end.Sub(in.start)
	layout := "15:04"
	if span > 36*time.Hour {
		layout = "Jan 2"
	}
	n := max(2, pw/14)
	line := []rune(strings.Repeat(" ", pw))
	for i := 0; i < n; i++ {
		x := i * (pw - 1) / (n - 1)
		t := in.start.Add(time.Duration(float64(span) * float64(x) / float64(pw))).Add(in.offset)
		label := []rune(t.UTC().Format(layout))
		at := min(max(0, x-len(label)/2), pw-len(label))
		if at > 0 && line[at-1] != ' ' {
			continue
		}
		copy(line[at:], label)
	}
	return string(line)
}

// runs writes cells to b, styling each run of cells that share a style
// at once: a lipgloss Render per cell made the chart cost 5-9 ms a frame.
// Each style is rendered once, around a marker, and its codes reused; the
// chart's styles are colours and bold only, so the result is what Render
// gives for the run.
type runs struct {
	b     *strings.Builder
	style *lipgloss.Style // of the pending run; nil is unstyled
	run   []rune
	codes map[*lipgloss.Style][2]string
}

func (w *runs) put(style *lipgloss.Style, r rune) {
	if style != w.style {
		w.flush()
		w.style = style
	}
	w.run = append(w.run, r)
}

// text writes s in style, as a run of its own.
func (w *runs) text(style *lipgloss.Style, s string) {
	w.flush()
	c := w.codesOf(style)
	w.b.WriteString(c[0] + s + c[1])
}

// flush writes the pending run; call it at the end of each line.
func (w *runs) flush() {
	if len(w.run) == 0 {
		return
	}
	if w.style == nil {
		w.b.WriteString(string(w.run))
	} else {
		c := w.codesOf(w.style)
		w.b.WriteString(c[0])
		w.b.WriteString(string(w.run))
		w.b.WriteString(c[1])
	}
	w.run = w.run[:0]
}

// codesOf is what style writes before and after a run of text.
func (w *runs) codesOf(style *lipgloss.Style) [2]string {
	if c, ok := w.codes[style]; ok {
		return c
	}
	if w.codes == nil {
		w.codes = map[*lipgloss.Style][2]string{}
	}
	const marker = "\x00"
	before, after, _ := strings.Cut(style.Render(marker), marker)
	c := [2]string{before, after}
	w.codes[style] = c
	return c
}

func padLeft(s string, n int) string {
	if w := lipgloss.Width(s); w < n {
		return strings.Repeat(" ", n-w) + s
	}
	return s
}
