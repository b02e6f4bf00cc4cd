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
// inFlight at a time, then merges them (see mergeRecords). Unusable
// records are dropped and counted, never fatal to their window.
func fetchRange[T record](ctx context.Context, c *Client, path string, start, end time.Time, perDay int) (*Records[T], error) {
	start, end = start.UTC().Truncate(time.Second), end.UTC().Truncate(time.Second)
	if !end.After(start) {
		return nil, fmt.Errorf("GET %s: end %s is not after start %s", path, end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	endpoint := path[len("/v3/users/self/"):]
	windows := SplitWindows(start, end, MaxWindow)
	regions, backing := regionsFor[T](windows, perDay)
	parts := make([]*Records[T], len(windows))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(inFlight)
	for i, w := range windows {
		g.Go(func() error {
			q := url.Values{"startDate": {FormatQueryTime(w.Start)}, "endDate": {FormatQueryTime(w.End)}}
			return c.get(gctx, path, q, func(body io.Reader) (err error) {
				parts[i], err = decodeRecords(body, endpoint, regions[i])
				return err
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return mergeRecords(parts, regions, backing, start, end), nil
}

// regionsFor carves one array, sized from the windows, into a region per
// window: the windows decode side by side into it and are then joined in
// place, without a second array as large as the whole range.
func regionsFor[T any](windows []Window, perDay int) ([][]T, []T) {
	sizes := make([]int, len(windows))
	total := 0
	for i, w := range windows {
		sizes[i] = hint(w.End.Sub(w.Start), perDay)
		total += sizes[i]
	}
	backing := make([]T, total)
	regions := make([][]T, len(windows))
	off := 0
	for i, n := range sizes {
		regions[i] = backing[off : off : off+n]
		off += n
	}
	return regions, backing
}

// mergeRecords joins the windows' answers: one record per id (an "updated"
// event replaces the earlier record of its id, a "deleted" one removes it),
// only records inside [start, end) (Dexcom may answer with more), sorted by
// time.
func mergeRecords[T record](parts []*Records[T], regions [][]T, backing []T, start, end time.Time) *Records[T] {
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
		out.Records = join(parts, regions, backing, n)
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

// join puts the parts one after the other. Parts that stayed in their
// regions of backing are moved down in place (each lands at or before its
// region, so no part is overwritten before it moves); if one outgrew its
// region (append made it a new array, of a larger capacity), a new array is
// made for all.
func join[T record](parts []*Records[T], regions [][]T, backing []T, n int) []T {
	if len(parts) == 1 {
		return parts[0].Records
	}
	inPlace := len(regions) == len(parts)
	for i := 0; inPlace && i < len(parts); i++ {
		inPlace = cap(parts[i].Records) == cap(regions[i])
	}
	if !inPlace {
		all := make([]T, 0, n)
		for _, p := range parts {
			all = append(all, p.Records...)
		}
		return all
	}
	at := 0
	for _, p := range parts {
		at += copy(backing[at:], p.Records)
	}
	clear(backing[at:]) // let go of what the moved records left behind
	return backing[:at:at]
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
