package rook

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// Poll bounds a wait for ROOK: at most Attempts calls, the first waits
// Delay and each next one twice as long, at most MaxDelay; Total, when
// set, bounds the time spent waiting in all (the pull of first data).
type Poll struct {
	Attempts int
	Delay    time.Duration
	MaxDelay time.Duration
	Total    time.Duration
}

// DefaultPoll waits 2 s, 4 s, 8 s, 16 s, then 30 s, at most 30 s in all
// for first data: a check names "no data yet" well within a minute.
var DefaultPoll = Poll{Attempts: 8, Delay: 2 * time.Second, MaxDelay: 30 * time.Second, Total: 30 * time.Second}

// ErrNotYet means a poll ran out of attempts.
var ErrNotYet = errors.New("ROOK did not report it within the wait")

func (p Poll) wait(ctx context.Context, sleep func(context.Context, time.Duration) error, i int) error {
	return sleep(ctx, p.delay(i))
}

// delay is the pause after the i-th call (0 for the first).
func (p Poll) delay(i int) time.Duration {
	d := p.Delay << i
	if p.MaxDelay > 0 && (d > p.MaxDelay || d <= 0) {
		d = p.MaxDelay
	}
	return d
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

// AuthorizationLink is Authorizer without a redirect_url, ROOK's default:
// the user's browser ends on ROOK's own page, and WaitUntilAuthorized
// learns that the connection happened.
func (c *Client) AuthorizationLink(ctx context.Context, userID, dataSource string) (*Authorization, error) {
	return c.Authorizer(ctx, userID, dataSource, "")
}

// Watch bounds a wait for a user to connect: ROOK's authorized list is
// asked every Every (default 2 s) for at most Timeout (default 5 min).
type Watch struct {
	Every   time.Duration
	Timeout time.Duration
	// Progress, when set, hears each answer, so a screen can show the wait.
	Progress func(WatchProgress)
	// Wake, when it is closed, cuts the pause under way short once (e.g.
	// the browser came back): the next question comes at once.
	Wake <-chan struct{}
	// Sleep waits between questions (default: the client's; a wait for a
	// person wants real time even where retries are not waited).
	Sleep func(context.Context, time.Duration) error
}

// WatchProgress is one answer of the authorized list during a wait.
type WatchProgress struct {
	Attempt    int           // 1 for the first call
	Waited     time.Duration // time spent waiting between calls so far
	Authorized bool
}

// DefaultWatch asks every 2 s for up to 5 minutes.
var DefaultWatch = Watch{Every: 2 * time.Second, Timeout: 5 * time.Minute}

// WaitUntilAuthorized asks ROOK's authorized list until source is connected
// for userID, while the user logs in elsewhere (a browser on ROOK's page).
// It ends with nil once connected, with an error wrapping ErrNotYet when
// the time is up, with ROOK's error at once, or with ctx's error.
func (c *Client) WaitUntilAuthorized(ctx context.Context, userID, source string, w Watch) error {
	if err := ValidateUserID(userID); err != nil {
		return err
	}
	if w.Every <= 0 {
		w.Every = DefaultWatch.Every
	}
	if w.Timeout <= 0 {
		w.Timeout = DefaultWatch.Timeout
	}
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		sources, err := c.AuthorizedSources(ctx, userID)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			return err
		}
		ok := IsAuthorized(sources, source)
		if w.Progress != nil {
			w.Progress(WatchProgress{Attempt: attempt, Waited: waited, Authorized: ok})
		}
		if ok {
			return nil
		}
		if waited+w.Every > w.Timeout {
			return fmt.Errorf("%s for %s after %s: %w", source, userID, w.Timeout, ErrNotYet)
		}
		woke, err := w.pause(ctx, c.sleep)
		if err != nil {
			return err
		}
		if !woke { // a pause cut short does not use up the person's time
			waited += w.Every
		}
	}
}

// pause waits Every, or less when Wake closes (once: Wake is then
// forgotten); woke says it was cut short.
func (w *Watch) pause(ctx context.Context, sleep func(context.Context, time.Duration) error) (woke bool, err error) {
	if w.Sleep != nil {
		sleep = w.Sleep
	}
	if w.Wake == nil {
		return false, sleep(ctx, w.Every)
	}
	wake := w.Wake
	pctx, cancel := context.WithCancel(ctx)
	wokeC, done := make(chan bool, 1), make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-wake:
			wokeC <- true
			cancel()
		case <-pctx.Done():
			wokeC <- false
		}
	}()
	err = sleep(pctx, w.Every)
	cancel()
	<-done
	if <-wokeC {
		w.Wake = nil
		return true, ctx.Err()
	}
	return false, err
}

// DayGlucose is one day's pull: Found is false when ROOK answered 204.
type DayGlucose struct {
	Date  string
	Found bool
	Doc   *GlucoseDay
}

// GlucoseProgress is one round of a wait for ROOK's first data: every day
// asked once, newest first, none with readings yet.
type GlucoseProgress struct {
	Round  int           // 1 for the first
	Waited time.Duration // time spent waiting between rounds so far
	Total  time.Duration // the bound on that time (0: none)
}

