package ui

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
	"github.com/tryrook/dexonboard/internal/safetext"
)

// Windows are the spans the glucose view offers.
var Windows = []struct {
	Label string
	Span  time.Duration
}{{"3 h", 3 * time.Hour}, {"24 h", 24 * time.Hour}, {"7 d", 7 * 24 * time.Hour}, {"14 d", 14 * 24 * time.Hour},
	{"30 d", 30 * 24 * time.Hour}, {"90 d", 90 * 24 * time.Hour}}

// GlucoseData is what was fetched for one window.
type GlucoseData struct {
	Start, End time.Time
	EGVs       []dexcom.EGV
	Events     []dexcom.Event
	Device     *dexcom.Device
}

// Fetch gets the records of [start, end).
type Fetch func(ctx context.Context, start, end time.Time) (*GlucoseData, error)

// ClientFetch fetches with a connected client.
func ClientFetch(c *dexcom.Client, device *dexcom.Device) Fetch {
	return func(ctx context.Context, start, end time.Time) (*GlucoseData, error) {
		egvs, err := c.EGVs(ctx, start, end)
		if err != nil {
			return nil, err
		}
		evs, err := c.Events(ctx, start, end)
		if err != nil {
			return nil, err
		}
		return &GlucoseData{Start: start, End: end, EGVs: egvs.Records, Events: evs.Records, Device: device}, nil
	}
}

type glucoseMode int

const (
	modeChart glucoseMode = iota
	modeAGP
	modeTable
)

var modeNames = []string{"chart", "AGP", "table"}

type (
	glucoseLoadedMsg struct {
		window int
		data   *GlucoseData
		err    error
	}
	exportedMsg struct {
		paths []string
		err   error
	}
	closeGlucoseMsg struct{}
)

// viewKey names one prepared drawing; View only looks it up.
type viewKey struct {
	window, scroll, width, height int
	unit                          glucose.Unit
	mode                          glucoseMode
}

// glucoseModel shows the data of a connected test user: the current
// reading, the consensus figures, and a chart, AGP or table per window.
type glucoseModel struct {
	th    Theme
	keys  KeyMap
	now   func() time.Time
	title string
	// source names who sent the data, where the view says what it lacks
	// (ROOK's glucose samples carry no trend).
	source    string
	fetch     Fetch
	exportDir string

	data    map[int]*GlucoseData
	prep    map[int]*prepared
	window  int
	unit    glucose.Unit
	mode    glucoseMode
	scroll  int
	loading bool
	err     error
	note    string

	width, height int
	cache         drawings
}

// prepared is the maths of one window, done once per fetch.
type prepared struct {
	readings []glucose.Reading
	stats    glucose.Stats
	agp      []glucose.AGPRow
	offset   time.Duration
	latest   *dexcom.EGV
	previous *dexcom.EGV
	// columns are the readings downsampled for the chart's last width:
	// 90 days are 26,000 readings, too many to walk for every drawing.
	columns []glucose.Column
}

// chartColumns downsamples the readings to n columns, once per width.
func (p *prepared) chartColumns(d *GlucoseData, n int) []glucose.Column {
	if n > 0 && len(p.columns) != n {
		p.columns = glucose.Downsample(p.readings, d.Start, d.End, n)
	}
	return p.columns
}

func newGlucoseModel(th Theme, k KeyMap, now func() time.Time, title string, fetch Fetch, exportDir string) *glucoseModel {
	return &glucoseModel{th: th, keys: k, now: now, title: title, fetch: fetch, exportDir: exportDir, window: 1,
		data: map[int]*GlucoseData{}, prep: map[int]*prepared{}}
}

// seed gives the model data already fetched (the check's last day).
func (m *glucoseModel) seed(window int, d *GlucoseData) {
	m.data[window] = d
	m.prep[window] = prepare(d)
	m.cache.clear()
}

