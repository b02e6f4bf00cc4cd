package service

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/vault"
	"golang.org/x/oauth2"
)

// connected is newSession with the credentials stored and a login saved by
// step 6's check; the profile holds no check result yet.
func connected(t *testing.T) *Session {
	t.Helper()
	s := newSession(t)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	c, err := s.CheckOf(s.Browse)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := c.Run(context.Background()); err != nil || !res.OK() {
		t.Fatalf("check: %v %+v", err, res)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRecheckAfterAQueuedProfileSave: the wizard queued a save of the
// profile (its command not run yet) and the client list, holding the
// profile as it read it before, rechecks it. Whenever the queued save then
// runs, the vault ends with the newer write, the recheck's result, built on
// the wizard's change rather than over it.
func TestRecheckAfterAQueuedProfileSave(t *testing.T) {
	t.Parallel()
	s := connected(t)
	listed, err := s.Vault.Profile("Acme Health") // what the client list shows
	if err != nil {
		t.Fatal(err)
	}
	s.App().Name = "Acme sandbox"
	queued := s.ProfileSaver()
	lc, err := s.Recheck(context.Background(), listed)
	if err != nil || !lc.OK {
		t.Fatalf("recheck: %v %+v", err, lc)
	}
	if err := queued(); err != nil { // Bubble Tea runs the command late
		t.Fatal(err)
	}
	s.DrainSaves()
	p, err := s.Vault.Profile("Acme Health")
	if err != nil {
		t.Fatal(err)
	}
	if p.LastCheck == nil || p.LastCheck.Summary != lc.Summary {
		t.Fatalf("the recheck's result was overwritten by the older queued save: %+v", p.LastCheck)
	}
	if got := p.App(dexcom.Sandbox).Name; got != "Acme sandbox" {
		t.Fatalf("the wizard's change was lost: app name %q", got)
	}
}

// TestRefusedLoginForgottenThenNewOneSaved: a session's check that finds
// the saved login refused forgets it and logs in again; through the queue,
// the forget stays before the new token, which is what the vault keeps.
func TestRefusedLoginForgottenThenNewOneSaved(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	stale := &oauth2.Token{AccessToken: "old", RefreshToken: "refused-refresh-token", Expiry: time.Now().Add(-time.Hour)}
	if err := s.Vault.SaveToken(s.Profile.ID, dexcom.Sandbox, stale); err != nil {
		t.Fatal(err)
	}
	c, err := s.CheckOf(s.Browse)
	if err != nil {
		t.Fatal(err)
	}
	c.ReuseLogin = true
	res, err := c.Run(context.Background())
	if err != nil || !res.OK() || res.Outcome.Reused {
		t.Fatalf("check: %v %+v", err, res.Report)
	}
	s.DrainSaves()
	tok, err := s.Vault.Token(s.Profile.ID, dexcom.Sandbox)
	if err != nil || tok == nil || tok.RefreshToken == stale.RefreshToken {
		t.Fatalf("the new login is not what the vault keeps: %v %+v", err, tok)
	}
}

// TestQuitAsARefreshedTokenArrives: the client list rechecks a profile
// whose saved login has expired, and the wizard quits (Close) at the
// moment the refresh answer arrives. The simulator,
// like Dexcom, rotates refresh tokens: the vault must keep the new one,
// every time, or the saved login is gone.
func TestQuitAsARefreshedTokenArrives(t *testing.T) {
	t.Parallel()
	runs := 50
	if testing.Short() {
		runs = 10
	}
	for run := range runs {
		s := connected(t)
		id, path := s.Profile.ID, s.Vault.Path()
		old, err := s.Vault.Token(id, dexcom.Sandbox)
		if err != nil || old == nil {
			t.Fatal(err)
		}
		old.Expiry = time.Now().Add(-time.Hour)
		if err := s.Vault.SaveToken(id, dexcom.Sandbox, old); err != nil {
			t.Fatal(err)
		}
		listed, err := s.Vault.Profile("Acme Health")
		if err != nil {
			t.Fatal(err)
		}
		tok := sandbox.NewTokenGate(nil)
		s.HTTP = &http.Client{Transport: tok}
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.Recheck(context.Background(), listed) // its own write may come after the close
		}()
		select {
		case <-tok.Arrived():
		case <-done:
			t.Fatalf("run %d: the recheck did not refresh the login", run)
		}
		closed := make(chan error, 1)
		go func() { closed <- s.Close() }() // quit while the answer is on its way
		tok.Release()
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		<-done

		v, err := vault.Open(path, []byte("violet-anchor-mosaic-7-tundra"), vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		saved, err := v.Token(id, dexcom.Sandbox)
		v.Close()
		if err != nil || saved == nil || saved.RefreshToken == old.RefreshToken {
			t.Fatalf("run %d: the refreshed login is not in the vault, only the used-up one (%v)", run, err)
		}
	}
}

// TestAFailedTokenAnswerDoesNotHoldTheQuit: the token endpoint answers 200
// with a body that is no token. The check fails, and Close must not wait
// for a token that will never be queued.
func TestAFailedTokenAnswerDoesNotHoldTheQuit(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	s.HTTP = &http.Client{Transport: garbledTokens{http.DefaultTransport}}
	c, err := s.CheckOf(s.Browse)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Run(context.Background())
	if err != nil || res.Err == nil {
		t.Fatalf("a garbled token answer was taken: %v %+v", err, res)
	}
	drained := make(chan struct{})
	go func() { s.Close(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(time.Minute): // a safety net: it returns at once or never
		t.Fatal("Close waits for a token that never came")
	}
}

// garbledTokens answers every token request with 200 and no token.
type garbledTokens struct{ base http.RoundTripper }

func (g garbledTokens) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.base.RoundTrip(req)
	if err == nil && strings.HasSuffix(req.URL.Path, "/oauth2/token") {
		resp.Body.Close()
		resp.StatusCode, resp.Body = http.StatusOK, io.NopCloser(strings.NewReader(`{"error":"none"}`))
		resp.Header.Set("Content-Type", "application/json")
		resp.ContentLength = -1
	}
	return resp, err
}

// TestQuitMidCheckKeepsTheTokenJustReceived: the wizard quits (Close)
// while step 6's check waits for the test user's login, and the login
// comes back right then. Whatever token the server issued is in the vault
// when Close returns: the check either stopped before asking for one, or
// Close waited until it was saved. Before, the quit drained the saves at
// once and closed the vault under the token's write.
func TestQuitMidCheckKeepsTheTokenJustReceived(t *testing.T) {
	t.Parallel()
	runs := 20
	if testing.Short() {
		runs = 5
	}
	for run := range runs {
		s := newSession(t)
		if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
			t.Fatal(err)
		}
		id, path := s.Profile.ID, s.Vault.Path()
		gate := sandbox.NewTokenGate(nil)
		s.HTTP = &http.Client{Transport: gate}
		atLogin := make(chan struct{})
		login := sandbox.Autopilot(&http.Client{Transport: gate}, "SandboxUser7", true)
		c, err := s.CheckOf(func(ctx context.Context, u string) error {
			close(atLogin)
			return login(context.WithoutCancel(ctx), u) // the person logs in anyway
		})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { defer close(done); c.Run(context.Background()) }()
		<-atLogin
		closed := make(chan error, 1)
		go func() { closed <- s.Close() }()
		select { // the token may be asked for before or after the quit
		case <-gate.Arrived():
		case <-done:
		}
		gate.Release()
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		<-done
		issued := false
		select {
		case <-gate.Arrived():
			issued = true
		default:
		}
		v, err := vault.Open(path, []byte("violet-anchor-mosaic-7-tundra"), vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		saved, err := v.Token(id, dexcom.Sandbox)
		v.Close()
		if issued && (err != nil || saved == nil) {
			t.Fatalf("run %d: the server issued a token the vault does not hold (%v)", run, err)
		}
	}
}

// TestQuitAsTheGlucoseViewRefreshes: after step 6's check, the glucose
// view reads more days with the check's client and its access token has
// expired: a refresh is on its way when the wizard quits (Close). Dexcom
// rotates refresh tokens, so the vault must keep the refreshed login.
func TestQuitAsTheGlucoseViewRefreshes(t *testing.T) {
	t.Parallel()
	s, sim := newSessionSim(t)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	gate := &armedGate{base: http.DefaultTransport, arrived: make(chan struct{}), release: make(chan struct{})}
	s.HTTP = &http.Client{Transport: gate}
	res, err := s.CheckDirect(context.Background(), CheckRun{Open: s.Browse})
	if err != nil || !res.OK() {
		t.Fatalf("check: %v %+v", err, res)
	}
	old, _ := s.Vault.Token(s.Profile.ID, dexcom.Sandbox)
	id, path := s.Profile.ID, s.Vault.Path()
	sim.ExpireAccessTokens()
	gate.armed.Store(true)
	read := make(chan struct{})
	go func() { // the glucose view, after the check
		defer close(read)
		res.Outcome.Client.EGVs(context.Background(), now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	}()
	<-gate.arrived // the refresh answer is here, not yet saved
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	close(gate.release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	<-read
	v, err := vault.Open(path, []byte("violet-anchor-mosaic-7-tundra"), vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true})
	if err != nil {
		t.Fatal(err)
	}
	saved, err := v.Token(id, dexcom.Sandbox)
	v.Close()
	if err != nil || saved == nil || saved.RefreshToken == old.RefreshToken {
		t.Fatalf("the vault keeps the used-up login, not the refreshed one (%v)", err)
	}
}

// armedGate holds the token endpoint's answers, once armed, until release.
type armedGate struct {
	base    http.RoundTripper
	armed   atomic.Bool
	once    sync.Once
	arrived chan struct{}
	release chan struct{}
}

func (g *armedGate) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.base.RoundTrip(req)
	if err == nil && g.armed.Load() && strings.HasSuffix(req.URL.Path, "/oauth2/token") {
		g.once.Do(func() { close(g.arrived) })
		<-g.release
	}
	return resp, err
}
