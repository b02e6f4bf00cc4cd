package dexcom

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"
)

// MaxWindow is the longest span Dexcom answers in one request.
const MaxWindow = 30 * 24 * time.Hour

// egvsPerDay is a reading every 5 minutes, for pre-sizing.
const egvsPerDay = 288

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

// hint is how many records of perDay a day a span may hold.
func hint(span time.Duration, perDay int) int {
	return int(span.Hours()/24*float64(perDay)) + 8
}

// fetchRange fetches [start, end) in windows of at most 30 days, at most
// c.concurrency at a time, then merges them (see mergeRecords). Unusable
// records are dropped and counted, never fatal to their window.
func fetchRange[T record](ctx context.Context, c *Client, path string, start, end time.Time, perDay int) (*Records[T], error) {
	start, end = start.UTC().Truncate(time.Second), end.UTC().Truncate(time.Second)
	if !end.After(start) {
		return nil, fmt.Errorf("GET %s: end %s is not after start %s", path, end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	endpoint := path[len("/v3/users/self/"):]
	windows := SplitWindows(start, end, MaxWindow)
	parts := make([]*Records[T], len(windows))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.concurrency)
	for i, w := range windows {
		g.Go(func() error {
			q := url.Values{"startDate": {FormatQueryTime(w.Start)}, "endDate": {FormatQueryTime(w.End)}}
			return c.get(gctx, path, q, func(body io.Reader) (err error) {
				parts[i], err = decodeRecords[T](body, endpoint, hint(w.End.Sub(w.Start), perDay))
				return err
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return mergeRecords(parts, start, end), nil
}

// mergeRecords joins the windows' answers: one record per id (an "updated"
// event replaces the earlier record of its id, a "deleted" one removes it),
// only records inside [start, end) (Dexcom may answer with more), sorted by
// time.
func mergeRecords[T record](parts []*Records[T], start, end time.Time) *Records[T] {
	out := &Records[T]{}
	n := 0
	for _, p := range parts {
		if out.UserID == "" {
			out.RecordType, out.RecordVersion, out.UserID = p.RecordType, p.RecordVersion, p.UserID
		}
		out.Dropped = out.Dropped.Merge(p.Dropped...)
		n += len(p.Records)
	}
	var zero T
	if _, ok := any(zero).(statused); ok {
		out.Records = mergeByStatus(parts, n)
	} else {
		out.Records = concat(parts, n)
	}
	out.Records = slices.DeleteFunc(out.Records, func(r T) bool {
		t := r.At()
		return t.Before(start) || !t.Before(end)
	})
	byTime := func(a, b T) int { return a.At().Compare(b.At()) }
	if !slices.IsSortedFunc(out.Records, byTime) {
		slices.SortStableFunc(out.Records, byTime)
	}
	if _, ok := any(zero).(statused); !ok {
		out.Records = dropRepeats(out.Records)
	}
	return out
}

// concat joins the parts; one part is used as it is, without a copy.
func concat[T record](parts []*Records[T], n int) []T {
	if len(parts) == 1 {
		return parts[0].Records
	}
	all := make([]T, 0, n)
	for _, p := range parts {
		all = append(all, p.Records...)
		p.Records = nil // let the window's copy go
	}
	return all
}

// dropRepeats removes records sent twice (the same id at the same time) from
// a time-sorted list; such repeats sit next to each other, so no map of ids
// is needed for the thousands of readings.
func dropRepeats[T record](rs []T) []T {
	out := rs[:0]
	for i, r := range rs {
		repeat := false
		for j := len(out) - 1; j >= 0 && out[j].At().Equal(r.At()); j-- {
			if out[j].ID() == r.ID() {
				repeat = true
				break
			}
		}
		if !repeat {
			out = append(out, rs[i])
		}
	}
	return out
}

// mergeByStatus applies events' statuses: the first record of an id stays
// unless a later "updated" one replaces it; "deleted" removes the id.
func mergeByStatus[T record](parts []*Records[T], n int) []T {
	all := make([]T, 0, n)
	at := make(map[string]int, n)
	var deleted map[string]bool
	for _, p := range parts {
		for _, r := range p.Records {
			status := any(r).(statused).Status()
			id := r.ID()
			if status == EventDeleted {
				if deleted == nil {
					deleted = map[string]bool{}
				}
				deleted[id] = true
				continue
			}
			if i, dup := at[id]; dup {
				if status == EventUpdated {
					all[i] = r
				}
				continue
			}
			at[id] = len(all)
			all = append(all, r)
		}
	}
	if deleted != nil {
		all = slices.DeleteFunc(all, func(r T) bool { return deleted[r.ID()] })
	}
	return all
}
