package dexcom

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"
)

// MaxWindow is the longest span Dexcom answers in one request.
const MaxWindow = 30 * 24 * time.Hour

// Window is a half-open time span [Start, End).
type Window struct{ Start, End time.Time }

// SplitWindows cuts [start, end) into consecutive windows of at most max.
func SplitWindows(start, end time.Time, max time.Duration) []Window {
	var ws []Window
	for s := start; s.Before(end); s = s.Add(max) {
		e := s.Add(max)
		if e.After(end) {
			e = end
		}
		ws = append(ws, Window{s, e})
	}
	return ws
}

// fetchRange fetches [start, end) in windows of at most 30 days, at most
// c.concurrency at a time, then merges, de-duplicates by record id, keeps
// only records inside the window (Dexcom may answer with more) and sorts.
func fetchRange[T record](ctx context.Context, c *Client, path string, start, end time.Time) (*Records[T], error) {
	start, end = start.UTC().Truncate(time.Second), end.UTC().Truncate(time.Second)
	if !end.After(start) {
		return nil, fmt.Errorf("GET %s: end %s is not after start %s", path, end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	windows := SplitWindows(start, end, MaxWindow)
	parts := make([]Records[T], len(windows))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.concurrency)
	for i, w := range windows {
		g.Go(func() error {
			q := url.Values{"startDate": {FormatQueryTime(w.Start)}, "endDate": {FormatQueryTime(w.End)}}
			return c.get(gctx, path, q, &parts[i])
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return mergeRecords(parts, start, end), nil
}

func mergeRecords[T record](parts []Records[T], start, end time.Time) *Records[T] {
	out := &Records[T]{Records: []T{}}
	seen := make(map[string]struct{})
	for _, p := range parts {
		if out.UserID == "" {
			out.RecordType, out.RecordVersion, out.UserID = p.RecordType, p.RecordVersion, p.UserID
		}
		for _, r := range p.Records {
			if at := r.At(); at.Before(start) || !at.Before(end) {
				continue
			}
			if _, dup := seen[r.ID()]; dup {
				continue
			}
			seen[r.ID()] = struct{}{}
			out.Records = append(out.Records, r)
		}
	}
	slices.SortStableFunc(out.Records, func(a, b T) int { return a.At().Compare(b.At()) })
	return out
}
