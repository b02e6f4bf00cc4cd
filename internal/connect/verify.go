package connect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"golang.org/x/sync/errgroup"
)

// MaxDays is the longest verification window.
const MaxDays = 90

// Verification is the outcome of calling the API as a connected app.
type Verification struct {
	Env       dexcom.Environment
	Calls     []dexcom.Call
	DataRange *dexcom.DataRange
	Devices   []dexcom.Device
	EGVs      []dexcom.EGV
	Events    []dexcom.Event
	Window    dexcom.Window
	// Dropped counts the records left out as unusable (a bad field or
	// time), by endpoint and reason; the rest of each answer is used.
	Dropped dexcom.Drops
	Err     error
	// Client can fetch more data with the same login (other windows, refresh).
	Client *dexcom.Client
}

// OK is the definition of verified: every endpoint finally answered 200 and
// readings came back.
func (v *Verification) OK() bool { return v.Err == nil && len(v.EGVs) > 0 }

// Latest is the newest reading, or nil.
func (v *Verification) Latest() *dexcom.EGV {
	if len(v.EGVs) == 0 {
		return nil
	}
	return &v.EGVs[len(v.EGVs)-1]
}

// Device is the first display device, or nil.
func (v *Verification) Device() *dexcom.Device {
	if len(v.Devices) == 0 {
		return nil
	}
	return &v.Devices[0]
}

// Hint says what to do when not verified.
func (v *Verification) Hint() string {
	var apiErr *dexcom.APIError
	switch {
	case v.Err == nil && len(v.EGVs) == 0:
		return "the calls worked but no readings came back for the window; try a longer window, or another test user"
	case errors.As(v.Err, &apiErr):
		return apiErr.Hint()
	case errors.Is(v.Err, dexcom.ErrLoginExpired):
		return "log the test user in again"
	}
	return ""
}

// Verify calls dataRange, then devices, EGVs and events for the last days
// (1 to 90) at the same time (the client bounds the requests in flight),
// and stops at the first failure. The EGV and event windows are narrowed to
// what dataRange says exists.
func Verify(ctx context.Context, env dexcom.Environment, c *dexcom.Client, days int, now time.Time) *Verification {
	days = max(1, min(days, MaxDays))
	v := &Verification{Env: env, Window: dexcom.Window{Start: now.Add(-time.Duration(days) * 24 * time.Hour), End: now}, Client: c}
	defer func() { v.Calls = inCallOrder(c.Calls()) }()
	dr, err := c.DataRange(ctx, time.Time{})
	if err != nil {
		v.Err = fmt.Errorf("dataRange: %w", err)
		return v
	}
	v.DataRange = dr
	var (
		devs   *dexcom.Records[dexcom.Device]
		egvs   *dexcom.Records[dexcom.EGV]
		events *dexcom.Records[dexcom.Event]
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		if devs, err = c.Devices(gctx); err != nil {
			err = fmt.Errorf("devices: %w", err)
		}
		return err
	})
	g.Go(func() (err error) {
		w := narrow(v.Window, dr.EGVs)
		if egvs, err = c.EGVs(gctx, w.Start, w.End); err != nil {
			err = fmt.Errorf("egvs: %w", err)
		}
		return err
	})
	g.Go(func() (err error) {
		w := narrow(v.Window, dr.Events)
		if events, err = c.Events(gctx, w.Start, w.End); err != nil {
			err = fmt.Errorf("events: %w", err)
		}
		return err
	})
	if err := g.Wait(); err != nil {
		v.Err = err
		return v
	}
	v.Devices, v.EGVs, v.Events = devs.Records, egvs.Records, events.Records
	v.Dropped = v.Dropped.Merge(dr.Dropped...).Merge(devs.Dropped...).Merge(egvs.Dropped...).Merge(events.Dropped...)
	return v
}

// narrow cuts w to the extent of data that exists. Without an extent, or
// when they do not overlap, w is asked for as it is, so the call is still
// made and shown.
func narrow(w dexcom.Window, x *dexcom.Extent) dexcom.Window {
	if x == nil {
		return w
	}
	first, last := x.Start.SystemTime.Time, x.End.SystemTime.Time.Add(time.Second) // end is exclusive
	if !last.After(w.Start) || !first.Before(w.End) {
		return w
	}
	if first.After(w.Start) {
		w.Start = first
	}
	if last.Before(w.End) {
		w.End = last
	}
	return w
}

// callOrder is the order calls are shown in, whatever order they ran in.
var callOrder = map[string]int{"/v3/users/self/dataRange": 0, "/v3/users/self/devices": 1, "/v3/users/self/egvs": 2, "/v3/users/self/events": 3}

// inCallOrder sorts calls by endpoint, then window, then attempt, so the
// report reads the same on every run although the calls ran at once.
func inCallOrder(calls []dexcom.Call) []dexcom.Call {
	slices.SortStableFunc(calls, func(a, b dexcom.Call) int {
		ra, oka := callOrder[a.Path]
		rb, okb := callOrder[b.Path]
		if !oka {
			ra = len(callOrder)
		}
		if !okb {
			rb = len(callOrder)
		}
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a.Query, b.Query), cmp.Compare(a.Attempt, b.Attempt))
	})
	return calls
}
