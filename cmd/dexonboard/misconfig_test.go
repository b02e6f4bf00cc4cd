package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// The twelve onboarding misconfigurations, each through the real check
// command against both simulators: one run names the cause and its fix.
// Each run has a minute (the bound the issue sets); a path too slow for it
// shows as the run's context ending, not as a timed assertion.

// misconfigWorld is both simulators, a free loopback redirect URI
// registered in the Dexcom app (for --via both), and how the test user's
// browser behaves.
type misconfigWorld struct {
	st       *rooksim.Stack
	loopback string
	browse   func(context.Context, string) error
	sleep    func(context.Context, time.Duration) error
	key      string // $ROOK_SECRET_KEY
	hashKey  string // $ROOK_HASH_KEY
}

func newMisconfigWorld(t *testing.T, cfg rooksim.StackConfig) *misconfigWorld {
	t.Helper()
	// Held until the check's callback server takes it (--via both), so no
	// parallel test's listener can take it first.
	loopback, err := connect.FreeRedirectURI()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { connect.Release(loopback) })
	if len(cfg.Dexcom.Apps) == 0 {
		cfg.Dexcom.Apps = []sandbox.App{sandbox.DemoApp(sandbox.DemoRedirectURI)}
	}
	cfg.Dexcom.Apps[0].RedirectURIs = append(cfg.Dexcom.Apps[0].RedirectURIs, loopback)
	st, err := rooksim.StartStack(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return &misconfigWorld{st: st, loopback: loopback, key: rooksim.DemoSecretKey,
		browse: sandbox.Autopilot(&http.Client{Timeout: 10 * time.Second}, "SandboxUser7", true),
		sleep:  func(context.Context, time.Duration) error { return nil }}
}

// run runs check through ROOK (args add to or override it) within a minute.
func (w *misconfigWorld) run(t *testing.T, args ...string) (result, checkOut) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ios, _, out, errOut := iostreams.Test()
	e := &env{ios: ios, prompt: &fakePrompter{}, sleep: w.sleep, browse: w.browse, secrets: secretLookup{
		"ROOK_SECRET_KEY": w.key, "DEXCOM_CLIENT_SECRET": w.st.Apps[0].ClientSecret, "ROOK_HASH_KEY": w.hashKey}}
	base := []string{"check", "--via", "rook", "--json", "--api-base", w.st.Dexcom.URL, "--rook-api-base", w.st.ROOK.URL,
		"--rook-client-uuid", rooksim.DemoClientUUID, "--client-id", sandbox.DemoClientID, "--redirect-uri", w.loopback,
		"--rook-redirect-url", w.st.ROOK.RedirectURL(), "--rook-user-id", "misconfig-user", "--timeout", "45s"}
	code := runWith(ctx, e, append(base, args...))
	if ctx.Err() != nil {
		t.Fatalf("the check did not end within a minute: %s", errOut.String())
	}
	r := result{code, out.String(), errOut.String()}
	if r.out == "" {
		return r, checkOut{}
	}
	return r, decodeCheck(t, r.out)
}

// named asserts the ROOK leg failed at stage, exit 6, naming cause and fix.
func named(t *testing.T, r result, c checkOut, stage string, cause, fix []string) {
	t.Helper()
	if r.code != exitROOK || c.OK || c.ROOK == nil || c.ROOK.OK {
		t.Fatalf("exit %d, want %d: %s %s", r.code, exitROOK, r.out, r.errOut)
	}
	if c.ROOK.FailedStage != stage {
		t.Fatalf("failed stage %q, want %q: %s", c.ROOK.FailedStage, stage, c.ROOK.Error)
	}
	t.Logf("cause: %s\nfix: %s", c.ROOK.Error, c.ROOK.Fix)
	for _, s := range cause {
		if !strings.Contains(c.ROOK.Error, s) {
			t.Errorf("cause %q lacks %q", c.ROOK.Error, s)
		}
	}
	for _, s := range fix {
		if !strings.Contains(c.ROOK.Fix, s) {
			t.Errorf("fix %q lacks %q", c.ROOK.Fix, s)
		}
	}
	if strings.Contains(r.out+r.errOut, rooksim.DemoSecretKey) || strings.Contains(r.out+r.errOut, sandbox.DemoClientSecret) {
		t.Error("a secret was printed")
	}
}

