package rook

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// Poll bounds a wait for ROOK: at most Attempts calls, the first waits
// Delay and each next one twice as long, at most MaxDelay.
type Poll struct {
	Attempts int
	Delay    time.Duration
	MaxDelay time.Duration
}

// DefaultPoll waits up to about 2 minutes: 2 s, 4 s, 8 s, 16 s, then 30 s.
var DefaultPoll = Poll{Attempts: 8, Delay: 2 * time.Second, MaxDelay: 30 * time.Second}

// ErrNotYet means a poll ran out of attempts.
var ErrNotYet = errors.New("ROOK did not report it within the wait")

func (p Poll) wait(ctx context.Context, sleep func(context.Context, time.Duration) error, i int) error {
	d := p.Delay << i
	if p.MaxDelay > 0 && (d > p.MaxDelay || d <= 0) {
		d = p.MaxDelay
	}
	return sleep(ctx, d)
}

// WaitAuthorized polls the authorized data sources until source is
// connected for userID. An API error ends the wait at once.
func (c *Client) WaitAuthorized(ctx context.Context, userID, source string, p Poll) error {
	for i := range max(p.Attempts, 1) {
		sources, err := c.AuthorizedSources(ctx, userID)
		if err != nil {
			return err
		}
		if IsAuthorized(sources, source) {
			return nil
		}
		if i < p.Attempts-1 {
			if err := p.wait(ctx, c.sleep, i); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("%s for %s: %w", source, userID, ErrNotYet)
}

// DayGlucose is one day's pull: Found is false when ROOK answered 204.
type DayGlucose struct {
	Date  string
	Found bool
	Doc   *GlucoseDay
}

// LatestGlucose pulls the days from until `days` days back (newest first),
// each polled with p while ROOK answers 204, and stops at the first day
// with readings; days before it are not asked. It returns every day asked.
func (c *Client) LatestGlucose(ctx context.Context, userID string, from time.Time, days int, p Poll) ([]DayGlucose, error) {
	var out []DayGlucose
	for back := range max(days, 1) {
		date := from.UTC().AddDate(0, 0, -back).Format(DateLayout)
		var d DayGlucose
		for i := range max(p.Attempts, 1) {
			doc, found, err := c.BloodGlucose(ctx, userID, date)
			if err != nil {
				return out, err
			}
			d = DayGlucose{Date: date, Found: found, Doc: doc}
			if found || i == p.Attempts-1 {
				break
			}
			if err := p.wait(ctx, c.sleep, i); err != nil {
				return out, err
			}
		}
		out = append(out, d)
		if d.Found && d.Doc.Readings() > 0 {
			return out, nil
		}
	}
	return out, nil
}

// Comparison is ROOK's readings for a day against Dexcom's.
type Comparison struct {
	Date    string
	ROOK    int // samples ROOK returned
	Dexcom  int // Dexcom readings in that UTC day, those without a value included
	Matched int // ROOK samples with a Dexcom reading at the same time and value (±0.5 mg/dL)
}

// String reads "ROOK has 287 of 288 readings for 2026-11-24".
func (c Comparison) String() string {
	return fmt.Sprintf("ROOK has %d of %d readings for %s", c.Matched, c.Dexcom, c.Date)
}

// Compare matches a ROOK day against Dexcom's EGVs of the same UTC day.
func Compare(day *GlucoseDay, date string, egvs []dexcom.EGV) Comparison {
	start, err := time.Parse(DateLayout, date)
	cmp := Comparison{Date: date}
	if err != nil {
		return cmp
	}
	end := start.Add(24 * time.Hour)
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	for _, e := range egvs {
		if in(e.SystemTime.Time) {
			cmp.Dexcom++
		}
	}
	want := map[int64]float64{}
	for _, s := range SamplesFromEGVs(egvs) {
		if in(s.At) {
			want[s.At.Unix()] = s.MgDL
		}
	}
	if day == nil {
		return cmp
	}
	for _, s := range day.Samples() {
		cmp.ROOK++
		if v, ok := want[s.At.Unix()]; ok && math.Abs(v-s.MgDL) <= 0.5 {
			cmp.Matched++
			delete(want, s.At.Unix())
		}
	}
	return cmp
}
