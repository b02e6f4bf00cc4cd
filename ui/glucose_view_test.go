package ui

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// simFetch logs user in on the world's simulator and fetches with a real client.
func simFetch(t testing.TB, w *world, user string) (Fetch, *dexcom.Device) {
	t.Helper()
	s := w.session()
	ep, _ := s.Endpoints(dexcom.Sandbox)
	app := dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: secretOf(sandbox.DemoClientSecret), RedirectURI: w.loopback}
	c := &connect.Check{Endpoints: ep, Env: dexcom.Sandbox, App: app, Days: 1, HTTP: http.DefaultClient, Now: s.Now,
		Login: connect.Login{Open: sandbox.Autopilot(http.DefaultClient, user, true)}}
	out, err := c.Run(context.Background())
	if err != nil || !out.OK() {
		t.Fatalf("login %s: %v", user, err)
	}
	return ClientFetch(out.Client, out.Device()), out.Device()
}

// openGlucose makes a glucose view at a size and loads window w.
func openGlucose(t testing.TB, fetch Fetch, title string, width, height, window int) *glucoseModel {
	t.Helper()
	g := newGlucoseModel(DefaultTheme(), DefaultKeys(), func() time.Time { return fixedNow }, title, fetch, t.TempDir())
	g.window = window
	msg := g.load(window)()
	g, _ = g.Update(msg)
	g.SetSize(width, height)
	return g
}

func TestGlucoseViewGolden(t *testing.T) {
	colors(t, termenv.Ascii)
	w := newWorld(t)
	for _, user := range []string{"SandboxUser7", "SandboxUser1"} {
		fetch, dev := simFetch(t, w, user)
		for i, win := range Windows {
			// Each window draws on its own (two cores halve the -race run).
			t.Run(user+"-"+win.Label, func(t *testing.T) {
				t.Parallel()
				data := (&glucoseModel{now: func() time.Time { return fixedNow }, fetch: fetch}).load(i)().(glucoseLoadedMsg)
				if data.err != nil {
					t.Fatal(data.err)
				}
				once := func(ctx context.Context, start, end time.Time) (*GlucoseData, error) { return data.data, nil }
				for _, sz := range []struct{ w, h int }{{80, 24}, {160, 48}} {
					g := openGlucose(t, once, user+" · "+dev.Name(), sz.w, sz.h, i)
					v := g.View()
					fits(t, v, sz.w, sz.h)
					golden(t, fmt.Sprintf("glucose-%s-%s-%dx%d", user, strings.ReplaceAll(win.Label, " ", ""), sz.w, sz.h), v)
				}
			})
		}
	}
}

func TestGlucoseViewModesAndKeys(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	fetch, _ := simFetch(t, w, "SandboxUser7")
	g := openGlucose(t, fetch, "SandboxUser7", 160, 48, 1)
	if !strings.Contains(g.View(), "mg/dL · chart") {
		t.Fatal(g.View())
	}
	for name, k := range map[string]string{"mmol": "u", "agp": "t"} {
		_ = name
		g, _ = g.Update(keys(k)[0])
	}
	v := g.View()
	if !strings.Contains(v, "mmol/L · AGP") || !strings.Contains(v, "5-95th") || !strings.Contains(v, "22.2") {
		t.Fatalf("mmol AGP:\n%s", v)
	}
	golden(t, "glucose-SandboxUser7-agp-mmol-160x48", v)
	g, _ = g.Update(keys("t")[0])
	v = g.View()
	if !strings.Contains(v, "status") || !strings.Contains(v, "carbs") {
		t.Fatalf("table:\n%s", v)
	}
	first := strings.Split(ansi.Strip(v), "\n")[8]
	g, _ = g.Update(keys("down")[0])
	if second := strings.Split(ansi.Strip(g.View()), "\n")[8]; second == first {
		t.Error("the table did not scroll")
	}
	golden(t, "glucose-SandboxUser7-table-mmol-160x48", g.View())

	// Export writes the fetched records.
	_, cmd := g.Update(keys("e")[0])
	msg := cmd().(exportedMsg)
	if msg.err != nil || len(msg.paths) != 2 {
		t.Fatalf("export: %+v", msg)
	}
	g, _ = g.Update(msg)
	if !strings.Contains(g.View(), "exported: "+msg.paths[0]) {
		t.Error("export path not shown")
	}
	f, _ := os.Open(msg.paths[0])
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows)-1 != len(g.data[1].EGVs) || rows[0][0] != "record_id" {
		t.Fatalf("csv: %d rows for %d readings (%v)", len(rows)-1, len(g.data[1].EGVs), err)
	}
	if b, _ := os.ReadFile(msg.paths[1]); !strings.Contains(string(b), `"egvs"`) || !strings.Contains(string(b), `"events"`) {
		t.Fatal("json export lacks records")
	}

	// A new window is fetched in the background, then drawn.
	_, cmd = g.Update(keys("w")[0])
	if cmd == nil || !strings.Contains(g.View(), "[7 d]") {
		t.Fatal("window change did not fetch")
	}
	g, _ = g.Update(cmd())
	if !strings.Contains(g.View(), "readings") || g.prep[2] == nil {
		t.Fatal("7 days not drawn")
	}
}

func TestLowHighNeverNumbers(t *testing.T) {
	t.Parallel()
	low, high := 39.0, 401.0
	sl, sh := "low", "high"
	if got := ReadingText(dexcom.EGV{Value: &low, Status: &sl}, glucose.MgDL); got != "LOW" {
		t.Errorf("39: %s", got)
	}
	if got := ReadingText(dexcom.EGV{Value: &high, Status: &sh}, glucose.MmolL); got != "HIGH" {
		t.Errorf("401: %s", got)
	}
	if got := ReadingText(dexcom.EGV{Status: &sl}, glucose.MgDL); got != "LOW" {
		t.Errorf("null low: %s", got)
	}
	if big := bigText("LOW"); !strings.Contains(big[0], "█") {
		t.Error("no big glyph for LOW")
	}
}

