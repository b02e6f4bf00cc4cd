package rook_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

func TestWaitAuthorizedIsBounded(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	var waits []time.Duration
	c := client(t, st, func(cfg *rook.Config) {
		cfg.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	})
	ctx := context.Background()
	if _, err := c.Authorizer(ctx, "w", rook.Dexcom, ""); err != nil {
		t.Fatal(err)
	}
	err := c.WaitAuthorized(ctx, "w", rook.Dexcom, rook.Poll{Attempts: 4, Delay: time.Second, MaxDelay: 3 * time.Second})
	if !errors.Is(err, rook.ErrNotYet) {
		t.Fatalf("err = %v", err)
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}; len(waits) != 3 || waits[0] != want[0] || waits[1] != want[1] || waits[2] != want[2] {
		t.Fatalf("waits %v", waits)
	}
	connected := connected(t, st, "w2", "SandboxUser7")
	if err := connected.WaitAuthorized(ctx, "w2", rook.Dexcom, rook.DefaultPoll); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitAuthorized(ctx, "nobody", rook.Dexcom, rook.Poll{Attempts: 2}); !errors.Is(err, rook.ErrNotYet) {
		t.Fatalf("unknown user: %v", err)
	}
}

// WaitUntilAuthorized is bounded by its timeout, reports every answer,
// and stops at once on ROOK's error.
func TestWaitUntilAuthorizedIsBounded(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	var waits []time.Duration
	c := client(t, st, func(cfg *rook.Config) {
		cfg.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	})
	ctx := context.Background()
	var seen []rook.WatchProgress
	err := c.WaitUntilAuthorized(ctx, "w", rook.Dexcom, rook.Watch{Every: 2 * time.Second, Timeout: 7 * time.Second,
		Progress: func(p rook.WatchProgress) { seen = append(seen, p) }})
	if !errors.Is(err, rook.ErrNotYet) {
		t.Fatalf("err = %v", err)
	}
	if len(waits) != 3 || len(seen) != 4 || seen[3].Attempt != 4 || seen[3].Waited != 6*time.Second || seen[3].Authorized {
		t.Fatalf("waits %v, progress %+v", waits, seen)
	}
	bad := client(t, st, func(cfg *rook.Config) { cfg.BaseURL = st.ROOK.URL + "/nowhere" })
	if err := bad.WaitUntilAuthorized(ctx, "w", rook.Dexcom, rook.DefaultWatch); !errors.Is(err, rook.ErrNotFound) {
		t.Fatalf("wrong path: %v", err)
	}
	if len(bad.Calls()) != 1 {
		t.Fatalf("went on after ROOK's error: %d calls", len(bad.Calls()))
	}
}

func TestLatestGlucoseAndComparison(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{NoDataPolls: 2})
	c := connected(t, st, "l", "SandboxUser5")
	dc := dexcomDirect(t, st, "SandboxUser5")
	ctx := context.Background()
	// Two days ahead has nothing yet: the newest day with data is today
	// (yesterday in the minutes after midnight UTC, before today's first reading).
	from := time.Now().UTC().AddDate(0, 0, 2)
	days, err := c.LatestGlucose(ctx, "l", from, 5, rook.Poll{Attempts: 3, Delay: time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := days[len(days)-1]
	newest := map[string]bool{time.Now().UTC().Format(rook.DateLayout): true, time.Now().UTC().AddDate(0, 0, -1).Format(rook.DateLayout): true}
	if len(days) < 3 || days[0].Found || days[1].Found || !last.Found || !newest[last.Date] {
		t.Fatalf("days %+v", days)
	}
	// The first two pulls were the 204s of NoDataPolls; the calls say so.
	var statuses []int
	for _, call := range c.Calls() {
		if call.Path == "/v2/processed_data/body_health/events/blood_glucose" {
			statuses = append(statuses, call.Status)
		}
	}
	if len(statuses) < 3 || statuses[0] != 204 || statuses[1] != 204 || statuses[len(statuses)-1] != 200 {
		t.Fatalf("pull statuses %v", statuses)
	}

	doc, date, egvs := yesterdayAtBoth(t, dc, c, "l")
	cmp := rook.Compare(doc, date, egvs)
	if cmp.Dexcom == 0 || cmp.Matched != cmp.Dexcom || cmp.ROOK != cmp.Dexcom {
		t.Fatalf("%+v", cmp)
	}
	// One reading ROOK lacks and one it has wrong: 2 fewer matched.
	doc.Events[0].Samples = doc.Events[0].Samples[1:]
	doc.Events[0].Samples[0].MgDL += 5
	if got := rook.Compare(doc, date, egvs); got.Matched != cmp.Dexcom-2 || got.String() == "" {
		t.Fatalf("%+v", got)
	}
}

func TestSamplesFromEGVs(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	s := func(v string) *string { return &v }
	at := time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)
	egvs := []dexcom.EGV{
		{SystemTime: dexcom.NewTimestamp(at, true), Value: f(120.4), Unit: "mg/dL"},
		{SystemTime: dexcom.NewTimestamp(at.Add(5*time.Minute), true), Value: f(7), Unit: "mmol/L"},
		{SystemTime: dexcom.NewTimestamp(at.Add(10*time.Minute), true), Status: s("low")},
		{SystemTime: dexcom.NewTimestamp(at.Add(15*time.Minute), true), Status: s("high")},
		{SystemTime: dexcom.NewTimestamp(at.Add(20*time.Minute), true)}, // no value, no status: left out
		{SystemTime: dexcom.NewTimestamp(at.Add(25*time.Minute), false), Value: f(39), Status: s("low")},
	}
	got := rook.SamplesFromEGVs(egvs)
	want := []float64{120.4, 7 * 18.0182, 39, 401, 39}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i := range want {
		if d := got[i].MgDL - want[i]; d > 0.01 || d < -0.01 {
			t.Errorf("%d: %v, want %v", i, got[i].MgDL, want[i])
		}
	}
	if !got[4].At.Equal(at.Add(25 * time.Minute)) {
		t.Errorf("zoneless time read as %v", got[4].At)
	}
}