func faults(f rooksim.Faults) rooksim.StackConfig {
	return rooksim.StackConfig{ROOK: rooksim.Config{Faults: f}}
}

// 1, 3, 4, 5, 6, 7: found before or without the login.
func TestMisconfigNamedBeforeTheLogin(t *testing.T) {
	t.Parallel()
	hook500 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
	t.Cleanup(hook500.Close) // after the parallel subtests
	for _, tt := range []struct {
		name       string
		cfg        rooksim.StackConfig
		key        string
		args       []string
		stage      string
		cause, fix []string
	}{
		{name: "1 wrong Client ID at ROOK", cfg: faults(rooksim.Faults{WrongClientID: true}), stage: "authorization_url",
			cause: []string{"ROOK holds Client ID '", "Step 3 has '" + sandbox.DemoClientID + "'"}, fix: []string{"ask your CSE to correct it (Step 4)"}},
		{name: "3 Redirect URL not registered at Dexcom", cfg: faults(rooksim.Faults{RedirectNotRegistered: true}), stage: "authorization_url",
			cause: []string{"invalid redirect_uri"}, fix: []string{"paste ROOK's Redirect URL into your Dexcom app (Step 5)"}},
		{name: "4 handed Redirect URL differs from ROOK's", args: []string{"--rook-redirect-url", "http://127.0.0.1:9/api/v1/oauth/dexcom/callback"},
			stage: "authorization_url", cause: []string{"ROOK sends Dexcom the Redirect URL '", "Step 4 has 'http://127.0.0.1:9/"},
			fix: []string{"paste the Redirect URL your CSE sent into Step 4"}},
		{name: "5 Dexcom not enabled at ROOK", cfg: faults(rooksim.Faults{DexcomDisabled: true}), stage: "authorizer",
			cause: []string{"Dexcom is not enabled for your ROOK client"}, fix: []string{"enable the Dexcom button"}},
		{name: "6 bad ROOK credentials", key: "rook-not-the-key-0000", stage: "authorizer",
			cause: []string{"ROOK refused the client UUID and secret key"}, fix: []string{"ROOK's client portal, sandbox environment"}},
		{name: "7 webhook answers 500", args: []string{"--webhook-url", hook500.URL}, stage: "webhook",
			cause: []string{"answered 500, not 200"}, fix: []string{"answer 200"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newMisconfigWorld(t, tt.cfg)
			if tt.key != "" {
				w.key = tt.key
			}
			r, c := w.run(t, tt.args...)
			named(t, r, c, tt.stage, tt.cause, tt.fix)
		})
	}
}

// 2: a wrong Client Secret at ROOK, whatever ROOK shows after the login
// went through at Dexcom: its own code, the OAuth code it relays, or a
// page that names no cause. On main only the first was named; the other
// two waited the whole --timeout and told the user to log in again.
func TestMisconfigWrongSecretAtROOK(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		how  rooksim.ExchangeFailure
		seen string
	}{
		{"own code", rooksim.RelayOwnCode, "token_exchange_failed"},
		{"invalid_client", rooksim.RelayOAuthCode, "invalid_client"},
		{"a page naming no cause", rooksim.Silent, "after the login went through at Dexcom"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newMisconfigWorld(t, rooksim.StackConfig{ROOK: rooksim.Config{Faults: rooksim.Faults{WrongSecret: true}, ExchangeFailure: tt.how}})
			// The wait after the login is bounded by the login's own.
			r, c := w.run(t, "--timeout", "3s")
			named(t, r, c, "browser",
				[]string{"ROOK could not exchange the code: the Client Secret ROOK holds is most likely wrong", tt.seen},
				[]string{"ask your CSE to replace the Client Secret ROOK holds (Step 4)", "(Step 3)"})
		})
	}
}

