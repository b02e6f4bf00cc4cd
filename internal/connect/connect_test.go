package connect_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"golang.org/x/oauth2"
)

// world is a simulator on loopback with the demo app registered for a free
// loopback redirect URI.
type world struct {
	sim *sandbox.Server
	ep  dexcom.Endpoints
	app dexcom.App
}

func newWorld(t *testing.T, cfg sandbox.Config) *world { return newWorldTB(t, cfg) }

func newWorldB(b *testing.B) *world { return newWorldTB(b, sandbox.Config{}) }

func newWorldTB(t testing.TB, cfg sandbox.Config) *world {
	t.Helper()
	redirect, err := connect.FreeRedirectURI()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Apps = []sandbox.App{sandbox.DemoApp(redirect)}
	sim := sandbox.New(cfg)
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	ep, _ := dexcom.NewEndpoints(dexcom.Custom, ts.URL, "")
	return &world{sim: sim, ep: ep, app: dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: secret.New(sandbox.DemoClientSecret), RedirectURI: redirect}}
}

type saver struct {
	mu     sync.Mutex
	tokens []*oauth2.Token
	forgot int
}

func (s *saver) save(t *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = append(s.tokens, t)
	return nil
}

func (s *saver) last() *oauth2.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[len(s.tokens)-1]
}

func (w *world) check(s *saver, saved *oauth2.Token, open func(context.Context, string) error) *connect.Check {
	return &connect.Check{
		Endpoints: w.ep, Env: dexcom.Sandbox, App: w.app, Days: 1, HTTP: http.DefaultClient,
		Retry: &dexcom.Retry{Max: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond},
		Saved: saved, Save: s.save, Forget: func() error { s.forgot++; return nil },
		Login: connect.Login{Timeout: 10 * time.Second, Open: open},
	}
}

func mustNotLogIn(t *testing.T) func(context.Context, string) error {
	return func(context.Context, string) error {
		t.Error("a login was started though a saved one works")
		return errors.New("no")
	}
}

func TestCheckSuccessThenReuse(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{})
	s := &saver{}
	out, err := w.check(s, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !out.OK() || out.Reused || len(out.EGVs) < 200 || out.Device().Name() != "G7 on iOS" || out.DataRange.EGVs == nil {
		t.Fatalf("outcome: ok=%v reused=%v egvs=%d err=%v", out.OK(), out.Reused, len(out.EGVs), out.Err)
	}
	paths := []string{}
	for _, c := range out.Calls {
		if c.Status != 200 {
			t.Errorf("%s answered %d", c.Path, c.Status)
		}
		paths = append(paths, c.Path)
	}
	if got := strings.Join(paths, " "); got != "/v3/users/self/dataRange /v3/users/self/devices /v3/users/self/egvs /v3/users/self/events" {
		t.Errorf("calls: %s", got)
	}
	if len(s.tokens) != 1 {
		t.Fatalf("%d tokens saved", len(s.tokens))
	}
	// Second run: the saved login is reused, nobody logs in.
	out, err = w.check(s, s.last(), mustNotLogIn(t)).Run(context.Background())
	if err != nil || !out.OK() || !out.Reused {
		t.Fatalf("reuse: %v %+v", err, out)
	}
	if w.sim.Stats().TokenExchange != 1 {
		t.Errorf("%d code exchanges", w.sim.Stats().TokenExchange)
	}
}

func TestSavedLoginRefreshesWithRotation(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{})
	s := &saver{}
	if _, err := w.check(s, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser6", true)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := s.last()
	w.sim.ExpireAccessTokens()
	out, err := w.check(s, first, mustNotLogIn(t)).Run(context.Background())
	if err != nil || !out.OK() || !out.Reused {
		t.Fatalf("%v %+v", err, out)
	}
	if len(s.tokens) != 2 || s.last().RefreshToken == first.RefreshToken {
		t.Fatal("the rotated refresh token was not saved")
	}
	if w.sim.Stats().TokenRefresh != 1 {
		t.Errorf("%d refreshes", w.sim.Stats().TokenRefresh)
	}
}