func prepare(d *GlucoseData) *prepared {
	p := &prepared{readings: glucose.Readings(d.EGVs)}
	p.stats = glucose.Compute(p.readings, d.End.Sub(d.Start))
	if n := len(d.EGVs); n > 0 {
		e := d.EGVs[n-1]
		p.latest = &e
		if n > 1 {
			pe := d.EGVs[n-2]
			p.previous = &pe
		}
		p.offset = displayOffset(e)
	}
	shifted := make([]glucose.Reading, len(p.readings))
	for i, r := range p.readings {
		shifted[i] = glucose.Reading{At: r.At.Add(p.offset), MgDL: r.MgDL, Bound: r.Bound}
	}
	p.agp = glucose.AGP(shifted, time.UTC, 30)
	return p
}

// displayOffset is how far the device's clock (display time) is from UTC:
// phones send it as a zone, receivers as a zoneless wall clock.
func displayOffset(e dexcom.EGV) time.Duration {
	if e.DisplayTime.Zoned {
		_, off := e.DisplayTime.Time.Zone()
		return time.Duration(off) * time.Second
	}
	return e.DisplayTime.Time.Sub(e.SystemTime.Time).Round(time.Minute)
}

func (m *glucoseModel) Init() tea.Cmd {
	if _, ok := m.data[m.window]; ok {
		return nil
	}
	return m.load(m.window)
}

func (m *glucoseModel) load(w int) tea.Cmd {
	m.loading, m.err = true, nil
	end := m.now()
	start := end.Add(-Windows[w].Span)
	fetch := m.fetch
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		d, err := fetch(ctx, start, end)
		return glucoseLoadedMsg{window: w, data: d, err: err}
	}
}

func (m *glucoseModel) SetSize(w, h int) {
	if w != m.width || h != m.height {
		m.width, m.height = w, h
		m.cache.clear()
	}
	m.render()
}

func (m *glucoseModel) key() viewKey {
	return viewKey{window: m.window, scroll: m.scroll, width: m.width, height: m.height, unit: m.unit, mode: m.mode}
}

// render draws the current window once; View then only looks it up.
func (m *glucoseModel) render() {
	if m.prep[m.window] == nil || m.width == 0 {
		return
	}
	if _, ok := m.cache.get(m.key()); !ok {
		m.cache.put(m.key(), m.draw())
	}
}

// keptDrawings is how many drawings the view keeps: enough to flip unit or
// mode and back, or scroll a row back, without drawing again; scrolling
// the whole 90-day table must not keep a drawing per row.
const keptDrawings = 4

// drawings keeps the most recently used drawings, newest first.
type drawings struct {
	keys   []viewKey
	bodies []string
}

// get returns a drawing and marks it most recently used.
func (d *drawings) get(k viewKey) (string, bool) {
	for i, dk := range d.keys {
		if dk == k {
			body := d.bodies[i]
			copy(d.keys[1:i+1], d.keys[:i])
			copy(d.bodies[1:i+1], d.bodies[:i])
			d.keys[0], d.bodies[0] = k, body
			return body, true
		}
	}
	return "", false
}

// peek returns a drawing without changing the order (View only reads).
func (d *drawings) peek(k viewKey) (string, bool) {
	for i, dk := range d.keys {
		if dk == k {
			return d.bodies[i], true
		}
	}
	return "", false
}

// put adds a drawing, dropping the least recently used beyond keptDrawings.
func (d *drawings) put(k viewKey, body string) {
	n := min(len(d.keys)+1, keptDrawings)
	d.keys = append([]viewKey{k}, d.keys[:n-1]...)
	d.bodies = append([]string{body}, d.bodies[:n-1]...)
}

func (d *drawings) clear() { d.keys, d.bodies = nil, nil }

// Keys are the view's bindings; the table's scroll keys only in the table.
func (m *glucoseModel) Keys() keySet {
	k := m.keys
	enable(m.mode == modeTable, &k.Up, &k.Down)
	return keySet{&k.Up, &k.Down, &k.Window, &k.Units, &k.Mode, &k.Export, &k.Refresh, &k.Back}
}