// 2 and 12 in a real browser: dexonboard sees only ROOK's list, so the
// bounded wait ends with the possible causes, deny and the Client Secret
// among them. On main it said only to log in and press Authorize.
func TestMisconfigRealBrowserWaitNamesCauses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		cfg       rooksim.StackConfig
		authorize bool
	}{
		{"denied", rooksim.StackConfig{}, false},
		{"wrong secret, silent", rooksim.StackConfig{ROOK: rooksim.Config{Faults: rooksim.Faults{WrongSecret: true}, ExchangeFailure: rooksim.Silent}}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newMisconfigWorld(t, tt.cfg)
			var wg sync.WaitGroup
			defer wg.Wait()
			w.browse = func(ctx context.Context, u string) error {
				wg.Add(1)
				go func() { // the person, in a browser dexonboard does not see
					defer wg.Done()
					_ = sandbox.Autopilot(&http.Client{Timeout: 10 * time.Second}, "SandboxUser7", tt.authorize)(context.WithoutCancel(ctx), u)
				}()
				return connect.ErrShowURLOnly
			}
			r, c := w.run(t, "--timeout", "3s")
			named(t, r, c, "browser", []string{"ROOK did not report Dexcom connected for misconfig-user within 3s"},
				[]string{"did not finish the login", "pressed Deny", "the Client Secret ROOK holds is wrong"})
		})
	}
}

// 12: login denied, with the page the browser ended on read.
func TestMisconfigLoginDenied(t *testing.T) {
	t.Parallel()
	w := newMisconfigWorld(t, rooksim.StackConfig{})
	w.browse = sandbox.Autopilot(&http.Client{Timeout: 10 * time.Second}, "SandboxUser7", false)
	r, c := w.run(t)
	named(t, r, c, "browser", []string{"login denied", "access_denied"}, []string{"press Authorize"})
}

// 8: a webhook that never answers, or refuses the connection, is named in
// plain words, and probed alongside the login: this browser logs in only
// once the probe has reached the webhook. On main the probe came after
// the login, so the browser gave up and the run failed at the login.
func TestMisconfigWebhookSilentOrRefused(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	var once sync.Once
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(arrived) })
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hang.Close()
	defer close(release)
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + refused.Addr().String() + "/hook"
	refused.Close()

	t.Run("never answers", func(t *testing.T) {
		w := newMisconfigWorld(t, rooksim.StackConfig{})
		walk := w.browse
		w.browse = func(ctx context.Context, u string) error {
			select {
			case <-arrived:
			case <-time.After(20 * time.Second):
				return errors.New("the webhook was not probed while the login was under way")
			}
			return walk(ctx, u)
		}
		r, c := w.run(t, "--webhook-url", hang.URL, "--webhook-timeout", "2s")
		named(t, r, c, "webhook", []string{"did not answer within 2s"}, []string{"reachable", "answers within a few seconds"})
		if strings.Contains(r.out, "context deadline exceeded") || strings.Contains(r.out, "Client.Timeout") {
			t.Errorf("Go's words reached the report: %s", r.out)
		}
	})
	t.Run("refused", func(t *testing.T) {
		w := newMisconfigWorld(t, rooksim.StackConfig{})
		r, c := w.run(t, "--webhook-url", refusedURL)
		named(t, r, c, "webhook", []string{"nothing accepts connections at " + refused.Addr().String(), "connection refused"}, []string{"reachable"})
	})
}

// 9: no data yet: every day asked newest first in rounds, the wait bounded
// in all and shown as it goes. The waits are counted, not slept: on main
// they came to 8 polls x 3 days (361 s) with nothing shown.
func TestMisconfigNoDataYet(t *testing.T) {
	t.Parallel()
	w := newMisconfigWorld(t, faults(rooksim.Faults{NoDataPolls: 1 << 20}))
	var mu sync.Mutex
	var waited time.Duration
	w.sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		waited += d
		mu.Unlock()
		return nil
	}
	r, c := w.run(t)
	named(t, r, c, "glucose", []string{"ROOK has no blood glucose for misconfig-user in the last 3 days yet"}, []string{"wait a few minutes"})
	if waited > time.Minute {
		t.Errorf("waited %s for first data in all, want at most a minute", waited)
	}
	if !strings.Contains(r.errOut, "ROOK: no blood glucose yet (asked every day, newest first, 1 time") ||
		!strings.Contains(r.errOut, "of at most 30s") {
		t.Errorf("no progress shown: %s", r.errOut)
	}
	// Newest day first: the first three pulls are today, yesterday and the day before.
	var dates []string
	for _, d := range c.ROOK.Glucose {
		dates = append(dates, d.Date)
	}
	today := time.Now().UTC()
	if len(dates) != 3 || (dates[0] != today.Format("2006-01-02") && dates[0] != today.Add(-time.Minute).Format("2006-01-02")) {
		t.Errorf("days asked: %v", dates)
	}
}