func TestRefusedRefreshLogsInAgain(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{})
	s := &saver{}
	if _, err := w.check(s, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.sim.ExpireAccessTokens()
	w.sim.RevokeRefreshTokens()
	out, err := w.check(s, s.last(), sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !out.OK() || out.Reused || s.forgot != 1 {
		t.Fatalf("err=%v reused=%v forgot=%d", err, out.Reused, s.forgot)
	}
}

func TestDeniedLogin(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{})
	_, err := w.check(&saver{}, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", false)).Run(context.Background())
	if !errors.Is(err, connect.ErrDenied) {
		t.Fatalf("err = %v", err)
	}
}

func TestFaultsStillVerifyWithinRetryBounds(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{Faults: sandbox.Faults{RetryAfter: 0}})
	s := &saver{}
	w.sim.FailNext(429, 503, 500)
	out, err := w.check(s, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser2", true)).Run(context.Background())
	if err != nil || !out.OK() {
		t.Fatalf("%v %+v", err, out.Err)
	}
	statuses := []int{}
	for _, c := range out.Calls {
		statuses = append(statuses, c.Status)
	}
	if statuses[0] != 429 || statuses[1] != 503 || statuses[2] != 500 || statuses[3] != 200 {
		t.Fatalf("statuses %v", statuses)
	}
}

func TestForbiddenIsReported(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{})
	w.sim.FailNext(403)
	out, err := w.check(&saver{}, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if out.OK() || !errors.Is(out.Err, dexcom.ErrForbidden) || !strings.Contains(out.Hint(), "lacks access") {
		t.Fatalf("ok=%v err=%v hint=%q", out.OK(), out.Err, out.Hint())
	}
}

func TestWrongSecretIsExplained(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{})
	w.app.ClientSecret = secret.New("wrong")
	_, err := w.check(&saver{}, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refused the client ID or secret") {
		t.Fatalf("err = %v", err)
	}
}