func (m *glucoseModel) Update(msg tea.Msg) (*glucoseModel, tea.Cmd) {
	defer m.render()
	switch msg := msg.(type) {
	case glucoseLoadedMsg:
		m.loading = false
		if msg.err != nil && msg.window == m.window {
			m.err = msg.err
			return m, nil
		}
		if msg.err == nil {
			m.seed(msg.window, msg.data)
		}
		if _, ok := m.data[m.window]; !ok {
			return m, m.load(m.window) // w was pressed meanwhile: the latest window
		}
	case exportedMsg:
		if msg.err != nil {
			m.note = "export failed: " + msg.err.Error()
		} else {
			m.note = "exported: " + strings.Join(msg.paths, ", ")
		} // the note is added in View: the drawings stay good
	case tea.KeyMsg:
		return m, m.onKey(msg)
	}
	return m, nil
}

func (m *glucoseModel) onKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back):
		return func() tea.Msg { return closeGlucoseMsg{} }
	case key.Matches(msg, m.keys.Window):
		m.window, m.scroll = (m.window+1)%len(Windows), 0
		if _, ok := m.data[m.window]; !ok && !m.loading {
			return m.load(m.window)
		} // while one loads, the window last chosen is fetched when it lands
	case key.Matches(msg, m.keys.Units):
		m.unit = 1 - m.unit
	case key.Matches(msg, m.keys.Mode):
		m.mode, m.scroll = (m.mode+1)%3, 0
	case key.Matches(msg, m.keys.Refresh):
		return m.load(m.window)
	case key.Matches(msg, m.keys.Export):
		if d, ok := m.data[m.window]; ok {
			return exportCmd(d, m.exportDir, Windows[m.window].Label, m.now())
		}
	case m.mode == modeTable && key.Matches(msg, m.keys.Down):
		if n := len(m.data[m.window].EGVs); m.scroll < n-1 {
			m.scroll++
		}
	case m.mode == modeTable && key.Matches(msg, m.keys.Up):
		m.scroll = max(0, m.scroll-1)
	}
	return nil
}

// View draws from the cache; the drawing is made in Update, once per
// window, unit, mode, scroll and size.
func (m *glucoseModel) View() string {
	head := m.headLine()
	switch {
	case m.err != nil:
		return head + "\n\n" + m.th.Error.Render("Could not fetch the data: "+m.err.Error()) + "\n" + m.th.Muted.Render(keyDoes(m.keys.Refresh, "tries again"))
	case m.prep[m.window] == nil:
		return head + "\n\n" + m.th.Muted.Render("fetching "+Windows[m.window].Label+" of data…")
	}
	body, ok := m.cache.peek(m.key())
	if !ok {
		body = m.draw() // not prepared yet (no size); drawn, not stored
	}
	if m.loading {
		head += m.th.Muted.Render("  · refreshing…")
	}
	if m.note != "" {
		return head + "\n" + body + "\n" + m.th.OK.Render(truncate(m.note, m.width))
	}
	return head + "\n" + body
}

// sender names who sent the data, for what it lacks.
func (m *glucoseModel) sender() string {
	if m.source == "" {
		return "the source"
	}
	return m.source
}

// headLine is the title, the windows, the unit and the mode on one line:
// when it is too long the title gives way, never the unit.
func (m *glucoseModel) headLine() string {
	var tabs []string
	for i, w := range Windows {
		if i == m.window {
			tabs = append(tabs, m.th.Current.Render("["+w.Label+"]"))
		} else {
			tabs = append(tabs, m.th.Muted.Render(w.Label))
		}
	}
	lead := m.th.Title.Render("Glucose") + " "
	rest := "  " + strings.Join(tabs, " ") + "  " + m.th.Muted.Render(m.unit.String()+" · "+modeNames[m.mode])
	title := m.title
	if m.width > 0 {
		title = truncate(title, m.width-lipgloss.Width(lead)-lipgloss.Width(rest))
	}
	return lead + m.th.Header.Render(title) + rest
}

func (m *glucoseModel) draw() string {
	p := m.prep[m.window]
	top := lipgloss.JoinHorizontal(lipgloss.Top, m.current(p), "  ", m.figures(p))
	rest := m.height - lipgloss.Height(top) - 3
	var main string
	switch m.mode {
	case modeChart:
		d := m.data[m.window]
		main = renderChart(m.th, chartInput{readings: p.readings, events: d.Events, start: d.Start, end: d.End,
			offset: p.offset, unit: m.unit, width: m.width, height: rest, columns: p.chartColumns(d, plotDots(m.width))})
	case modeAGP:
		main = renderAGP(m.th, p.agp, m.unit, m.width, rest)
	case modeTable:
		main = m.table(rest)
	}
	return top + "\n" + main
}

