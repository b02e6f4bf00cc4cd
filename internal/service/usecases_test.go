package service

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

// stored is a session whose sandbox app credentials are stored and saved.
func stored(t *testing.T) (*Session, *sandbox.Server) {
	t.Helper()
	s, sim := newSessionSim(t)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return s, sim
}

func directCheck(t *testing.T, s *Session, open func(context.Context, string) error, reuse bool) *CheckResult {
	t.Helper()
	res, err := s.CheckDirect(context.Background(), CheckRun{Open: open, Timeout: 20 * time.Second, Reuse: reuse})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCheckDirectVerifiesAndRecordsOnTheStoredProfile(t *testing.T) {
	t.Parallel()
	s, _ := stored(t)
	var stages []CheckStage
	res, err := s.CheckDirect(context.Background(), CheckRun{Open: s.Browse, OnStage: func(st CheckStage, _ string) { stages = append(stages, st) }})
	if err != nil || !res.OK() || res.Report.EGVCount == 0 {
		t.Fatalf("%v %+v", err, res.Report)
	}
	if len(stages) == 0 || stages[len(stages)-1] != StageVerifying {
		t.Fatalf("stages %v", stages)
	}
	p, err := s.Vault.Profile("Acme Health")
	if err != nil || p.LastCheck == nil || !p.LastCheck.OK {
		t.Fatalf("not recorded on the stored profile: %v %+v", err, p)
	}
	if tok, err := s.Vault.Token(s.Profile.ID, dexcom.Sandbox); err != nil || tok == nil {
		t.Fatalf("the login was not saved: %v", err)
	}
}

func TestCheckDirectReusesTheSavedLogin(t *testing.T) {
	t.Parallel()
	s, sim := stored(t)
	directCheck(t, s, s.Browse, false)
	before := sim.Stats().TokenExchange
	res := directCheck(t, s, func(context.Context, string) error { return errors.New("no browser: the saved login must do") }, true)
	if !res.OK() || !res.Report.LoginReused || sim.Stats().TokenExchange != before {
		t.Fatalf("reused %v, exchanges %d → %d: %+v", res.Report.LoginReused, before, sim.Stats().TokenExchange, res.Report)
	}
}

// A 401 mid-check (the access token revoked): the token source refreshes,
// the check passes, and the vault keeps the rotated login.
func TestCheckDirectAfterA401SavesTheRefreshedLogin(t *testing.T) {
	t.Parallel()
	s, sim := stored(t)
	directCheck(t, s, s.Browse, false)
	old, _ := s.Vault.Token(s.Profile.ID, dexcom.Sandbox)
	sim.FailNext(http.StatusUnauthorized)
	res := directCheck(t, s, s.Browse, true)
	if !res.OK() {
		t.Fatalf("%+v", res.Report)
	}
	s.DrainSaves()
	now, _ := s.Vault.Token(s.Profile.ID, dexcom.Sandbox)
	if now == nil || now.RefreshToken == old.RefreshToken {
		t.Fatal("the refreshed login is not what the vault keeps")
	}
}

// One 429 and one 503: retried, and the check passes, saying which call
// took a second attempt.
func TestCheckDirectRetriesA429AndA5xx(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		s, sim := stored(t)
		s.Retry = &dexcom.Retry{Max: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}
		sim.FailNext(status)
		res := directCheck(t, s, s.Browse, false)
		retried := false
		for _, c := range res.Report.Calls {
			retried = retried || c.Attempt > 1
		}
		if !res.OK() || !retried {
			t.Fatalf("%d: ok %v, retried %v: %+v", status, res.OK(), retried, res.Report.Calls)
		}
	}
}

// Dexcom answers 503 to every try: the check fails, names the status and
// records the failure.
func TestCheckDirectNamesAPersistent5xx(t *testing.T) {
	t.Parallel()
	s, sim := stored(t)
	s.Retry = &dexcom.Retry{Max: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}
	sim.FailNext(503, 503, 503, 503, 503, 503, 503, 503)
	res := directCheck(t, s, s.Browse, false)
	if res.OK() || !strings.Contains(res.Report.Error, "503") {
		t.Fatalf("%+v", res.Report)
	}
	if s.Profile.LastCheck == nil || s.Profile.LastCheck.OK {
		t.Fatal("the failure was not recorded")
	}
}

