package dexcom_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"golang.org/x/oauth2"
)

// fixture is a simulator on a real loopback port and a client logged in to it.
type fixture struct {
	sim    *sandbox.Server
	ep     dexcom.Endpoints
	cfg    *oauth2.Config
	client *dexcom.Client
	saved  []*oauth2.Token
	waits  []time.Duration
	mu     sync.Mutex
}

func newFixture(t testing.TB, user string, cfg sandbox.Config, opts ...dexcom.Option) *fixture {
	t.Helper()
	sim := sandbox.New(cfg)
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	ep, err := dexcom.NewEndpoints(dexcom.Custom, ts.URL, dexcom.OAuthV2)
	if err != nil {
		t.Fatal(err)
	}
	app := dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: secret.New(sandbox.DemoClientSecret), RedirectURI: sandbox.DemoRedirectURI}
	f := &fixture{sim: sim, ep: ep, cfg: dexcom.OAuthConfig(ep, app)}
	ctx := context.Background()
	loc, err := sandbox.LogIn(ctx, ts.Client(), f.cfg.AuthCodeURL("st4te"), user, true)
	if err != nil {
		t.Fatal(err)
	}
	if loc.Query().Get("state") != "st4te" {
		t.Fatalf("state not echoed: %v", loc)
	}
	tok, err := f.cfg.Exchange(ctx, loc.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	src := dexcom.NewTokenSource(ctx, f.cfg, tok, func(t *oauth2.Token) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.saved = append(f.saved, t)
		return nil
	})
	sleep := func(_ context.Context, d time.Duration) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.waits = append(f.waits, d)
		return nil
	}
	f.client = dexcom.NewClient(ep, src, append([]dexcom.Option{dexcom.WithSleep(sleep)}, opts...)...)
	return f
}

