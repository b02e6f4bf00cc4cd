package ui

import (
	"testing"

	"github.com/muesli/termenv"
)

// TestGlucoseTableKeepsFewDrawings scrolls the 7-day table row by row: each
// frame shows the drawing for its own scroll offset, and the view keeps at
// most keptDrawings of them (it used to keep one per offset, ~105 MB after
// scrolling 90 days).
func TestGlucoseTableKeepsFewDrawings(t *testing.T) {
	colors(t, termenv.TrueColor)
	w := newWorld(t)
	fetch, _ := simFetch(t, w, "SandboxUser7")
	g := openGlucose(t, fetch, "SandboxUser7", 120, 40, 2)
	g, _ = g.Update(keys("t")[0])
	g, _ = g.Update(keys("t")[0])
	if g.mode != modeTable {
		t.Fatalf("mode %s, want table", modeNames[g.mode])
	}
	fresh := func() string { return g.headLine() + "\n" + g.draw() }
	for i := range 300 {
		key := "down"
		if i%7 == 6 {
			key = "up" // back a row: may come from the kept drawings
		}
		g, _ = g.Update(keys(key)[0])
		if got := g.View(); got != fresh() {
			t.Fatalf("after %d keys (scroll %d) the frame is not the drawing of its offset", i+1, g.scroll)
		}
		if n := len(g.cache.keys); n > keptDrawings {
			t.Fatalf("after %d keys the view keeps %d drawings (at most %d)", i+1, n, keptDrawings)
		}
	}
	if g.scroll < 200 {
		t.Fatalf("scrolled to %d only", g.scroll)
	}
	// Flipping the unit and back shows the same frame as before.
	before := g.View()
	g, _ = g.Update(keys("u")[0])
	if g.View() == before {
		t.Fatal("the unit did not change the frame")
	}
	g, _ = g.Update(keys("u")[0])
	if g.View() != before {
		t.Fatal("flipping the unit back changed the frame")
	}
}

func TestDrawingsKeepTheMostRecentlyUsed(t *testing.T) {
	t.Parallel()
	var d drawings
	k := func(scroll int) viewKey { return viewKey{scroll: scroll} }
	for i := range 6 {
		d.put(k(i), string(rune('a'+i)))
	}
	if len(d.keys) != keptDrawings {
		t.Fatalf("kept %d, want %d", len(d.keys), keptDrawings)
	}
	for _, gone := range []int{0, 1} {
		if _, ok := d.peek(k(gone)); ok {
			t.Errorf("drawing %d should have been dropped", gone)
		}
	}
	if body, ok := d.get(k(2)); !ok || body != "c" {
		t.Fatalf("get 2: %q %v", body, ok)
	}
	d.put(k(6), "g") // drops 3, the least recently used now
	if _, ok := d.peek(k(2)); !ok {
		t.Error("2 was used last-but-one and was dropped")
	}
	if _, ok := d.peek(k(3)); ok {
		t.Error("3 was the least recently used and was kept")
	}
	d.clear()
	if _, ok := d.peek(k(6)); ok || len(d.keys) != 0 {
		t.Error("clear kept drawings")
	}
}
