package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"
)

// TestGlucoseViewShowsNoEscapesFromTheAPI: statuses, event types, values,
// units and the device come from Dexcom's answers; whatever escapes they
// carry, no mode of the glucose view writes them to the terminal.
func TestGlucoseViewShowsNoEscapesFromTheAPI(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii) // the view itself then writes no escape at all
	const esc = "\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07\u009b\u202e"
	w := newWorld(t)
	real, _ := simFetch(t, w, "SandboxUser7")
	forged := func(ctx context.Context, start, end time.Time) (*GlucoseData, error) {
		d, err := real(ctx, start, end)
		if err != nil {
			return nil, err
		}
		for i := range d.EGVs {
			s := "ok" + esc
			d.EGVs[i].Status = &s
		}
		for i := range d.Events {
			u := "g" + esc
			d.Events[i].EventType += esc
			d.Events[i].Value += esc
			d.Events[i].Unit = &u
		}
		if d.Device != nil {
			dev := *d.Device
			dev.TransmitterGeneration = "g9" + esc
			d.Device = &dev
		}
		return d, nil
	}
	g := openGlucose(t, forged, "SandboxUser7", 140, 40, 1)
	if len(g.data[g.window].Events) == 0 {
		t.Fatal("no events to carry the escapes")
	}
	for range 3 { // chart, AGP, table
		if v := g.View(); strings.ContainsAny(v, "\x1b\x07\u009b\u202e") {
			i := strings.IndexAny(v, "\x1b\x07\u009b\u202e")
			t.Errorf("mode %s writes control characters: …%q…", modeNames[g.mode], v[max(0, i-80):min(len(v), i+40)])
		}
		g, _ = g.Update(keys("t")[0])
	}
}