// current is the latest reading, large, with its trend and context.
func (m *glucoseModel) current(p *prepared) string {
	if p.latest == nil {
		return m.th.Muted.Render("no readings in this window")
	}
	e := *p.latest
	big := bigText(ReadingText(e, m.unit))
	arrow := m.th.Big.Render(TrendArrow(e.TrendOrUnknown()))
	if e.Trend == nil {
		arrow = m.th.Muted.Render("no trend")
	}
	lines := []string{
		m.th.Big.Render(big[0]) + "  " + arrow,
		m.th.Big.Render(big[1]) + "  " + m.th.Muted.Render(m.unit.String()),
		m.th.Big.Render(big[2]),
	}
	change := ""
	if p.previous != nil && e.Reading().Bound == dexcom.Exact && p.previous.Reading().Bound == dexcom.Exact {
		d := float64(e.Reading().MgDL - p.previous.Reading().MgDL)
		sign := "+"
		if d < 0 {
			sign = "-"
		}
		change = sign + m.unit.Format(math.Abs(d)) + " in " + agoText(e.At().Sub(p.previous.At())) + " · "
	}
	lines = append(lines, m.th.Muted.Render(change+agoText(m.now().Sub(e.At()))+" ago"))
	if e.Trend == nil {
		lines = append(lines, m.th.Muted.Render(m.sender()+" sends no trend"))
	}
	if d := m.data[m.window].Device; d != nil {
		lines = append(lines, m.th.Muted.Render(d.Name()))
	}
	return strings.Join(lines, "\n")
}

// figures are the consensus metrics and the time-in-ranges bar.
func (m *glucoseModel) figures(p *prepared) string {
	st := p.stats
	u := m.unit
	w := max(20, m.width-28)
	l1 := joinWrap(w, " · ", fmt.Sprintf("%d readings", st.Count), fmt.Sprintf("sensor active %.0f%%", st.SensorActive),
		"mean "+u.Format(st.Mean), "SD "+u.Format(st.SD), fmt.Sprintf("CV %.0f%%", st.CV), fmt.Sprintf("GMI %.1f%%", st.GMI))
	r := st.Ranges
	bands := []struct {
		pct   float64
		style lipgloss.Style
		label string
	}{{r.VeryLow, m.th.BarVeryLow, "<54"}, {r.Low, m.th.BarLow, "54-69"}, {r.InRange, m.th.BarIn, "70-180"},
		{r.High, m.th.BarHigh, "181-250"}, {r.VeryHigh, m.th.BarVeryHigh, ">250"}}
	barW := min(w, 50)
	var bar strings.Builder
	var legend []string
	used := 0
	for i, b := range bands {
		n := int(math.Round(b.pct / 100 * float64(barW)))
		if i == len(bands)-1 {
			n = max(0, barW-used)
		}
		used += n
		bar.WriteString(b.style.Render(strings.Repeat([]string{"▁", "▂", "█", "▆", "▇"}[i], n)))
		label := b.label
		if u == glucose.MmolL {
			label = []string{"<3.0", "3.0-3.8", "3.9-10.0", "10.1-13.9", ">13.9"}[i]
		}
		legend = append(legend, fmt.Sprintf("%s %.0f%%", label, b.pct))
	}
	return strings.Join([]string{
		l1,
		"Time in ranges",
		bar.String(),
		m.th.Muted.Render(joinWrap(w, "  ", legend...)),
	}, "\n")
}

