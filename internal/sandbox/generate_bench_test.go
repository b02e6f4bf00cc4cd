package sandbox

import (
	"reflect"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// The simulator generates every record on request: these are what a
// 30-day fetch and a dataRange call cost it.

var benchNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func benchGenerator() generator {
	return newGenerator(1, Users[0], "bench")
}

func BenchmarkGenerateEGVs30Days(b *testing.B) {
	g := benchGenerator()
	for b.Loop() {
		if len(g.egvs(benchNow.Add(-30*24*time.Hour), benchNow)) == 0 {
			b.Fatal("no readings")
		}
	}
}

func BenchmarkEGVExtent90Days(b *testing.B) {
	g := benchGenerator()
	for b.Loop() {
		if extent(benchNow.Add(-90*24*time.Hour), benchNow, g.egvs, egvMoment) == nil {
			b.Fatal("no extent")
		}
	}
}

// The request's memo and extent's short windows are shortcuts: they must
// give what computing everything gives.
func TestShortcutsChangeNoRecord(t *testing.T) {
	t.Parallel()
	for _, u := range Users {
		plain, fast := generator{seed: 7, user: u, clientID: "c"}, newGenerator(7, u, "c")
		start, end := benchNow.Add(-12*24*time.Hour), benchNow
		a, b := plain.egvs(start, end), fast.egvs(start, end)
		if !reflect.DeepEqual(a, b) || len(a) == 0 {
			t.Fatalf("%s: the memo changed the readings (%d and %d)", u.Name, len(a), len(b))
		}
		for _, w := range [][2]time.Time{{start, end}, {start.Add(17 * time.Minute), end.Add(-3 * time.Hour)}, {end.Add(-26 * time.Hour), end}, {end.Add(-2 * time.Minute), end}} {
			checkExtent(t, u.Name+" readings", w, fast.egvs, egvMoment)
			checkExtent(t, u.Name+" events", w, fast.events, eventMoment)
			checkExtent(t, u.Name+" calibrations", w, fast.calibrations, calibrationMoment)
		}
	}
}

// checkExtent compares extent with the first and last of every record.
func checkExtent[T any](t *testing.T, what string, w [2]time.Time, gen func(time.Time, time.Time) []T, moment func(T) dexcom.Moment) {
	t.Helper()
	var want *dexcom.Extent
	if all := gen(w[0], w[1]); len(all) > 0 {
		want = &dexcom.Extent{Start: moment(all[0]), End: moment(all[len(all)-1])}
	}
	if got := extent(w[0], w[1], gen, moment); !reflect.DeepEqual(got, want) {
		t.Errorf("%s in %v: extent %+v, all records say %+v", what, w, got, want)
	}
}
