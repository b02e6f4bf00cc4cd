package rook_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// stack starts both simulators with faults and stops them with the test.
func stack(t *testing.T, f rooksim.Faults) *rooksim.Stack {
	t.Helper()
	st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Faults: f}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

func client(t *testing.T, st *rooksim.Stack, mod func(*rook.Config)) *rook.Client {
	t.Helper()
	cfg := rook.Config{BaseURL: st.ROOK.URL, Timeout: 10 * time.Second,
		Credentials: rook.Credentials{ClientUUID: rooksim.DemoClientUUID, SecretKey: secret.New(rooksim.DemoSecretKey)},
		Sleep:       func(context.Context, time.Duration) error { return nil }}
	if mod != nil {
		mod(&cfg)
	}
	c, err := rook.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// landing is the client's page that ROOK's redirect_url points at; it
// records each arrival.
type landing struct {
	*httptest.Server
	mu   sync.Mutex
	hits []url.Values
}

func newLanding(t *testing.T) *landing {
	l := &landing{}
	l.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.hits = append(l.hits, r.URL.Query())
		l.mu.Unlock()
		_, _ = w.Write([]byte("back at the client"))
	}))
	t.Cleanup(l.Close)
	return l
}

func (l *landing) arrivals() []url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]url.Values(nil), l.hits...)
}

// browse walks the whole hop as a browser: the authorization URL's login
// page, Authorize for user, then every redirect (ROOK's callback, the
// client's redirect_url). It returns where the browser ended.
func browse(t *testing.T, authURL, user string) *http.Response {
	t.Helper()
	return browseWith(t, &http.Client{Timeout: 10 * time.Second}, authURL, user)
}

