package sandbox

import (
	"bufio"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// dataHandler serves one data endpoint for an authorised grant.
type dataHandler func(w http.ResponseWriter, r *http.Request, g generator, now time.Time)

// dataRoute checks faults and the bearer token, then serves.
func (s *Server) dataRoute(h dataHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.injectFault(w, r) {
			return
		}
		g, problem := s.bearer(r)
		if problem != "" {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": problem})
			return
		}
		s.mu.Lock()
		s.stats.DataCalls++
		s.mu.Unlock()
		h(w, r, newGenerator(s.cfg.Seed, g.user, g.clientID), s.cfg.Now())
	}
}

// injectFault answers with a forced or random fault; true when it did.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request) bool {
	f := s.cfg.Faults
	s.mu.Lock()
	status := 0
	if len(s.forced) > 0 {
		status, s.forced = s.forced[0], s.forced[1:]
	} else {
		switch x := s.rng.Float64(); {
		case x < f.RateLimit:
			status = http.StatusTooManyRequests
		case x < f.RateLimit+f.ServerErrors:
			status = http.StatusServiceUnavailable
		case x < f.RateLimit+f.ServerErrors+f.ExpireTokens:
			status = http.StatusUnauthorized
		}
	}
	if status != 0 {
		s.stats.Faults++
	}
	s.mu.Unlock()
	switch {
	case status == 0:
		return false
	case status == http.StatusTooManyRequests:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter.Round(time.Second).Seconds())))
		}
		writeJSON(w, status, map[string]string{"error": "rate_limited", "error_description": "too many requests"})
	case status == http.StatusUnauthorized:
		s.revoke(r)
		writeJSON(w, status, map[string]string{"error": "invalid_token", "error_description": "access token expired"})
	case status >= 500:
		// Dexcom's 5xx bodies are not JSON; neither are these.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = w.Write([]byte("<html><body><h1>" + strconv.Itoa(status) + " " + http.StatusText(status) + "</h1></body></html>"))
	default:
		writeJSON(w, status, map[string]string{"error": http.StatusText(status)})
	}
	return true
}

// window reads and checks startDate and endDate like the real API.
func (s *Server) window(w http.ResponseWriter, r *http.Request) (start, end time.Time, ok bool) {
	q := r.URL.Query()
	parse := func(name string) (time.Time, bool) {
		v := q.Get(name)
		if v == "" {
			badRequest(w, name+" is required")
			return time.Time{}, false
		}
		if s.cfg.LenientDates {
			if ts, err := dexcom.ParseTimestamp(v); err == nil {
				return ts.Time.UTC(), true
			}
		} else if t, err := time.Parse(dexcom.QueryTimeLayout, v); err == nil && len(v) == len(dexcom.QueryTimeLayout) {
			return t, true
		}
		badRequest(w, name+" must look like 2025-02-06T09:12:35 (UTC, no zone, no milliseconds)")
		return time.Time{}, false
	}
	if start, ok = parse("startDate"); !ok {
		return
	}
	if end, ok = parse("endDate"); !ok {
		return
	}
	if !end.After(start) {
		badRequest(w, "endDate must be after startDate")
		return start, end, false
	}
	if end.Sub(start) > s.cfg.MaxWindow {
		badRequest(w, "the time window must be at most 30 days")
		return start, end, false
	}
	s.mu.Lock()
	s.stats.MaxWindowSeen = max(s.stats.MaxWindowSeen, end.Sub(start))
	s.mu.Unlock()
	return start, end, true
}

func badRequest(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": msg})
}

// clamp limits a window to the data that exists: from now-History to now-UploadDelay.
func (s *Server) clamp(start, end, now time.Time) (time.Time, time.Time) {
	first, last := now.Add(-s.cfg.History), now.Add(-s.cfg.UploadDelay).Add(time.Second)
	if start.Before(first) {
		start = first
	}
	if end.After(last) {
		end = last
	}
	return start, end
}

func serveRange[T any](s *Server, w http.ResponseWriter, r *http.Request, g generator, now time.Time, kind string, gen func(time.Time, time.Time) []T) {
	serveSeq(s, w, r, g, now, kind, func(a, b time.Time) iter.Seq[T] { return slices.Values(gen(a, b)) })
}

// serveSeq answers a range endpoint, writing records as they are made.
func serveSeq[T any](s *Server, w http.ResponseWriter, r *http.Request, g generator, now time.Time, kind string, gen func(time.Time, time.Time) iter.Seq[T]) {
	start, end, ok := s.window(w, r)
	if !ok {
		return
	}
	recs := func(func(T) bool) {}
	if cs, ce := s.clamp(start, end, now); ce.After(cs) {
		recs = gen(cs, ce)
	}
	writeRecords(w, kind, userID(g.clientID, g.user.Name), recs)
}

