package ui

import (
	"runtime"
	"testing"

	"github.com/muesli/termenv"
)

// BenchmarkGlucoseDraw is the work behind each glucose frame at 120x40 for
// 90 days: drawing a mode (done in Update, once per change) and View.
func BenchmarkGlucoseDraw(b *testing.B) {
	colors(b, termenv.TrueColor)
	w := newWorld(b)
	fetch, _ := simFetch(b, w, "SandboxUser7")
	g := openGlucose(b, fetch, "SandboxUser7", 120, 40, 5)
	for _, mode := range []glucoseMode{modeChart, modeAGP, modeTable} {
		g.mode = mode
		g.render()
		b.Run("draw-"+modeNames[mode], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = g.draw()
			}
		})
		b.Run("view-"+modeNames[mode], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = g.View()
			}
		})
	}
}

// BenchmarkGlucoseTableScroll90d scrolls the 90-day table from the newest
// reading to the oldest, one row per key as a person would, and reports
// the heap the view holds afterwards (its data and whatever it keeps
// drawn): the budget is 60 MB.
func BenchmarkGlucoseTableScroll90d(b *testing.B) {
	colors(b, termenv.TrueColor)
	w := newWorld(b)
	fetch, _ := simFetch(b, w, "SandboxUser7")
	down := keys("down")[0]
	var heldMB, rows float64
	for b.Loop() {
		before := heapInUse()
		g := openGlucose(b, fetch, "SandboxUser7", 120, 40, 5)
		g, _ = g.Update(keys("t")[0])
		g, _ = g.Update(keys("t")[0])
		n := len(g.data[5].EGVs)
		for range n {
			g, _ = g.Update(down)
			_ = g.View()
		}
		heldMB = float64(heapInUse()-before) / 1e6 // the 90 days' records included
		rows = float64(n)
		runtime.KeepAlive(g)
	}
	b.ReportMetric(heldMB, "held-MB")
	b.ReportMetric(rows, "rows")
}

// heapInUse is the live heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