func TestEveryEndpointAnswers200(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, user := range []string{"SandboxUser1", "SandboxUser5", "SandboxUser7"} {
		t.Run(user, func(t *testing.T) {
			// The simulator's clock stands still, and the window reaches past
			// it: the EGVs and dataRange then see the same newest reading. On
			// the wall clock a reading could appear between the two calls (or
			// between the test's now, cut to the second, and the server's).
			now := time.Now()
			f := newFixture(t, user, sandbox.Config{Now: func() time.Time { return now }})
			end := now.Add(time.Hour)
			start := now.Add(-7 * 24 * time.Hour)
			egvs, err := f.client.EGVs(ctx, start, end)
			if err != nil {
				t.Fatal(err)
			}
			// 7 days of 5-minute readings, less warm-ups and lost signal.
			if n := len(egvs.Records); n < 1500 || n > 2017 {
				t.Errorf("egvs: %d records for 7 days", n)
			}
			if egvs.UserID != sandbox.UserID(sandbox.DemoClientID, user) || egvs.RecordType != "egv" {
				t.Errorf("envelope: %+v", egvs.RecordType)
			}
			cals, err := f.client.Calibrations(ctx, start, end)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := f.client.Events(ctx, start, end)
			if err != nil {
				t.Fatal(err)
			}
			alerts, err := f.client.Alerts(ctx, start, end)
			if err != nil {
				t.Fatal(err)
			}
			devs, err := f.client.Devices(ctx)
			if err != nil {
				t.Fatal(err)
			}
			dr, err := f.client.DataRange(ctx, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			u, _ := sandbox.FindUser(user)
			if got := len(cals.Records) > 0; got != u.Calibrations {
				t.Errorf("calibrations present = %v, want %v", got, u.Calibrations)
			}
			if got := len(evs.Records) > 0; got != u.Events {
				t.Errorf("events present = %v, want %v", got, u.Events)
			}
			if len(alerts.Records) == 0 {
				t.Error("no alerts in 7 days")
			}
			if len(devs.Records) != 1 || devs.Records[0].DisplayDevice != u.DisplayDevice {
				t.Errorf("devices: %+v", devs.Records)
			}
			if dr.EGVs == nil || !dr.EGVs.End.SystemTime.Equal(egvs.Records[len(egvs.Records)-1].SystemTime.Time) {
				t.Errorf("dataRange egvs end %v, newest egv %v", dr.EGVs, egvs.Records[len(egvs.Records)-1].SystemTime)
			}
			for _, c := range f.client.Calls() {
				if c.Status != http.StatusOK {
					t.Errorf("call %s answered %d", c.Path, c.Status)
				}
			}
		})
	}
}

func TestNinetyDaysAreChunked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, "SandboxUser7", sandbox.Config{})
	end := time.Now().Truncate(time.Second)
	start := end.Add(-90 * 24 * time.Hour)
	all, err := f.client.EGVs(ctx, start, end)
	if err != nil {
		t.Fatal(err)
	}
	calls := f.client.Calls()
	if len(calls) != 3 {
		t.Fatalf("90 days took %d calls, want 3", len(calls))
	}
	for _, c := range calls {
		if !strings.Contains(c.Query, "startDate=") {
			t.Fatalf("call without dates: %+v", c)
		}
	}
	if f.sim.Stats().MaxWindowSeen > dexcom.MaxWindow {
		t.Errorf("a request spanned %v", f.sim.Stats().MaxWindowSeen)
	}
	seen := map[string]bool{}
	for i, e := range all.Records {
		if seen[e.RecordID] {
			t.Fatalf("duplicate %s", e.RecordID)
		}
		seen[e.RecordID] = true
		if i > 0 && e.At().Before(all.Records[i-1].At()) {
			t.Fatal("not sorted")
		}
		if e.At().Before(start) || !e.At().Before(end) {
			t.Fatalf("record outside window: %v", e.At())
		}
	}
	// Nothing missing: day-by-day fetches find exactly the same records.
	daily := 0
	for _, w := range dexcom.SplitWindows(start, end, 24*time.Hour) {
		part, err := f.client.EGVs(ctx, w.Start, w.End)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range part.Records {
			if !seen[e.RecordID] {
				t.Fatalf("chunked fetch missed %s at %v", e.RecordID, e.At())
			}
		}
		daily += len(part.Records)
	}
	if daily != len(all.Records) {
		t.Errorf("daily fetches found %d, chunked %d", daily, len(all.Records))
	}
}

func TestSplitWindows(t *testing.T) {
	t.Parallel()
	s := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ws := dexcom.SplitWindows(s, s.Add(61*24*time.Hour), dexcom.MaxWindow)
	if len(ws) != 3 || !ws[0].Start.Equal(s) || !ws[2].End.Equal(s.Add(61*24*time.Hour)) || ws[2].End.Sub(ws[2].Start) != 24*time.Hour {
		t.Fatalf("windows: %+v", ws)
	}
	for i := 1; i < len(ws); i++ {
		if !ws[i].Start.Equal(ws[i-1].End) {
			t.Fatal("gap between windows")
		}
	}
}

func TestErrorClasses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	day := 24 * time.Hour
	tests := []struct {
		name   string
		cfg    sandbox.Config
		forced []int
		want   error
		hint   string
	}{
		{"400 window too long", sandbox.Config{MaxWindow: day}, nil, dexcom.ErrBadRequest, "at most 30 days"},
		{"403 forbidden", sandbox.Config{}, []int{403}, dexcom.ErrForbidden, "lacks access"},
		{"429 beyond retries", sandbox.Config{}, []int{429, 429, 429, 429}, dexcom.ErrRateLimited, "rate limit"},
		{"5xx beyond retries", sandbox.Config{}, []int{503, 503, 503, 503}, dexcom.ErrServer, "503 Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "SandboxUser6", tt.cfg)
			f.sim.FailNext(tt.forced...)
			_, err := f.client.EGVs(ctx, time.Now().Add(-2*day), time.Now())
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.hint) {
				t.Errorf("error %q lacks %q", err, tt.hint)
			}
		})
	}
}