// writeRecords writes the v3 envelope record by record, byte for byte as
// encoding the whole dexcom.Records would, without holding the answer: a
// 30-day EGV answer is 3.5 MB.
func writeRecords[T any](w http.ResponseWriter, kind, user string, recs iter.Seq[T]) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	k, _ := json.Marshal(kind)
	u, _ := json.Marshal(user)
	_, _ = fmt.Fprintf(bw, `{"recordType":%s,"recordVersion":"3.0","userId":%s,"records":[`, k, u)
	first := true
	for rec := range recs {
		b, err := json.Marshal(rec)
		if err != nil {
			break // cannot happen for the simulator's own records; the answer ends short
		}
		if !first {
			_ = bw.WriteByte(',')
		}
		first = false
		_, _ = bw.Write(b)
	}
	_, _ = bw.WriteString("]}\n")
	_ = bw.Flush()
}

func (s *Server) serveEGVs(w http.ResponseWriter, r *http.Request, g generator, now time.Time) {
	egvs := g.egvSeq
	if s.cfg.HostileText {
		egvs = func(a, b time.Time) iter.Seq[dexcom.EGV] { return hostileEGVs(g.egvSeq(a, b)) }
	}
	if s.cfg.Quirks {
		serveSeq(s, w, r, g, now, "egv", func(a, b time.Time) iter.Seq[any] { return quirkEGVs(egvs(a, b)) })
		return
	}
	serveSeq(s, w, r, g, now, "egv", egvs)
}

func (s *Server) serveCalibrations(w http.ResponseWriter, r *http.Request, g generator, now time.Time) {
	if s.cfg.Quirks {
		serveRange(s, w, r, g, now, "calibration", func(a, b time.Time) []dexcom.Calibration { return g.quirkCalibrations(g.calibrations(a, b)) })
		return
	}
	serveRange(s, w, r, g, now, "calibration", g.calibrations)
}

func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request, g generator, now time.Time) {
	if s.cfg.Quirks {
		serveRange(s, w, r, g, now, "event", g.quirkEvents)
		return
	}
	serveRange(s, w, r, g, now, "event", g.events)
}

func (s *Server) serveAlerts(w http.ResponseWriter, r *http.Request, g generator, now time.Time) {
	serveRange(s, w, r, g, now, "alert", g.alerts)
}

func (s *Server) serveDevices(w http.ResponseWriter, _ *http.Request, g generator, now time.Time) {
	d := g.device(now)
	if s.cfg.Quirks {
		d = quirkDevice(d)
	}
	writeJSON(w, http.StatusOK, dexcom.Records[dexcom.Device]{RecordType: "device", RecordVersion: "3.0",
		UserID: userID(g.clientID, g.user.Name), Records: []dexcom.Device{d}})
}

func (s *Server) serveDataRange(w http.ResponseWriter, r *http.Request, g generator, now time.Time) {
	first, last := s.clamp(time.Time{}, now.Add(time.Hour), now)
	if v := r.URL.Query().Get("lastSyncTime"); v != "" {
		ts, err := dexcom.ParseTimestamp(v)
		if err != nil || !ts.Zoned {
			badRequest(w, "lastSyncTime must carry a time zone, e.g. 2025-06-10T17:20:00Z")
			return
		}
		if ts.Time.After(first) {
			first = ts.Time.UTC()
		}
	}
	dr := dexcom.DataRange{RecordType: "dataRange", RecordVersion: "3.0", UserID: userID(g.clientID, g.user.Name)}
	dr.EGVs = extent(first, last, g.egvs, egvMoment)
	events := g.events
	if s.cfg.Quirks {
		events = g.quirkEventTimes
	}
	dr.Events = extent(first, last, events, eventMoment)
	dr.Calibrations = extent(first, last, g.calibrations, calibrationMoment)
	writeJSON(w, http.StatusOK, dr)
}

func egvMoment(e dexcom.EGV) dexcom.Moment {
	return dexcom.Moment{SystemTime: e.SystemTime, DisplayTime: e.DisplayTime}
}

func eventMoment(e dexcom.Event) dexcom.Moment {
	return dexcom.Moment{SystemTime: e.SystemTime, DisplayTime: e.DisplayTime}
}

func calibrationMoment(c dexcom.Calibration) dexcom.Moment {
	return dexcom.Moment{SystemTime: c.SystemTime, DisplayTime: c.DisplayTime}
}

// extent finds the first and last record in [first, last) by looking at
// windows from each end, short ones first (two hours, then each four times
// longer, up to three days), so it costs the same whatever the history.
func extent[T any](first, last time.Time, gen func(time.Time, time.Time) []T, moment func(T) dexcom.Moment) *dexcom.Extent {
	if !last.After(first) {
		return nil
	}
	var ext dexcom.Extent
	found := false
	for s, w := first, extentWindow; s.Before(last) && !found; s, w = s.Add(w), grow(w) {
		if rs := gen(s, minTime(s.Add(w), last)); len(rs) > 0 {
			ext.Start, found = moment(rs[0]), true
		}
	}
	if !found {
		return nil
	}
	for e, w := last, extentWindow; e.After(first); e, w = e.Add(-w), grow(w) {
		if rs := gen(maxTime(e.Add(-w), first), e); len(rs) > 0 {
			ext.End = moment(rs[len(rs)-1])
			break
		}
	}
	return &ext
}

const extentWindow = 2 * time.Hour

func grow(w time.Duration) time.Duration { return min(4*w, 3*24*time.Hour) }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