// table lists readings (newest first) beside the events.
func (m *glucoseModel) table(rows int) string {
	d := m.data[m.window]
	rows = max(3, rows)
	left := []string{m.th.Muted.Render(fmt.Sprintf("%-16s %6s %5s  %s", "time", "value", "trend", "status"))}
	n := len(d.EGVs)
	scroll := min(m.scroll, max(0, n-(rows-1)))
	for i := n - 1 - scroll; i >= 0 && len(left) < rows; i-- {
		e := d.EGVs[i]
		status := ""
		if e.Status != nil {
			status = *e.Status
		}
		left = append(left, fmt.Sprintf("%-16s %6s %5s  %s", e.DisplayTime.Format("2006-01-02 15:04"), ReadingText(e, m.unit), TrendArrow(e.TrendOrUnknown()), safetext.Line(status)))
	}
	right := []string{m.th.Muted.Render(fmt.Sprintf("%-16s %-9s %s", "time", "event", "amount"))}
	for i := len(d.Events) - 1; i >= 0 && len(right) < rows; i-- {
		e := d.Events[i]
		amount := e.Value
		if e.Unit != nil {
			amount += " " + *e.Unit
		}
		right = append(right, fmt.Sprintf("%-16s %-9s %s", e.DisplayTime.Format("2006-01-02 15:04"), safetext.Line(e.EventType), safetext.Line(amount)))
	}
	if m.width < 90 {
		return strings.Join(left, "\n")
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, strings.Join(left, "\n"), "    ", strings.Join(right, "\n"))
}

// renderAGP draws the 5-95 and 25-75 percentile bands and the median by
// time of day.
func renderAGP(th Theme, rows []glucose.AGPRow, unit glucose.Unit, width, height int) string {
	pw, ph := width-yLabelW, height-2
	if pw < 10 || ph < 3 {
		return ""
	}
	outer, inner, median := newCanvas(pw, ph), newCanvas(pw, ph), newCanvas(pw, ph)
	py := func(v float64) int {
		v = math.Max(chartMin, math.Min(chartMax, v))
		return int(math.Round((chartMax - v) / (chartMax - chartMin) * float64(4*ph-1)))
	}
	prevX, prevY := -1, 0
	for x := 0; x < 2*pw; x++ {
		r := rows[x*len(rows)/(2*pw)]
		if r.Count == 0 {
			prevX = -1
			continue
		}
		outer.line(x, py(r.P95), x, py(r.P5))
		inner.line(x, py(r.P75), x, py(r.P25))
		y := py(r.P50)
		if prevX >= 0 {
			median.line(prevX, prevY, x, y)
		}
		median.set(x, y)
		prevX, prevY = x, y
	}
	labels := map[int]string{py(chartMax) / 4: unit.Format(chartMax), py(180) / 4: unit.Format(180), py(70) / 4: unit.Format(70), py(chartMin) / 4: unit.Format(chartMin)}
	var b strings.Builder
	row := runs{b: &b}
	for cy := 0; cy < ph; cy++ {
		row.text(&th.Muted, padLeft(labels[cy], yLabelW-1)+" ")
		for cx := 0; cx < pw; cx++ {
			if r := median.cell(cx, cy); r != 0 {
				row.put(&th.Big, r)
			} else if r := inner.cell(cx, cy); r != 0 {
				row.put(&th.ChartIn, r)
			} else if r := outer.cell(cx, cy); r != 0 {
				row.put(&th.Muted, r)
			} else {
				row.put(nil, ' ')
			}
		}
		row.flush()
		b.WriteString("\n")
	}
	b.WriteString(strings.Repeat(" ", yLabelW) + th.Muted.Render("5-95th (faint), 25-75th, median; by time of day") + "\n")
	axis := []rune(strings.Repeat(" ", pw))
	for h := 0; h < 24; h += 6 {
		label := []rune(fmt.Sprintf("%02d:00", h))
		copy(axis[h*pw/24:], label)
	}
	b.WriteString(strings.Repeat(" ", yLabelW) + th.Muted.Render(string(axis)))
	return b.String()
}

// exportCmd writes the window's records as CSV (readings) and JSON (all),
// with the function check --export uses.
func exportCmd(d *GlucoseData, dir, window string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		paths, err := glucose.Export(dir, window, now, glucose.Records{Start: d.Start, End: d.End, EGVs: d.EGVs, Events: d.Events, Device: d.Device})
		return exportedMsg{paths: paths, err: err}
	}
}