// TestChartGapsStayGaps draws an hour with a 30-minute hole: the hole's
// columns stay empty instead of being bridged.
func TestChartGapsStayGaps(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	start := fixedNow
	var rs []glucose.Reading
	for m := 0; m < 60; m += 5 {
		if m >= 15 && m < 45 {
			continue
		}
		rs = append(rs, glucose.Reading{At: start.Add(time.Duration(m) * time.Minute), MgDL: 150})
	}
	out := renderChart(DefaultTheme(), chartInput{readings: rs, start: start, end: start.Add(time.Hour), width: 6 + 24, height: 10})
	lines := strings.Split(out, "\n")
	row := -1
	for i, l := range lines {
		if strings.ContainsAny(l, "⠀⠁⠂⠃⠄⠅⠆⠇⠈⠉⠊⠋⠌⠍⠎⠏⠐⠑⠒⠓⠔⠕⠖⠗⠘⠙⠚⠛⠤⠠⣀⡀⢀") {
			row = i
			break
		}
	}
	if row < 0 {
		t.Fatalf("no plotted row:\n%s", out)
	}
	plot := []rune(lines[row])[6:]
	// Minutes 15 to 45 are columns 6 to 18 of 24: they must be blank.
	for c := 7; c < 17; c++ {
		if plot[c] != ' ' && plot[c] != '·' {
			t.Fatalf("gap bridged at column %d: %q", c, string(plot))
		}
	}
}

// BenchmarkGlucoseView is View() at 160x48 once a window is prepared: it
// must not grow with the number of readings.
func BenchmarkGlucoseView(b *testing.B) {
	colors(b, termenv.TrueColor)
	w := newWorld(b)
	fetch, _ := simFetch(b, w, "SandboxUser7")
	for _, c := range []struct {
		name   string
		window int
	}{{"1d", 1}, {"90d", 5}} {
		g := openGlucose(b, fetch, "SandboxUser7", 160, 48, c.window)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = g.View()
			}
		})
	}
}

var _ = tea.Quit

// TestChartLabelsAreTheirLinesValues: at every chart height the dotted
// lines are labelled 70 and 180 (a short chart put 40 on the 70 line), and
// the labels read from the top down in falling order.
func TestChartLabelsAreTheirLinesValues(t *testing.T) {
	t.Parallel()
	start := fixedNow.Add(-time.Hour)
	for h := 5; h <= 40; h++ {
		out := ansi.Strip(renderChart(DefaultTheme(), chartInput{start: start, end: fixedNow, unit: glucose.MgDL, width: 74, height: h}))
		prev := math.Inf(1)
		for i, line := range strings.Split(out, "\n") {
			label := strings.TrimSpace(line[:min(len(line), yLabelW)])
			if label == "" || strings.ContainsAny(label, ":*") {
				continue
			}
			v, err := strconv.ParseFloat(label, 64)
			if err != nil {
				t.Fatalf("height %d line %d: label %q", h, i, label)
			}
			dotted := strings.Contains(line, "· · ·")
			if dotted != (v == 70 || v == 180) {
				t.Errorf("height %d line %d: label %v on a line dotted=%v: %q", h, i, v, dotted, line)
			}
			if v >= prev {
				t.Errorf("height %d line %d: %v below %v", h, i, v, prev)
			}
			prev = v
		}
	}
}

// TestGlucoseFiguresAllShowAt80: every consensus figure is on screen at
// 80x24, in both units (the line of figures wraps instead of being cut).
func TestGlucoseFiguresAllShowAt80(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	fetch, _ := simFetch(t, w, "SandboxUser7")
	g := openGlucose(t, fetch, "SandboxUser7", 80, 21, 1)
	for _, unit := range []string{"mg/dL", "mmol/L"} {
		v := ansi.Strip(g.View())
		fits(t, v, 80, 21)
		for _, want := range []string{"readings", "sensor active", "mean", "SD", "CV", "GMI", "<", ">"} {
			if !strings.Contains(v, want) {
				t.Errorf("%s: %q is not on screen:\n%s", unit, want, v)
			}
		}
		g, _ = g.Update(keys("u")[0])
	}
}

// TestWindowPressesWhileLoadingAreKept: w pressed twice while a window loads
// moves the tab each time; one fetch runs at a time, and when it lands the
// window last chosen is fetched and drawn.
func TestWindowPressesWhileLoadingAreKept(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	fetch, _ := simFetch(t, w, "SandboxUser7")
	g := openGlucose(t, fetch, "SandboxUser7", 120, 40, 1)
	g, first := g.Update(keys("w")[0]) // 7 d
	if first == nil {
		t.Fatal("7 d was not fetched")
	}
	g, second := g.Update(keys("w")[0]) // 14 d, while 7 d loads
	if second != nil || !strings.Contains(g.View(), "[14 d]") {
		t.Fatalf("a second fetch while one runs (%v), or the tab did not move:\n%s", second != nil, g.View())
	}
	g, next := g.Update(first())
	if next == nil || g.prep[2] == nil {
		t.Fatal("14 d, chosen while 7 d loaded, was not fetched next")
	}
	g, _ = g.Update(next())
	if v := g.View(); g.prep[3] == nil || !strings.Contains(v, "[14 d]") || !strings.Contains(v, "readings") {
		t.Fatalf("14 d not drawn:\n%s", v)
	}
}