func TestCheckDirectDeniedLogin(t *testing.T) {
	t.Parallel()
	s, _ := stored(t)
	res := directCheck(t, s, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", false), false)
	if res.OK() || res.Err == nil || !strings.Contains(res.Err.Error(), "denied access") {
		t.Fatalf("%v %+v", res.Err, res.Report)
	}
	if tok, _ := s.Vault.Token(s.Profile.ID, dexcom.Sandbox); tok != nil {
		t.Fatal("a denied login saved a token")
	}
}

func TestCheckDirectNeedsCredentials(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if _, err := s.CheckDirect(context.Background(), CheckRun{Open: s.Browse}); !errors.Is(err, ErrNoCredentials) {
		t.Fatal(err)
	}
}

func TestPreflightUnknownClientID(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.App().ClientID = "nobody-knows-this-app"
	rs := s.Preflight(s.Loopback())()
	if PreflightPassed(rs) || rs[0].Err != nil || rs[0].Status < 400 {
		t.Fatalf("%+v", rs)
	}
}

func TestPreflightDexcomUnreachable(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	s.APIBase, s.App().ClientID = dead.URL, sandbox.DemoClientID
	rs := s.Preflight(s.Loopback())()
	if PreflightPassed(rs) || rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), "could not reach") {
		t.Fatalf("%+v", rs)
	}
}

func TestSealRefusesABadRecipient(t *testing.T) {
	t.Parallel()
	s, _ := stored(t)
	var in *InputError
	if _, err := s.Seal("age1notakey"); !errors.As(err, &in) || in.Problem != BadKey {
		t.Fatalf("%v", err)
	}
	if _, err := s.Seal("  "); !errors.As(err, &in) || in.Problem != Empty {
		t.Fatalf("%v", err)
	}
}

// Only the recipient's identity opens a sealed hand-off; another's fails.
func TestSealedHandoffOpensOnlyWithItsIdentity(t *testing.T) {
	t.Parallel()
	s, _ := stored(t)
	_, rcpt, _ := handoff.NewIdentity()
	other, _, _ := handoff.NewIdentity()
	job, err := s.Seal(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	sl, err := job()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := handoff.Open(sl.Armored, other, now); err == nil {
		t.Fatal("another identity opened the hand-off")
	}
}

// Handover: a HandoffTaker on this machine opens the sealed file; ROOK's
// Redirect URL and the code it read are stored on step 4.
func TestHandoverStoresROOKsRedirect(t *testing.T) {
	t.Parallel()
	s, _ := stored(t)
	if code, err := s.Handover(&Sealed{}); err != nil || code != "" {
		t.Fatalf("without a taker: %q %v", code, err)
	}
	id, rcpt, _ := handoff.NewIdentity()
	s.Handoff = openingCSE{id: id, redirect: "https://rook.example/cb"}
	job, _ := s.Seal(rcpt)
	sl, err := job()
	if err != nil {
		t.Fatal(err)
	}
	code, err := s.Handover(sl)
	if err != nil || code != sl.Code || s.App().ROOKRedirectURL != "https://rook.example/cb" || s.Progress.Field(onboarding.ShareWithROOK, "rook_read_code") != sl.Code {
		t.Fatalf("%q %v %q", code, err, s.App().ROOKRedirectURL)
	}
	s.Handoff = openingCSE{id: secret.New("AGE-SECRET-KEY-1WRONG")}
	if _, err := s.Handover(sl); err == nil {
		t.Fatal("a taker that cannot open it passed")
	}
}

// openingCSE opens hand-offs with id, as ROOK's engineer does.
type openingCSE struct {
	id       secret.String
	redirect string
}

func (c openingCSE) TakeHandoff(_ bool, sealed []byte) (string, string, error) {
	_, code, err := handoff.Open(sealed, c.id, now)
	return c.redirect, code, err
}

func TestProbeAppWebhook(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if _, err := s.ProbeAppWebhook(context.Background()); !errors.Is(err, ErrNoWebhook) {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		status int
		ok     bool
	}{{http.StatusOK, true}, {http.StatusInternalServerError, false}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(tt.status) }))
		s.App().WebhookURL = srv.URL + "/hook"
		w, err := s.ProbeAppWebhook(context.Background())
		srv.Close()
		if err != nil || w.Status != tt.status || w.OK != tt.ok {
			t.Fatalf("%d: %v %+v", tt.status, err, w)
		}
		s.RecordWebhook(w)
		if got := s.Progress.Field(onboarding.Prerequisites, "webhook_probe"); !strings.HasPrefix(got, strconv.Itoa(tt.status)+" ") {
			t.Fatalf("recorded %q", got)
		}
	}
}