func browseWith(t *testing.T, hc *http.Client, authURL, user string) *http.Response {
	t.Helper()
	ctx := context.Background()
	loc, err := sandbox.LogIn(ctx, hc, authURL, user, true)
	if err != nil {
		t.Fatalf("Dexcom login: %v", err)
	}
	resp, err := hc.Get(loc.String()) // follows ROOK's callback and its redirect
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func expected(st *rooksim.Stack) rook.Expected {
	return rook.Expected{DexcomBase: st.Dexcom.URL, ClientID: sandbox.DemoClientID, RedirectURL: st.ROOK.RedirectURL()}
}

// ROOK's default: no redirect_url, the browser ends on ROOK's own page,
// and the client learns of the connection from the authorized list.
func TestWholeHopDexcomThroughROOK(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	c := client(t, st, nil)
	ctx := context.Background()

	a, err := c.AuthorizationLink(ctx, "user-1", "dexcom")
	if err != nil {
		t.Fatal(err)
	}
	if a.Authorized || a.AuthorizationURL == "" {
		t.Fatalf("authorizer = %+v, want a link", a)
	}
	if p := rook.InspectAuthorizationURL(ctx, http.DefaultClient, a.AuthorizationURL, expected(st)); p != nil {
		t.Fatalf("authorization URL: %v", p)
	}
	before, err := c.AuthorizedSources(ctx, "user-1")
	if err != nil || rook.IsAuthorized(before, rook.Dexcom) {
		t.Fatalf("before login: %v, %v", before, err)
	}

	// The user logs in while the client waits; each answer is reported.
	var progress []rook.WatchProgress
	var mu sync.Mutex
	done := make(chan error, 1)
	waiter := client(t, st, func(cfg *rook.Config) {
		cfg.Sleep = func(ctx context.Context, d time.Duration) error {
			select {
			case <-time.After(5 * time.Millisecond):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	})
	go func() {
		done <- waiter.WaitUntilAuthorized(ctx, "user-1", rook.Dexcom, rook.Watch{Every: time.Second, Timeout: time.Hour,
			Progress: func(p rook.WatchProgress) { mu.Lock(); progress = append(progress, p); mu.Unlock() }})
	}()
	resp := browse(t, a.AuthorizationURL, "SandboxUser7")
	if resp.StatusCode != 200 || resp.Request.URL.Path != rooksim.CallbackPath {
		t.Fatalf("browser ended at %s (%d), want ROOK's own page", resp.Request.URL, resp.StatusCode)
	}
	if err := <-done; err != nil {
		t.Fatalf("wait: %v", err)
	}
	mu.Lock()
	last := progress[len(progress)-1]
	mu.Unlock()
	if !last.Authorized || last.Attempt != len(progress) || progress[0].Authorized && len(progress) > 1 {
		t.Fatalf("progress %+v", progress)
	}
	again, err := c.Authorizer(ctx, "user-1", "Dexcom", "")
	if err != nil || !again.Authorized || again.AuthorizationURL != "" {
		t.Fatalf("authorizer when connected = %+v, %v", again, err)
	}
	for _, call := range c.Calls() {
		if call.Method == "" || call.Path == "" || call.Status == 0 {
			t.Errorf("call not recorded whole: %+v", call)
		}
	}

	// v1 path and shape, and the v2 flag spelt `authorized`, read the same.
	v1 := client(t, st, func(cfg *rook.Config) { cfg.AuthorizedV1 = true })
	if s, err := v1.AuthorizedSources(ctx, "user-1"); err != nil || !rook.IsAuthorized(s, "DEXCOM") {
		t.Fatalf("v1 authorized = %v, %v", s, err)
	}

	if err := c.Revoke(ctx, "user-1", rook.Dexcom); err != nil {
		t.Fatal(err)
	}
	if s, err := c.AuthorizedSources(ctx, "user-1"); err != nil || rook.IsAuthorized(s, rook.Dexcom) {
		t.Fatalf("after revoke: %v, %v", s, err)
	}
}

// The authorized list's flag is read as ROOK's changelog spells it
// (status, the simulator's default) and as SDKs read it (authorized).
func TestAuthorizedFlagEitherName(t *testing.T) {
	t.Parallel()
	for _, field := range []bool{false, true} {
		st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{AuthorizedField: field}})
		if err != nil {
			t.Fatal(err)
		}
		c := connected(t, st, "flag-user", "SandboxUser7")
		s, err := c.AuthorizedSources(context.Background(), "flag-user")
		st.Close()
		if err != nil || !rook.IsAuthorized(s, rook.Dexcom) || rook.IsAuthorized(s, "Oura") {
			t.Errorf("authorized field %v: %v, %v", field, s, err)
		}
	}
}

// With the Callback URL add-on, an https redirect_url of at most 50
// characters sends the browser back to the client.
func TestRedirectURLWithCallbackAddOn(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	c := client(t, st, nil)
	land := newLanding(t)
	a, err := c.Authorizer(context.Background(), "user-r", rook.Dexcom, land.URL+"/done")
	if err != nil {
		t.Fatal(err)
	}
	hc := land.Client()
	hc.Timeout = 10 * time.Second
	resp := browseWith(t, hc, a.AuthorizationURL, "SandboxUser7")
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/done" {
		t.Fatalf("browser ended at %s (%d), want the client's /done", resp.Request.URL, resp.StatusCode)
	}
	if hits := land.arrivals(); len(hits) != 1 || hits[0].Get("error") != "" {
		t.Fatalf("redirect_url arrivals = %v", hits)
	}
}

