package connect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
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

// Verify calls dataRange, devices, EGVs and events for the last days (1 to
// 90), stopping at the first failure.
func Verify(ctx context.Context, env dexcom.Environment, c *dexcom.Client, days int, now time.Time) *Verification {
	days = max(1, min(days, MaxDays))
	v := &Verification{Env: env, Window: dexcom.Window{Start: now.Add(-time.Duration(days) * 24 * time.Hour), End: now}, Client: c}
	defer func() { v.Calls = c.Calls() }()
	dr, err := c.DataRange(ctx, time.Time{})
	if err != nil {
		v.Err = fmt.Errorf("dataRange: %w", err)
		return v
	}
	v.DataRange = dr
	v.Dropped = v.Dropped.Merge(dr.Dropped...)
	devs, err := c.Devices(ctx)
	if err != nil {
		v.Err = fmt.Errorf("devices: %w", err)
		return v
	}
	v.Devices = devs.Records
	v.Dropped = v.Dropped.Merge(devs.Dropped...)
	egvs, err := c.EGVs(ctx, v.Window.Start, v.Window.End)
	if err != nil {
		v.Err = fmt.Errorf("egvs: %w", err)
		return v
	}
	v.EGVs = egvs.Records
	v.Dropped = v.Dropped.Merge(egvs.Dropped...)
	evs, err := c.Events(ctx, v.Window.Start, v.Window.End)
	if err != nil {
		v.Err = fmt.Errorf("events: %w", err)
		return v
	}
	v.Events = evs.Records
	v.Dropped = v.Dropped.Merge(evs.Dropped...)
	return v
}