// The simulator's data faults make ROOK's day differ from Dexcom's as the
// comparison counts it: every 3rd reading missing, every 5th changed.
func TestDataFaultsShowInTheComparison(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{DropEvery: 3, ChangeEvery: 5})
	c := connected(t, st, "d", "SandboxUser5")
	dc := dexcomDirect(t, st, "SandboxUser5")
	doc, date, egvs := yesterdayAtBoth(t, dc, c, "d")
	cmp := rook.Compare(doc, date, egvs)
	n := len(rook.SamplesFromEGVs(egvs))
	kept := n - n/3
	changed := 0
	for i := 1; i <= n; i++ {
		if i%3 != 0 && i%5 == 0 {
			changed++
		}
	}
	if cmp.ROOK != kept || cmp.Matched != kept-changed {
		t.Fatalf("%+v; want ROOK %d, matched %d of %d", cmp, kept, kept-changed, n)
	}
}

// Wake cuts a long pause short when the browser comes back, many times
// over (run with -race): the connection is seen at once, not after Every.
func TestWaitUntilAuthorizedWakes(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	ctx := context.Background()
	for i := range 20 {
		user := "wake-" + string(rune('a'+i))
		c := client(t, st, func(cfg *rook.Config) { cfg.Sleep = nil })
		a, err := c.AuthorizationLink(ctx, user, rook.Dexcom)
		if err != nil {
			t.Fatal(err)
		}
		wake := make(chan struct{})
		go func() {
			defer close(wake)
			if err := sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)(ctx, a.AuthorizationURL); err != nil {
				t.Error(err)
			}
		}()
		var seen []rook.WatchProgress
		err = c.WaitUntilAuthorized(ctx, user, rook.Dexcom, rook.Watch{Every: time.Hour, Timeout: 3 * time.Hour, Wake: wake,
			Progress: func(p rook.WatchProgress) { seen = append(seen, p) }})
		if err != nil {
			t.Fatal(err)
		}
		if last := seen[len(seen)-1]; !last.Authorized || len(seen) > 2 {
			t.Fatalf("progress %+v", seen)
		}
	}
}

// A pause the browser's return cut short does not use up the wait: with
// Timeout one Every, a wake still leaves one full pause before the end.
func TestWaitUntilAuthorizedWakeKeepsTheTime(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	c := client(t, st, nil)
	wake := make(chan struct{})
	close(wake)
	var slept time.Duration
	calls := 0
	err := c.WaitUntilAuthorized(context.Background(), "keep-time", rook.Dexcom, rook.Watch{Every: time.Hour, Timeout: time.Hour, Wake: wake,
		Progress: func(rook.WatchProgress) { calls++ },
		Sleep: func(ctx context.Context, d time.Duration) error {
			select {
			case <-ctx.Done(): // cut short by the wake
				return ctx.Err()
			case <-time.After(200 * time.Millisecond): // an hour, as far as the watch knows
				slept += d
				return nil
			}
		}})
	if !errors.Is(err, rook.ErrNotYet) || calls != 3 || slept != time.Hour {
		t.Fatalf("err %v, %d calls, slept %s; want ErrNotYet after 3 calls and one full pause", err, calls, slept)
	}
}

// yesterdayAtBoth reads yesterday (UTC) from Dexcom directly and from ROOK
// for userID: ROOK's day, the date and Dexcom's readings (Compare's arguments).
func yesterdayAtBoth(t *testing.T, dc *dexcom.Client, c *rook.Client, userID string) (*rook.GlucoseDay, string, []dexcom.EGV) {
	t.Helper()
	ctx := context.Background()
	start := time.Now().UTC().AddDate(0, 0, -1).Truncate(24 * time.Hour)
	egvs, err := dc.EGVs(ctx, start, start.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	date := start.Format(rook.DateLayout)
	day, found, err := c.BloodGlucose(ctx, userID, date)
	if err != nil || !found {
		t.Fatal(found, err)
	}
	return day, date, egvs.Records
}
