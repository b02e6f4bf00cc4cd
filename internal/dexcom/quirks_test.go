package dexcom_test

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// TestUnusualAnswersAreReadRecordByRecord reads two days from a simulator
// serving its quirks: bad records are dropped and counted, the rest kept.
func TestUnusualAnswersAreReadRecordByRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A fixed clock: which of each day's quirks fall in the last 48 hours
	// depends on the time of day (the mmol/L bloodGlucose event comes before
	// the day's first meal), so on the wall clock this failed some hours.
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, "SandboxUser7", sandbox.Config{Quirks: true, Now: func() time.Time { return now }})
	end := now
	start := end.Add(-48 * time.Hour)

	egvs, err := f.client.EGVs(ctx, start, end)
	if err != nil {
		t.Fatalf("one bad record failed the window: %v", err)
	}
	want := map[string]bool{"value is text, not a number": true, "systemTime is not a readable time": true}
	for _, d := range egvs.Dropped {
		if d.Endpoint != "egvs" || !want[d.Reason] || d.Count < 1 || d.Count > 3 {
			t.Errorf("drop %+v", d)
		}
		delete(want, d.Reason)
	}
	if len(want) > 0 {
		t.Errorf("not reported: %v (dropped %v)", want, egvs.Dropped)
	}
	var mmol, frac int
	for _, e := range egvs.Records {
		mg, ok := e.MgDL()
		if !ok {
			continue
		}
		if e.Unit == dexcom.UnitMmolL {
			mmol++
			if math.Abs(mg-*e.Value*18.0182) > 1e-9 || mg < 40 || mg > 400 {
				t.Errorf("mmol/L %v read as %v mg/dL", *e.Value, mg)
			}
			if r, ok := e.RateMgDLPerMin(); ok && math.Abs(r-*e.TrendRate*18.0182) > 1e-9 {
				t.Errorf("rate %v mmol/L/min read as %v", *e.TrendRate, r)
			}
		}
		if mg != math.Trunc(mg) && e.Unit == dexcom.UnitMgDL {
			frac++
		}
	}
	if mmol < 12 || frac < 12 {
		t.Errorf("mmol/L readings %d, fractional %d", mmol, frac)
	}

	evs, err := f.client.Events(ctx, start, end)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var notes, bg, updated int
	for _, e := range evs.Records {
		seen[e.RecordID]++
		if e.EventStatus == dexcom.EventDeleted {
			t.Errorf("deleted event shown: %+v", e)
		}
		if e.EventStatus == dexcom.EventUpdated {
			updated++
		}
		if e.EventType == dexcom.EventNotes {
			notes++
		}
		if mg, ok := e.MgDL(); ok {
			bg++
			if math.Abs(mg-6.1*18.0182) > 1e-9 {
				t.Errorf("bloodGlucose 6.1 mmol/L read as %v", mg)
			}
		}
		if e.EventType == dexcom.EventCarbs {
			if _, ok := e.Amount(); !ok {
				t.Errorf("carbs value %q unreadable", e.Value)
			}
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("event %s shown %d times", id, n)
		}
	}
	if notes < 2 || bg < 2 || updated < 2 || len(evs.Dropped) != 0 {
		t.Errorf("notes %d, bloodGlucose %d, updated %d, dropped %v", notes, bg, updated, evs.Dropped)
	}

	devs, err := f.client.Devices(ctx)
	if err != nil {
		t.Fatalf("an mmol/L alert setting failed devices: %v", err)
	}
	low := devs.Records[0].AlertSchedules[0].AlertSettings[1]
	if low.AlertName != "low" || low.Value != 3.9 || math.Abs(low.Threshold()-70.27098) > 1e-4 {
		t.Errorf("low alert %+v threshold %v", low, low.Threshold())
	}
}

func TestUnusualCalibrations(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "SandboxUser1", sandbox.Config{Quirks: true})
	end := time.Now()
	cals, err := f.client.Calibrations(context.Background(), end.Add(-72*time.Hour), end)
	if err != nil {
		t.Fatal(err)
	}
	var mmol, frac int
	for _, c := range cals.Records {
		mg := c.MgDL()
		if mg < 40 || mg > 400 {
			t.Errorf("calibration %v %v read as %v mg/dL", c.Value, *c.Unit, mg)
		}
		switch {
		case *c.Unit == dexcom.UnitMmolL:
			mmol++
		case c.Value != math.Trunc(c.Value):
			frac++
		}
	}
	if mmol == 0 || frac == 0 {
		t.Errorf("mmol/L %d, fractional %d of %d", mmol, frac, len(cals.Records))
	}
}

// TestConcurrent401sRefreshOnce: windows fetched in parallel that all get
// 401 share one refresh, so the rotating refresh token is spent once.
func TestConcurrent401sRefreshOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for i := range 25 {
		// Little history: the windows are many, their answers small.
		f := newFixture(t, "SandboxUser7", sandbox.Config{History: time.Hour})
		f.sim.ExpireAccessTokens()
		end := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for j := range errs { // EGVs over 90 days (3 windows) and events and devices at once
			wg.Go(func() {
				switch j {
				case 0:
					_, errs[j] = f.client.EGVs(ctx, end.Add(-90*24*time.Hour), end)
				case 1:
					_, errs[j] = f.client.Events(ctx, end.Add(-60*24*time.Hour), end)
				default:
					_, errs[j] = f.client.Devices(ctx)
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("run %d: %v", i, err)
			}
		}
		if n := f.sim.Stats().TokenRefresh; n != 1 {
			t.Fatalf("run %d: %d refreshes for one expiry", i, n)
		}
		f.mu.Lock()
		saves := len(f.saved)
		f.mu.Unlock()
		if saves != 1 {
			t.Fatalf("run %d: %d tokens saved", i, saves)
		}
	}
}