// LatestGlucose pulls the days from until `days` days back, newest first,
// and stops at the first day with readings. While every day answers 204
// it asks again in rounds paced by p (at most p.Attempts rounds, and no
// more waiting than p.Total when set); progress, when set, hears each
// empty round. It returns every day of the last round asked.
func (c *Client) LatestGlucose(ctx context.Context, userID string, from time.Time, days int, p Poll, progress func(GlucoseProgress)) ([]DayGlucose, error) {
	var waited time.Duration
	for round := range max(p.Attempts, 1) {
		out, done, err := c.glucoseRound(ctx, userID, from, days)
		if err != nil || done {
			return out, err
		}
		if progress != nil {
			progress(GlucoseProgress{Round: round + 1, Waited: waited, Total: p.Total})
		}
		d := p.delay(round)
		if round == p.Attempts-1 || (p.Total > 0 && waited+d > p.Total) {
			return out, nil
		}
		if err := c.sleep(ctx, d); err != nil {
			return out, err
		}
		waited += d
	}
	return nil, nil
}

// glucoseRound asks each day once, newest first, until one has readings.
func (c *Client) glucoseRound(ctx context.Context, userID string, from time.Time, days int) ([]DayGlucose, bool, error) {
	var out []DayGlucose
	for back := range max(days, 1) {
		date := from.UTC().AddDate(0, 0, -back).Format(DateLayout)
		doc, found, err := c.BloodGlucose(ctx, userID, date)
		if err != nil {
			return out, false, err
		}
		out = append(out, DayGlucose{Date: date, Found: found, Doc: doc})
		if found && doc.Readings() > 0 {
			return out, true, nil
		}
	}
	return out, false, nil
}

// Comparison is ROOK's readings for a day against Dexcom's.
type Comparison struct {
	Date    string
	ROOK    int // samples ROOK returned
	Dexcom  int // Dexcom readings in that UTC day, those without a value included
	Matched int // ROOK samples with a Dexcom reading at the same time and value (±0.5 mg/dL)
	// On the span both cover (ROOK's first to last sample, within Dexcom's
	// first to last reading): Dexcom readings with a value there (Span),
	// those ROOK lacks (Missing), those ROOK has with another value
	// (Differ), and the first three of either, in words.
	From, To              time.Time
	Span, Missing, Differ int
	Examples              []string
	// Unrelated: fewer than half of ROOK's samples fall at the time of a
	// Dexcom reading, so the two are not the same user's (two different
	// test users logged in) and nothing is judged.
	Unrelated bool
}

// String reads "ROOK has 287 of 288 readings for 2026-11-24".
func (c Comparison) String() string {
	s := fmt.Sprintf("ROOK has %d of %d readings for %s", c.Matched, c.Dexcom, c.Date)
	if c.Unrelated {
		return s + "; their times differ, so they are not the same user's: log the same test user in for both legs to compare"
	}
	if !c.Faithful() {
		s += fmt.Sprintf("; of Dexcom's %d readings from %s to %s UTC, %d are missing at ROOK and %d differ",
			c.Span, c.From.Format("15:04"), c.To.Format("15:04"), c.Missing, c.Differ)
		if len(c.Examples) > 0 {
			s += " (first: " + strings.Join(c.Examples, "; ") + ")"
		}
	}
	return s
}

// Faithful reports whether every Dexcom reading on the span both cover is
// at ROOK with the same value.
func (c Comparison) Faithful() bool { return c.Missing == 0 && c.Differ == 0 }

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
	var want []Sample
	for _, s := range SamplesFromEGVs(egvs) {
		if in(s.At) {
			want = append(want, s)
		}
	}
	if day == nil {
		return cmp
	}
	have := day.Samples()
	cmp.ROOK = len(have)
	cmp.compareSpan(want, have)
	return cmp
}

// compareSpan counts, on the span both cover, Dexcom's readings that ROOK
// lacks or has with another value.
func (c *Comparison) compareSpan(want, have []Sample) {
	if len(want) == 0 || len(have) == 0 {
		return
	}
	got := map[int64]float64{}
	var rFrom, rTo time.Time
	for i, s := range have {
		got[s.At.Unix()] = s.MgDL
		if i == 0 || s.At.Before(rFrom) {
			rFrom = s.At
		}
		if i == 0 || s.At.After(rTo) {
			rTo = s.At
		}
	}
	twins := 0
	for _, w := range want {
		if _, ok := got[w.At.Unix()]; ok {
			twins++
		}
	}
	if c.Unrelated = twins*2 < len(got); c.Unrelated {
		return
	}
	slices.SortFunc(want, func(a, b Sample) int { return a.At.Compare(b.At) })
	c.From, c.To = latest(rFrom, want[0].At).UTC(), earliest(rTo, want[len(want)-1].At).UTC()
	for _, w := range want {
		v, ok := got[w.At.Unix()]
		switch {
		case ok && math.Abs(v-w.MgDL) <= 0.5:
			c.Matched++
			continue
		case w.At.Before(c.From) || w.At.After(c.To):
			continue
		case !ok:
			c.Missing++
			c.example(fmt.Sprintf("%s %.0f mg/dL missing", w.At.UTC().Format("15:04:05"), w.MgDL))
		default:
			c.Differ++
			c.example(fmt.Sprintf("%s Dexcom %.0f, ROOK %.0f mg/dL", w.At.UTC().Format("15:04:05"), w.MgDL, v))
		}
		c.Span++
	}
	c.Span += c.Matched
}

func (c *Comparison) example(s string) {
	if len(c.Examples) < 3 {
		c.Examples = append(c.Examples, s)
	}
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