func TestRetriesRecoverWithinBounds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, "SandboxUser7", sandbox.Config{Faults: sandbox.Faults{RetryAfter: 2 * time.Second}})
	f.sim.FailNext(429, 503, 502)
	egvs, err := f.client.EGVs(ctx, time.Now().Add(-3*time.Hour), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(egvs.Records) == 0 {
		t.Fatal("no data after retries")
	}
	calls := f.client.Calls()
	wantStatus := []int{429, 503, 502, 200}
	if len(calls) != len(wantStatus) {
		t.Fatalf("calls: %+v", calls)
	}
	for i, c := range calls {
		if c.Status != wantStatus[i] || c.Attempt != i+1 {
			t.Errorf("call %d: status %d attempt %d", i, c.Status, c.Attempt)
		}
	}
	if f.waits[0] != 2*time.Second {
		t.Errorf("Retry-After not honoured: waited %v", f.waits[0])
	}
	// Backoff without Retry-After: base 0.5 s doubling, ±50% jitter.
	if w := f.waits[1]; w < 500*time.Millisecond || w > 1500*time.Millisecond {
		t.Errorf("second wait %v outside [0.5s, 1.5s]", w)
	}
	if w := f.waits[2]; w < time.Second || w > 3*time.Second {
		t.Errorf("third wait %v outside [1s, 3s]", w)
	}
}

func TestRandomFaultsStillVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, "SandboxUser2", sandbox.Config{Seed: 7, Faults: sandbox.Faults{RateLimit: 0.2, ServerErrors: 0.1, ExpireTokens: 0.05}})
	for i := 0; i < 5; i++ {
		if _, err := f.client.EGVs(ctx, time.Now().Add(-24*time.Hour), time.Now()); err != nil {
			t.Fatalf("fetch %d: %v", i, err)
		}
	}
	if f.sim.Stats().Faults == 0 {
		t.Fatal("no fault was injected")
	}
}

func TestExpiredTokenRefreshesOnceAndRotates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, "SandboxUser7", sandbox.Config{})
	before := f.client.Tokens().Current().RefreshToken
	f.sim.ExpireAccessTokens()
	if _, err := f.client.Devices(ctx); err != nil {
		t.Fatal(err)
	}
	calls := f.client.Calls()
	if len(calls) != 2 || calls[0].Status != 401 || calls[1].Status != 200 {
		t.Fatalf("calls: %+v", calls)
	}
	if len(f.saved) != 1 || f.saved[0].RefreshToken == before || f.saved[0].RefreshToken == "" {
		t.Fatalf("rotated token not saved: %d saves", len(f.saved))
	}
	// The old refresh token no longer works: rotation invalidated it.
	_, err := f.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: before}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("old refresh token: %v", err)
	}
}

func TestRefusedRefreshNeedsNewLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, "SandboxUser7", sandbox.Config{})
	f.sim.ExpireAccessTokens()
	f.sim.RevokeRefreshTokens()
	_, err := f.client.Devices(ctx)
	if !errors.Is(err, dexcom.ErrLoginExpired) {
		t.Fatalf("err = %v", err)
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "SandboxUser7", sandbox.Config{Faults: sandbox.Faults{Latency: 300 * time.Millisecond}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := f.client.Devices(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestNonJSONErrorBodyStaysReadable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>\n<body>  upstream   timed out </body></html>"))
	}))
	defer srv.Close()
	ep, _ := dexcom.NewEndpoints(dexcom.Custom, srv.URL, "")
	src := dexcom.NewTokenSource(context.Background(), &oauth2.Config{}, &oauth2.Token{AccessToken: "x"}, nil)
	c := dexcom.NewClient(ep, src, dexcom.WithRetry(dexcom.Retry{Max: 0}))
	_, err := c.Devices(context.Background())
	if err == nil || !strings.Contains(err.Error(), "<html> <body> upstream timed out </body></html>") {
		t.Fatalf("err = %v", err)
	}
}