// A session made on a vault path: unlock makes the vault, a profile and a
// track are opened, Close closes it; it opens again with the passphrase.
func TestSessionUnlockProfileTrackClose(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vault.db")
	opts := vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true}
	s := AtVault(path, opts)
	if !s.Create {
		t.Fatal("no vault yet, but not asked to make one")
	}
	v, err := s.OpenVault([]byte("violet-anchor-mosaic-7-tundra"))
	if err != nil {
		t.Fatal(err)
	}
	s.Unlocked(v)
	if err := s.CreateProfile("Acme Health"); err != nil || s.Profile == nil || s.Progress != nil {
		t.Fatalf("%v %+v", err, s.Profile)
	}
	if err := s.StartTrack(onboarding.ProductionTrack, dexcom.EU); err != nil || s.Progress.Env != dexcom.EU {
		t.Fatalf("%v %+v", err, s.Progress)
	}
	s.App().ClientID = "acme-eu"
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	again := AtVault(path, opts)
	if again.Create {
		t.Fatal("the vault was not made")
	}
	if _, err := again.OpenVault([]byte("wrong-passphrase-entirely")); !errors.Is(err, vault.ErrWrongPassword) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	v, err = again.OpenVault([]byte("violet-anchor-mosaic-7-tundra"))
	if err != nil {
		t.Fatal(err)
	}
	again.Unlocked(v)
	defer again.Close()
	p, err := v.Profile("Acme Health")
	if err != nil {
		t.Fatal(err)
	}
	again.OpenProfile(p)
	if err := again.StartTrack(onboarding.ProductionTrack, dexcom.EU); err != nil || again.App().ClientID != "acme-eu" {
		t.Fatalf("%v %q", err, again.App().ClientID)
	}
}

// After Close nothing more runs on the session.
func TestClosedSessionRunsNothing(t *testing.T) {
	t.Parallel()
	s, _ := stored(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := s.CheckOf(s.Browse)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("a check ran on a closed session: %v", err)
	}
}

// A ROOK client UUID given alone does not borrow the stored key of another.
func TestOverrideKeepsTheKeyWithItsUUID(t *testing.T) {
	t.Parallel()
	s := NewSession("flags", dexcom.Sandbox)
	s.App().ROOKClientUUID, s.App().ROOKSecretKey = "stored-uuid", secret.New("stored-key")
	s.Override(AppValues{ClientID: "abc-12345", ROOKClientUUID: "flag-uuid"})
	a := s.App()
	if a.ClientID != "abc-12345" || a.ROOKClientUUID != "flag-uuid" || !a.ROOKSecretKey.Empty() {
		t.Fatalf("%+v", a)
	}
	s.Override(AppValues{})
	if a.ClientID != "abc-12345" {
		t.Fatal("an empty value replaced a stored one")
	}
	if NewSession("p", dexcom.JP).Progress.Track != onboarding.ProductionTrack {
		t.Fatal("a production region on the sandbox track")
	}
}

// Each listener hears the deliveries from when it listens until it stops.
func TestDeliveryHubListeners(t *testing.T) {
	t.Parallel()
	var h DeliveryHub
	h.Add(Delivery{UserID: "before"})
	a, stopA := h.Listen()
	b, stopB := h.Listen()
	h.Add(Delivery{UserID: "both"})
	stopB()
	h.Add(Delivery{UserID: "a only"})
	stopA()
	if got := (<-a).UserID + "," + (<-a).UserID; got != "both,a only" {
		t.Fatalf("a heard %s", got)
	}
	if got := (<-b).UserID; got != "both" || len(b) != 0 {
		t.Fatalf("b heard %s and %d more", got, len(b))
	}
}