// 10: ROOK's data differs from Dexcom's: on the span both cover every
// Dexcom reading must be at ROOK with the same value; the leg fails (exit
// 6) saying how many are missing or differ, with the first three. On main
// --via both exited 0 with ok true.
func TestMisconfigROOKDataDiffers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		f    rooksim.Faults
		want string
	}{
		{"readings missing", rooksim.Faults{DropEvery: 3}, "mg/dL missing"},
		{"values changed", rooksim.Faults{ChangeEvery: 2}, "Dexcom "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newMisconfigWorld(t, faults(tt.f))
			r, c := w.run(t, "--via", "both")
			named(t, r, c, "compare", []string{"ROOK's data differs from Dexcom's", "UTC, ", tt.want, "(first: "},
				[]string{"send this report to your CSE"})
			cmp := c.ROOK.Comparison
			if cmp == nil || cmp.Summary == "" || strings.Count(c.ROOK.Error, ";") < 3 {
				t.Errorf("comparison %+v, cause %q: want the counts and three examples", cmp, c.ROOK.Error)
			}
		})
	}
	// The good chain still passes --via both.
	w := newMisconfigWorld(t, rooksim.StackConfig{})
	if r, c := w.run(t, "--via", "both"); r.code != 0 || !c.OK {
		t.Fatalf("healthy --via both: exit %d: %s %s", r.code, r.out, r.errOut)
	}
	// Two different test users (one per leg) are not ROOK's fault: the
	// comparison says so and judges nothing.
	w = newMisconfigWorld(t, rooksim.StackConfig{})
	users := []string{"SandboxUser1", "SandboxUser7"}
	w.browse = func(ctx context.Context, u string) error {
		user := users[0]
		users = users[1:]
		return sandbox.Autopilot(&http.Client{Timeout: 10 * time.Second}, user, true)(ctx, u)
	}
	r, c := w.run(t, "--via", "both")
	if r.code != 0 || c.ROOK.Comparison == nil || !strings.Contains(c.ROOK.Comparison.Summary, "not the same user's") {
		t.Fatalf("two users: exit %d: %s", r.code, r.out)
	}
}

// 11: sandbox and production mixed: ROOK's authorization URL sends a
// sandbox track's users to Dexcom production (ROOK's sandbox set up with
// the production app, or the sandbox app checked through ROOK's
// production), or a production track's to Dexcom's sandbox. On main the
// cause named only the two hosts.
func TestMisconfigSandboxProductionMix(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, host string
		args       []string
		cause, fix []string
	}{
		{"sandbox track, ROOK's sandbox at Dexcom production", "https://api.dexcom.com", nil,
			[]string{"sandbox and production are mixed", "ROOK's sandbox environment sends users to Dexcom production (https://api.dexcom.com)", "this is the sandbox track"},
			[]string{"your sandbox app's Client ID and Secret"}},
		{"sandbox app through ROOK's production", "https://api.dexcom.com", []string{"--rook-env", "production"},
			[]string{"sandbox and production are mixed", "ROOK's production environment sends users to Dexcom production", "this is the sandbox track"},
			[]string{"check the sandbox track against ROOK's sandbox environment"}},
		{"production track, ROOK at Dexcom's sandbox", "https://sandbox-api.dexcom.com", []string{"--env", "us"},
			[]string{"sandbox and production are mixed", "sends users to Dexcom's sandbox (https://sandbox-api.dexcom.com)", "this is the production track"},
			[]string{"your production app's Client ID and Secret"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newMisconfigWorld(t, faults(rooksim.Faults{DexcomHost: tt.host}))
			r, c := w.run(t, tt.args...)
			named(t, r, c, "authorization_url", tt.cause, tt.fix)
		})
	}
}