// A redirect_url ROOK's OpenAPI refuses is refused before sending, with
// the reason; the simulator refuses it too (422, ROOK's error shape).
func TestRedirectURLRule(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	c := client(t, st, nil)
	for _, bad := range []string{
		"http://127.0.0.1:8766/rook/connected/abcdefghijklmnop",
		"https://example.com/" + strings.Repeat("a", 40),
		"ftp://example.com/x",
	} {
		_, err := c.Authorizer(context.Background(), "u", rook.Dexcom, bad)
		if !errors.Is(err, rook.ErrRedirectURL) {
			t.Errorf("%s: %v, want ErrRedirectURL", bad, err)
		}
	}
	if len(c.Calls()) != 0 {
		t.Errorf("a refused redirect_url was sent: %+v", c.Calls())
	}
	if err := rook.ValidateRedirectURL("https://app.example.com/rook/done"); err != nil {
		t.Errorf("a good one refused: %v", err)
	}
	for _, tt := range []struct {
		redirect string
		status   int
	}{
		{"http://127.0.0.1:8766/rook/connected/abcdefghijklmnop", 422},
		{"https://example.com/" + strings.Repeat("a", 40), 422},
		{"https://example.com/done", 200},
	} {
		req, _ := http.NewRequest("GET", st.ROOK.URL+"/api/v1/user_id/u/data_source/Dexcom/authorizer?redirect_url="+url.QueryEscape(tt.redirect), nil)
		req.SetBasicAuth(rooksim.DemoClientUUID, rooksim.DemoSecretKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || tt.status == 422 && (body["exception"] == "" || body["path"] == "" || body["method"] != "GET" || body["error"] == "") {
			t.Errorf("simulator, %s: %d %v", tt.redirect, resp.StatusCode, body)
		}
	}
}

// ROOK's user_id rule is checked before any call, with a typed error
// naming the rule.
func TestUserIDRule(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	c := client(t, st, nil)
	ctx := context.Background()
	for _, bad := range []string{"", "a b", "user_1", "me@example.com", strings.Repeat("a", 51), "ü", "a/b"} {
		_, err := c.Authorizer(ctx, bad, rook.Dexcom, "")
		var ue *rook.UserIDError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), rook.UserIDRule) {
			t.Errorf("%q: %v", bad, err)
		}
		if _, err := c.AuthorizedSources(ctx, bad); !errors.As(err, &ue) {
			t.Errorf("%q, authorized list: %v", bad, err)
		}
	}
	if len(c.Calls()) != 0 {
		t.Errorf("a bad user id was sent: %+v", c.Calls())
	}
	for _, good := range []string{"a", "dexonboard-test-user", strings.Repeat("A9-", 16) + "xy"} {
		if err := rook.ValidateUserID(good); err != nil {
			t.Errorf("%q refused: %v", good, err)
		}
	}
}

// connected runs the hop for user and returns the client.
func connected(t *testing.T, st *rooksim.Stack, userID, sandboxUser string) *rook.Client {
	t.Helper()
	c := client(t, st, nil)
	a, err := c.Authorizer(context.Background(), userID, rook.Dexcom, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp := browse(t, a.AuthorizationURL, sandboxUser); resp.StatusCode != 200 {
		t.Fatalf("ROOK's callback answered %d", resp.StatusCode)
	}
	return c
}

// dexcomDirect logs sandboxUser in to the Dexcom simulator directly, as
// the direct check does, and returns a Dexcom client.
func dexcomDirect(t *testing.T, st *rooksim.Stack, sandboxUser string) *dexcom.Client {
	t.Helper()
	ctx := context.Background()
	ep, err := dexcom.NewEndpoints(dexcom.Custom, st.Dexcom.URL, dexcom.OAuthV2)
	if err != nil {
		t.Fatal(err)
	}
	app := dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: secret.New(sandbox.DemoClientSecret), RedirectURI: sandbox.DemoRedirectURI}
	cfg := dexcom.OAuthConfig(ep, app)
	loc, err := sandbox.LogIn(ctx, http.DefaultClient, cfg.AuthCodeURL("s"), sandboxUser, true)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, loc.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	return dexcom.NewClient(ep, dexcom.NewTokenSource(ctx, cfg, tok, nil))
}