// callback starts a callback server on a free port with a known state.
func callback(t *testing.T, state string) *connect.CallbackServer {
	t.Helper()
	s, err := connect.Listen("http://127.0.0.1:0/callback", state)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func hit(t *testing.T, method, rawURL, host string) int {
	t.Helper()
	req, _ := http.NewRequest(method, rawURL, nil)
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// escapes is what a forged callback might carry: a colour change, a screen
// clear, an OSC 8 hyperlink, an OSC 52 clipboard write, a bell, C1 controls.
const escapes = "\x1b[31mred\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x1b]52;c;cm0gLXJmIH4=\x07\u009b1m\r\nnext"

func TestCallbackOutcomes(t *testing.T) {
	t.Parallel()
	const state = "sandbox.abc"
	tests := []struct {
		name  string
		query url.Values
		want  error
	}{
		{"code missing", url.Values{"state": {state}}, connect.ErrMissingCode},
		{"denied", url.Values{"error": {"access_denied"}, "state": {state}}, connect.ErrDenied},
		{"error before code", url.Values{"error": {"access_denied"}, "code": {"c"}, "state": {state}}, connect.ErrDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := callback(t, state)
			if got := hit(t, "GET", s.RedirectURI()+"?"+tt.query.Encode(), ""); got != 400 {
				t.Errorf("page status %d", got)
			}
			_, err := s.Wait(context.Background(), 5*time.Second)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("other error, cleaned", func(t *testing.T) {
		s := callback(t, state)
		q := url.Values{"error": {"invalid_scope" + escapes}, "error_description": {"bad scope" + escapes + strings.Repeat("x", 1000)}, "state": {state}}
		hit(t, "GET", s.RedirectURI()+"?"+q.Encode(), "")
		_, err := s.Wait(context.Background(), 5*time.Second)
		var ae *connect.AuthError
		if !errors.As(err, &ae) || !strings.HasPrefix(ae.Code, "invalid_scope") || !strings.Contains(err.Error(), "bad scope") {
			t.Fatalf("err = %v", err)
		}
		if safetext.Has(err.Error()) || strings.ContainsAny(err.Error(), "\x1b\x07\u009b") {
			t.Fatalf("escapes kept: %q", err.Error())
		}
		if len(ae.Description) > 250 {
			t.Fatalf("description not cut short: %d bytes", len(ae.Description))
		}
	})
}

// TestCallbackIgnoresRequestsWithoutTheState: whatever a request without
// this login's state carries, it is answered 400 and the login keeps
// waiting; the real answer afterwards is taken.
func TestCallbackIgnoresRequestsWithoutTheState(t *testing.T) {
	t.Parallel()
	const state = "sandbox.abc"
	forged := []url.Values{
		{"error": {"access_denied"}},
		{"error": {"server_error" + escapes}, "error_description": {escapes}},
		{"error": {"access_denied"}, "state": {"sandbox.xyz"}},
		{"code": {"forged"}},
		{"code": {"forged"}, "state": {"sandbox.xyz"}},
		{"code": {"forged"}, "state": {"us.abc"}},
		{"code": {"forged"}, "state": {""}},
		{"code": {"forged"}, "state": {state, "sandbox.xyz"}},
		{"code": {"forged"}, "state": {"sandbox.xyz", state}},
		{},
	}
	s := callback(t, state)
	for _, q := range forged {
		if got := hit(t, "GET", s.RedirectURI()+"?"+q.Encode(), ""); got != http.StatusBadRequest {
			t.Errorf("%v: status %d, want 400", q, got)
		}
	}
	// A state differing only in case or with a byte appended is not ours either.
	for _, raw := range []string{"state=SANDBOX.ABC&code=x", "state=sandbox.abc%00&code=x", "state=sandbox.ab&code=x", "state=sandbox.abc;x&code=y"} {
		if got := hit(t, "GET", s.RedirectURI()+"?"+raw, ""); got != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", raw, got)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := s.Wait(ctx, time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a request without the state ended the wait: %v", err)
	}
}

func TestCallbackWaitsPastForgedRequests(t *testing.T) {
	t.Parallel()
	const state = "sandbox.abc"
	s := callback(t, state)
	done := make(chan error, 1)
	var code string
	go func() {
		c, err := s.Wait(context.Background(), 10*time.Second)
		code = c
		done <- err
	}()
	for _, q := range []string{"error=access_denied", "error=x" + url.QueryEscape(escapes), "code=forged", "code=forged&state=sandbox.xyz"} {
		if got := hit(t, "GET", s.RedirectURI()+"?"+q, ""); got != http.StatusBadRequest {
			t.Errorf("%s: %d", q, got)
		}
	}
	if got := hit(t, "GET", s.RedirectURI()+"?code=the-code&state="+state, ""); got != http.StatusOK {
		t.Fatalf("real callback: %d", got)
	}
	if err := <-done; err != nil || code != "the-code" {
		t.Fatalf("code %q err %v", code, err)
	}
}

// TestForgedCallbacksDoNotEndARealLogin runs a whole login against the
// simulator while forged callbacks arrive first: the login still succeeds.
func TestForgedCallbacksDoNotEndARealLogin(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{})
	login := sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)
	s := &saver{}
	open := func(ctx context.Context, loginURL string) error {
		for _, q := range []string{"error=access_denied", "error=server_error&error_description=" + url.QueryEscape(escapes),
			"code=forged", "code=forged&state=sandbox.wrong", "error=access_denied&state=sandbox.wrong"} {
			req, _ := http.NewRequestWithContext(ctx, "GET", w.app.RedirectURI+"?"+q, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("forged %s: %d", q, resp.StatusCode)
			}
		}
		return login(ctx, loginURL)
	}
	out, err := w.check(s, nil, open).Run(context.Background())
	if err != nil || !out.OK() {
		t.Fatalf("err=%v out=%+v", err, out)
	}
}

func TestCallbackRefusesStrayRequestsAndTakesOnlyTheFirst(t *testing.T) {
	t.Parallel()
	s := callback(t, "sandbox.abc")
	base := s.RedirectURI()
	u, _ := url.Parse(base)
	root := u.Scheme + "://" + u.Host
	good := base + "?code=the-code&state=sandbox.abc"
	if got := hit(t, "POST", good, ""); got != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", got)
	}
	if got := hit(t, "GET", root+"/favicon.ico", ""); got != http.StatusNotFound {
		t.Errorf("favicon: %d", got)
	}
	if got := hit(t, "GET", root+"/other?code=x&state=sandbox.abc", ""); got != http.StatusNotFound {
		t.Errorf("wrong path: %d", got)
	}
	if got := hit(t, "GET", good, "evil.example:80"); got != http.StatusBadRequest {
		t.Errorf("non-loopback Host: %d", got)
	}
	// None of those ended the attempt: the valid one is still accepted.
	if got := hit(t, "GET", good, ""); got != http.StatusOK {
		t.Fatalf("valid callback: %d", got)
	}
	if got := hit(t, "GET", good, ""); got != http.StatusConflict {
		t.Errorf("second valid hit: %d", got)
	}
	code, err := s.Wait(context.Background(), 5*time.Second)
	if err != nil || code != "the-code" {
		t.Fatalf("code %q err %v", code, err)
	}
	// The listener is gone afterwards.
	if _, err := net.DialTimeout("tcp", u.Host, 200*time.Millisecond); err == nil {
		t.Fatal("still listening after the login finished")
	}
}

func TestCallbackTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	s := callback(t, "x")
	if _, err := s.Wait(context.Background(), 50*time.Millisecond); !errors.Is(err, connect.ErrTimeout) {
		t.Fatalf("timeout: %v", err)
	}
	s = callback(t, "x")
	addr := s.Addrs()[0]
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if _, err := s.Wait(ctx, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
	if _, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
		t.Fatal("still listening after cancel")
	}
}

func TestPortInUseAndNonLoopback(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = connect.Listen("http://127.0.0.1:"+itoa(port)+"/callback", "s")
	if !errors.Is(err, connect.ErrPortInUse) || !strings.Contains(err.Error(), "register another redirect URI") {
		t.Fatalf("port in use: %v", err)
	}
	// localhost binds both loopbacks: a program holding only ::1 also blocks it.
	if ln6, err := net.Listen("tcp", "[::1]:0"); err == nil {
		defer ln6.Close()
		p6 := ln6.Addr().(*net.TCPAddr).Port
		if _, err := connect.Listen("http://localhost:"+itoa(p6)+"/callback", "s"); !errors.Is(err, connect.ErrPortInUse) {
			t.Fatalf("::1 taken: %v", err)
		}
	}
	for _, bad := range []string{"https://localhost:8765/callback", "http://example.com:8765/cb", "http://192.168.1.2:8765/cb",
		"http://localhost/callback", "myapp://callback", "http://localhost:8765/cb#frag"} {
		if _, err := connect.Listen(bad, "s"); !errors.Is(err, connect.ErrNotLoopback) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestLocalhostBindsBothLoopbacks(t *testing.T) {
	t.Parallel()
	redirect, _ := connect.FreeRedirectURI()
	port := strings.TrimSuffix(strings.TrimPrefix(redirect, "http://127.0.0.1:"), "/callback")
	s, err := connect.Listen("http://localhost:"+port+"/callback", "s")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addrs := strings.Join(s.Addrs(), " ")
	if !strings.Contains(addrs, "127.0.0.1:"+port) {
		t.Fatalf("addrs %s", addrs)
	}
	if ln6, err := net.Listen("tcp", "[::1]:0"); err == nil {
		ln6.Close()
		if !strings.Contains(addrs, "[::1]:"+port) {
			t.Fatalf("IPv6 loopback not bound: %s", addrs)
		}
	}
}

func TestLoginTimeout(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{})
	c := w.check(&saver{}, nil, func(context.Context, string) error { return connect.ErrShowURLOnly })
	c.Login.Timeout = 100 * time.Millisecond
	if _, err := c.Run(context.Background()); !errors.Is(err, connect.ErrTimeout) {
		t.Fatalf("err = %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestVerifyFetchesAtOnceWithinBounds: after dataRange, devices and every
// EGV and event window are fetched at the same time, never more than 4 in
// flight, and the calls are reported in a fixed order.
func TestVerifyFetchesAtOnceWithinBounds(t *testing.T) {
	t.Parallel()
	w := newWorld(t, sandbox.Config{Faults: sandbox.Faults{Latency: 100 * time.Millisecond}})
	c := w.check(&saver{}, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true))
	c.Days = 90
	out, err := c.Run(context.Background())
	if err != nil || !out.OK() {
		t.Fatalf("%v %v", err, out.Err)
	}
	if n := w.sim.Stats().MaxInFlight; n < 2 || n > 4 {
		t.Errorf("%d data calls in flight at once, want 2 to 4", n)
	}
	var paths []string
	for _, call := range out.Calls {
		paths = append(paths, strings.TrimPrefix(call.Path, "/v3/users/self/"))
	}
	want := "dataRange devices egvs egvs egvs events events events"
	if got := strings.Join(paths, " "); got != want {
		t.Fatalf("calls %q, want %q", got, want)
	}
	for i := 3; i < len(out.Calls); i++ {
		if out.Calls[i].Path == out.Calls[i-1].Path && out.Calls[i].Query < out.Calls[i-1].Query {
			t.Errorf("windows out of order: %s before %s", out.Calls[i-1].Query, out.Calls[i].Query)
		}
	}
}

// TestVerifyNarrowsWindowsToDataRange: with data ending two days ago and
// starting ten days ago, a 30-day check asks only for the span that exists,
// and finds every reading the whole window holds.
func TestVerifyNarrowsWindowsToDataRange(t *testing.T) {
	t.Parallel()
	now := time.Now().Truncate(time.Second) // one clock, so no reading arrives between calls
	clock := func() time.Time { return now }
	w := newWorld(t, sandbox.Config{Now: clock, History: 10 * 24 * time.Hour, UploadDelay: 48 * time.Hour})
	c := w.check(&saver{}, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true))
	c.Days, c.Now = 30, clock
	out, err := c.Run(context.Background())
	if err != nil || !out.OK() {
		t.Fatalf("%v %v", err, out.Err)
	}
	x := out.DataRange.EGVs
	want := url.Values{"startDate": {dexcom.FormatQueryTime(x.Start.SystemTime.Time)},
		"endDate": {dexcom.FormatQueryTime(x.End.SystemTime.Add(time.Second))}}.Encode()
	var egvCalls []string
	for _, call := range out.Calls {
		if call.Path == "/v3/users/self/egvs" {
			egvCalls = append(egvCalls, call.Query)
		}
	}
	if len(egvCalls) != 1 || egvCalls[0] != want {
		t.Fatalf("egv calls %v, want one with %s", egvCalls, want)
	}
	all, err := out.Client.EGVs(context.Background(), out.Window.Start, out.Window.End)
	if err != nil || len(all.Records) != len(out.EGVs) || len(all.Records) < 2000 {
		t.Fatalf("whole window %d readings, narrowed %d (%v)", len(all.Records), len(out.EGVs), err)
	}
}

// FreeRedirectURI picks ports below the ephemeral ranges, and holds each
// until the login's Listen takes it.
func TestFreeRedirectURIAvoidsEphemeralPorts(t *testing.T) {
	t.Parallel()
	taken := map[int]bool{}
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0") // what other programs get
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		taken[ln.Addr().(*net.TCPAddr).Port] = true
	}
	for range 50 {
		uri, err := connect.FreeRedirectURI()
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(uri)
		if err != nil || u.Hostname() != "127.0.0.1" || u.Path != "/callback" {
			t.Fatalf("FreeRedirectURI = %q", uri)
		}
		port, _ := strconv.Atoi(u.Port())
		if port < 1024 || port >= 32768 || taken[port] { // 32768: where Linux's ephemeral range starts
			t.Fatalf("port %d: privileged, ephemeral or taken", port)
		}
		// held for the login: no other program can bind it, the login can
		if ln, err := net.Listen("tcp", "127.0.0.1:"+u.Port()); err == nil {
			ln.Close()
			t.Fatalf("port %d is not held", port)
		}
		s, err := connect.Listen(uri, "s")
		if err != nil {
			t.Fatalf("port %d: %v", port, err)
		}
		s.Close()
	}
}
