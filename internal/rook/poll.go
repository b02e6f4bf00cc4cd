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
		if err := w.pause(ctx, c.sleep); err != nil {
			return err
		}
		waited += w.Every
	}
}

// pause waits Every, or less when Wake closes (once: Wake is then
// forgotten).
func (w *Watch) pause(ctx context.Context, sleep func(context.Context, time.Duration) error) error {
	if w.Sleep != nil {
		sleep = w.Sleep
	}
	if w.Wake == nil {
		return sleep(ctx, w.Every)
	}
	wake := w.Wake
	pctx, cancel := context.WithCancel(ctx)
	woke, done := make(chan bool, 1), make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-wake:
			woke <- true
			cancel()
		case <-pctx.Done():
			woke <- false
		}
	}()
	err := sleep(pctx, w.Every)
	cancel()
	<-done
	if <-woke {
		w.Wake = nil
		return ctx.Err()
	}
	return err
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