func TestGlucosePullMatchesDexcomEGVs(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	c := connected(t, st, "user-g", "SandboxUser1") // a receiver: times without zone
	dc := dexcomDirect(t, st, "SandboxUser1")
	ctx := context.Background()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	sawLow, sawHigh := false, false
	for back := 1; back <= 14; back++ {
		day := today.AddDate(0, 0, -back)
		egvs, err := dc.EGVs(ctx, day, day.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		doc, found, err := c.BloodGlucose(ctx, "user-g", day.Format(rook.DateLayout))
		if err != nil || !found {
			t.Fatalf("%s: found=%v err=%v", day.Format(rook.DateLayout), found, err)
		}
		got := doc.Samples()
		if len(got) != len(egvs.Records) || len(got) == 0 {
			t.Fatalf("%s: ROOK has %d readings, Dexcom %d", day.Format(rook.DateLayout), len(got), len(egvs.Records))
		}
		for i, e := range egvs.Records {
			if e.Value == nil {
				t.Fatalf("reading %d has no value; this test wants documented answers", i)
			}
			want := math.Round(*e.Value)
			if !got[i].At.Equal(e.SystemTime.Time) || got[i].MgDL != want {
				t.Fatalf("%s reading %d: ROOK %v %v, Dexcom %v %v", day.Format(rook.DateLayout), i, got[i].At, got[i].MgDL, e.SystemTime.Time, want)
			}
			sawLow = sawLow || want == dexcom.ValueBelowRange
			sawHigh = sawHigh || want == dexcom.ValueAboveRange
		}
		if doc.UserID != "user-g" || doc.DataStructure != rook.BloodGlucoseStructure || doc.Date() != day.Format(rook.DateLayout) || doc.Dropped.Total() != 0 {
			t.Fatalf("document = user %q, structure %q, date %q, dropped %v", doc.UserID, doc.DataStructure, doc.Date(), doc.Dropped)
		}
	}
	if !sawLow || !sawHigh {
		t.Errorf("14 days without a LOW (%v) or a HIGH (%v): the comparison did not cover them", sawLow, sawHigh)
	}
	// A day in the future has nothing: 204.
	if _, found, err := c.BloodGlucose(ctx, "user-g", today.AddDate(0, 0, 3).Format(rook.DateLayout)); err != nil || found {
		t.Fatalf("future day: found=%v err=%v", found, err)
	}
}

func TestNoDataYetThenData(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{NoDataPolls: 2})
	c := connected(t, st, "user-p", "SandboxUser7")
	day := time.Now().UTC().AddDate(0, 0, -1).Format(rook.DateLayout)
	var founds []bool
	for range 3 {
		doc, found, err := c.BloodGlucose(context.Background(), "user-p", day)
		if err != nil {
			t.Fatal(err)
		}
		founds = append(founds, found && doc.Readings() > 0)
	}
	if founds[0] || founds[1] || !founds[2] {
		t.Fatalf("polls found %v, want 204, 204, then data", founds)
	}
}

func TestNotConnectedHasNoData(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	c := client(t, st, nil)
	ctx := context.Background()
	if _, err := c.Authorizer(ctx, "user-n", rook.Dexcom, ""); err != nil {
		t.Fatal(err)
	}
	if _, found, err := c.BloodGlucose(ctx, "user-n", time.Now().UTC().Format(rook.DateLayout)); err != nil || found {
		t.Fatalf("before connecting: found=%v err=%v", found, err)
	}
}

func TestTypedErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("bad ROOK credentials", func(t *testing.T) {
		st := stack(t, rooksim.Faults{})
		c := client(t, st, func(cfg *rook.Config) { cfg.Credentials.SecretKey = secret.New("not-the-key") })
		_, err := c.Authorizer(ctx, "u", rook.Dexcom, "")
		if !errors.Is(err, rook.ErrBadCredentials) {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "not-the-key") {
			t.Fatal("the error shows the secret")
		}
	})
	t.Run("Dexcom not enabled", func(t *testing.T) {
		st := stack(t, rooksim.Faults{DexcomDisabled: true})
		_, err := client(t, st, nil).Authorizer(ctx, "u", rook.Dexcom, "")
		if !errors.Is(err, rook.ErrDataSourceNotEnabled) || !strings.Contains(err.Error(), "not enabled") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		// Not documented [I]: by default a user with nothing connected.
		st := stack(t, rooksim.Faults{})
		c := client(t, st, nil)
		if s, err := c.AuthorizedSources(ctx, "never-seen"); err != nil || rook.IsAuthorized(s, rook.Dexcom) {
			t.Fatalf("authorized: %v %v", s, err)
		}
		if _, found, err := c.BloodGlucose(ctx, "never-seen", "2026-11-20"); err != nil || found {
			t.Fatalf("pull: %v %v", found, err)
		}
		// The 404 variant reads as ROOK documents 404, not as "unknown user".
		st404, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{UnknownUser404: true}})
		if err != nil {
			t.Fatal(err)
		}
		defer st404.Close()
		if _, err := client(t, st404, nil).AuthorizedSources(ctx, "never-seen"); !errors.Is(err, rook.ErrNotFound) {
			t.Fatalf("404 variant: %v", err)
		}
	})
	t.Run("wrong path is ROOK's 404 with its exception", func(t *testing.T) {
		st := stack(t, rooksim.Faults{})
		c := client(t, st, func(cfg *rook.Config) { cfg.BaseURL = st.ROOK.URL + "/wrong" })
		_, err := c.AuthorizedSources(ctx, "u")
		if !errors.Is(err, rook.ErrNotFound) || !strings.Contains(err.Error(), "The URL does not exist") || !strings.Contains(err.Error(), "wrong API host or path") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("malformed date", func(t *testing.T) {
		st := stack(t, rooksim.Faults{})
		c := client(t, st, nil)
		for _, d := range []string{"2026-13-01", "20-11-2026", "2026-11-20T00:00:00", ""} {
			if _, _, err := c.BloodGlucose(ctx, "u", d); !errors.Is(err, rook.ErrMalformedDate) {
				t.Errorf("%q: %v", d, err)
			}
		}
		if len(c.Calls()) != 0 {
			t.Errorf("a malformed date was sent: %v", c.Calls())
		}
		// The simulator refuses it too, as ROOK does (400).
		req, _ := http.NewRequest("GET", st.ROOK.URL+"/v2/processed_data/body_health/events/blood_glucose?user_id=u&date=2026-1-2", nil)
		req.SetBasicAuth(rooksim.DemoClientUUID, rooksim.DemoSecretKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 400 {
			t.Fatalf("simulator: %v %v", resp, err)
		}
		resp.Body.Close()
	})
	t.Run("unknown data source", func(t *testing.T) {
		st := stack(t, rooksim.Faults{})
		if _, err := client(t, st, nil).Authorizer(ctx, "u", "NoSuchWatch", ""); !errors.Is(err, rook.ErrDataSourceNotEnabled) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("slow", func(t *testing.T) {
		st := stack(t, rooksim.Faults{Latency: 5 * time.Second})
		c := client(t, st, func(cfg *rook.Config) { cfg.Timeout = 50 * time.Millisecond })
		_, err := c.Authorizer(ctx, "u", rook.Dexcom, "")
		var ne interface{ Timeout() bool }
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("err = %v, want a timeout", err)
		}
	})
}

func TestRetryOnceFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		faults rooksim.Faults
		want   []int
		waits  []time.Duration
	}{
		{"429 with Retry-After", rooksim.Faults{RateLimitOnce: true, RetryAfter: 7 * time.Second}, []int{429, 200}, []time.Duration{7 * time.Second}},
		{"503", rooksim.Faults{ServerErrorOnce: true}, []int{503, 200}, nil},
		{"429 then 503", rooksim.Faults{RateLimitOnce: true, ServerErrorOnce: true, RetryAfter: time.Second}, []int{429, 503, 200}, []time.Duration{time.Second}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := stack(t, tt.faults)
			var waits []time.Duration
			c := client(t, st, func(cfg *rook.Config) {
				cfg.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			})
			if _, err := c.Authorizer(ctx, "u", rook.Dexcom, ""); err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, call := range c.Calls() {
				got = append(got, call.Status)
			}
			if !equal(got, tt.want) {
				t.Fatalf("statuses %v, want %v", got, tt.want)
			}
			if len(waits) != len(tt.want)-1 {
				t.Fatalf("waited %v", waits)
			}
			for i, w := range tt.waits {
				if waits[i] != w {
					t.Errorf("wait %d = %v, want %v (Retry-After)", i, waits[i], w)
				}
			}
		})
	}
}

func TestRetryIsBounded(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 500, 503} {
		var n int
		var mu sync.Mutex
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			n++
			mu.Unlock()
			w.WriteHeader(status)
		}))
		c, err := rook.New(rook.Config{BaseURL: srv.URL, Credentials: rook.Credentials{ClientUUID: "u", SecretKey: secret.New("k")},
			Retry: &rook.Retry{Max: 2, BaseDelay: time.Millisecond}, Sleep: func(context.Context, time.Duration) error { return nil }})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Authorizer(context.Background(), "u", rook.Dexcom, "")
		srv.Close()
		want := rook.ErrServer
		if status == 429 {
			want = rook.ErrRateLimited
		}
		if !errors.Is(err, want) || n != 3 || len(c.Calls()) != 3 {
			t.Errorf("%d: err %v after %d attempts (%d recorded), want %v after 3", status, err, n, len(c.Calls()), want)
		}
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
