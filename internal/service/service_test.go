package service

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

var now = time.Date(2026, 11, 24, 17, 0, 0, 0, time.UTC)

const rookURL = "https://rook.example/api/v1/dexcom/callback"

// newSession is a vault with one profile on the sandbox track, and the
// simulator on loopback with the demo app registered.
func newSession(t *testing.T) *Session {
	t.Helper()
	s, _ := newSessionSim(t)
	return s
}

// newSessionSim is newSession and its Dexcom simulator.
func newSessionSim(t *testing.T) (*Session, *sandbox.Server) {
	t.Helper()
	loopback, err := connect.FreeRedirectURI()
	if err != nil {
		t.Fatal(err)
	}
	sim := sandbox.New(sandbox.Config{Now: func() time.Time { return now }, Apps: []sandbox.App{sandbox.DemoApp(loopback, rookURL)}})
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	v, p := acmeVault(t)
	s := &Session{Vault: v, Profile: p, Progress: onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox),
		APIBase: ts.URL, HTTP: http.DefaultClient, Now: func() time.Time { return now }, ExportDir: t.TempDir(),
		Browse: sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true), LoginTimeout: 20 * time.Second}
	s.App().RedirectURI = loopback
	return s, sim
}

func field(st onboarding.Step, id string) onboarding.Row {
	for _, r := range onboarding.SpecOf(st).Rows {
		if r.ID == id {
			return r
		}
	}
	panic("no field " + id)
}

func TestAnswersAreCheckedThenStored(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	for _, c := range []struct {
		step      onboarding.Step
		id, in    string
		wantErr   bool
		wantValue string
	}{
		{onboarding.CreateApp, "name", "  ", true, ""},
		{onboarding.CreateApp, "name", " Acme sandbox ", false, "Acme sandbox"},
		{onboarding.CollectCredentials, "client_id", "short", true, ""},
		{onboarding.CollectCredentials, "client_id", "has space inside", true, ""},
		{onboarding.ShareWithROOK, "rook_redirect", "http://rook.example/cb", true, ""},
		{onboarding.ShareWithROOK, "rook_redirect", "https://rook.example/cb#x", true, ""},
		{onboarding.ShareWithROOK, "rook_redirect", "Here it is: " + rookURL + " thanks", false, rookURL},
		{onboarding.ShareWithROOK, "recipient", "age1notakey", true, ""},
		{onboarding.ConfigureRedirect, "loopback", "https://example.com/cb", true, ""},
	} {
		v, err := s.Answer(c.step, field(c.step, c.id), c.in)
		if (err != nil) != c.wantErr || (!c.wantErr && v != c.wantValue) {
			t.Errorf("%s %q: %q, %v", c.id, c.in, v, err)
		}
	}
	if a := s.App(); a.Name != "Acme sandbox" || a.ROOKRedirectURL != rookURL {
		t.Fatalf("stored: %+v", a)
	}
	var in *InputError
	if _, err := s.Answer(onboarding.CreateApp, field(onboarding.CreateApp, "name"), ""); !errors.As(err, &in) || in.Problem != Empty {
		t.Fatalf("empty name: %v", err)
	}
}

func TestStepsCompleteFromWhatIsRecorded(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	st := onboarding.CreateAccount
	for _, r := range onboarding.Checklist(st) {
		s.Toggle(st, r.ID)
	}
	if s.Progress.StatusOf(st) == onboarding.Done {
		t.Fatal("step 1 done without its date")
	}
	s.SetToday(st, onboarding.SpecOf(st).Date.ID)
	s.Settle(st)
	if s.Progress.StatusOf(st) != onboarding.Done {
		t.Fatal("step 1 not done with every tick and its date")
	}
	s.Toggle(st, onboarding.Checklist(st)[0].ID)
	if s.Progress.StatusOf(st) == onboarding.Done {
		t.Fatal("unticking did not reopen step 1")
	}
	if err := s.StoreCredentials(sandbox.DemoClientID, "x"); err == nil || s.App().ClientID != "" {
		t.Fatalf("a bad secret stored the credentials: %v", err)
	}
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil || !Complete(s, onboarding.CollectCredentials) {
		t.Fatalf("credentials: %v", err)
	}
}

func TestPreflightSettlesStep5(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	s.App().ROOKRedirectURL = rookURL
	s.Toggle(onboarding.ConfigureRedirect, "registered")
	rs := s.Preflight(s.RedirectURLs()...)()
	if len(rs) != 2 || !PreflightPassed(rs) {
		t.Fatalf("preflight: %+v", rs)
	}
	s.SettleRedirect(rs)
	if s.Progress.StatusOf(onboarding.ConfigureRedirect) != onboarding.Done {
		t.Fatal("step 5 not done after a passing preflight")
	}
	bad := s.Preflight("http://localhost:1/unregistered")()
	if PreflightPassed(bad) || bad[0].Status != http.StatusBadRequest {
		t.Fatalf("an unregistered URI passed: %+v", bad)
	}
	s.SettleRedirect(bad)
	if s.Progress.StatusOf(onboarding.ConfigureRedirect) == onboarding.Done {
		t.Fatal("step 5 stayed done after a failing preflight")
	}
}

// TestCheckRecordsAndRechecks: step 6's check logs in, saves the token and
// records the result; the client list's recheck then reuses the saved login
// without a browser.
func TestCheckRecordsAndRechecks(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if _, err := s.CheckOf(s.Browse); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("a check without credentials: %v", err)
	}
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	c, err := s.CheckOf(s.Browse)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Run(context.Background())
	if err != nil || !res.OK() {
		t.Fatalf("check: %v %+v", err, res.Report)
	}
	s.RecordCheck(res)
	if s.Progress.StatusOf(onboarding.AuthenticateTestUser) != onboarding.Done || !s.Profile.LastCheck.OK {
		t.Fatal("the verified check was not recorded")
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s.Browse = func(context.Context, string) error { return errors.New("no browser in a recheck") }
	lc, err := s.Recheck(context.Background(), s.Profile)
	if err != nil || !lc.OK {
		t.Fatalf("recheck: %v %+v", err, lc)
	}
	other, _ := s.Vault.CreateProfile("No Login")
	other.App(dexcom.Sandbox).ClientID = sandbox.DemoClientID
	if _, err := s.Recheck(context.Background(), other); !errors.Is(err, ErrNoSavedLogin) {
		t.Fatalf("recheck without a saved login: %v", err)
	}
}

func TestSealWritesANewFileOnlyTheRecipientOpens(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	id, rcpt, err := handoff.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seal(rcpt); err != nil {
		t.Fatal(err) // the recipient is fine; the credentials are checked when sealing
	}
	job, _ := s.Seal(rcpt)
	if _, err := job(); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("sealed without credentials: %v", err)
	}
	s.App().ClientID, s.App().ClientSecret = sandbox.DemoClientID, secret.New(sandbox.DemoClientSecret)
	job, err = s.Seal(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	sl, err := job()
	if err != nil {
		t.Fatal(err)
	}
	s.RecordSeal(sl)
	fi, err := os.Stat(sl.Path)
	if err != nil || fi.Mode().Perm() != 0o600 || s.Progress.Field(onboarding.ShareWithROOK, "verification_code") != sl.Code {
		t.Fatalf("sealed file %v %v", fi, err)
	}
	pl, code, err := handoff.Open(sl.Armored, id, now)
	if err != nil || code != sl.Code || pl.ClientSecret.Reveal() != sandbox.DemoClientSecret {
		t.Fatalf("open: %v", err)
	}
}

// TestReviewStatusIsPartOfStep1: both front ends read step 1's status field
// from its spec; r moves it on, an answer picks it by number or words.
func TestReviewStatusIsPartOfStep1(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	f := onboarding.SpecOf(onboarding.CreateAccount).Status
	if f == nil || f.ID != "review" || len(f.Options) != len(onboarding.ReviewStatuses) {
		t.Fatalf("step 1's spec has no review status: %+v", f)
	}
	if got := s.StatusOf(onboarding.CreateAccount); got != "not submitted" {
		t.Fatalf("unset status reads %q", got)
	}
	s.NextStatus(onboarding.CreateAccount)
	s.NextStatus(onboarding.CreateAccount)
	if got := s.Progress.Field(onboarding.CreateAccount, "review"); got != "review meeting scheduled" {
		t.Fatalf("two moves on: %q", got)
	}
	for _, c := range [][2]string{{"4", "approved"}, {"", "approved"}, {" Submitted, awaiting review ", "submitted, awaiting review"}} {
		ans, want := c[0], c[1]
		if err := s.SetStatus(onboarding.CreateAccount, ans); err != nil {
			t.Fatalf("%q: %v", ans, err)
		}
		if got := s.StatusOf(onboarding.CreateAccount); got != want {
			t.Fatalf("%q gave %q, want %q", ans, got, want)
		}
	}
	var in *InputError
	for _, bad := range []string{"5", "0", "y", "approved!"} {
		if err := s.SetStatus(onboarding.CreateAccount, bad); !errors.As(err, &in) || in.Problem != NotAnOption {
			t.Fatalf("%q: %v", bad, err)
		}
	}
	if got := s.StatusOf(onboarding.CreateAccount); got != "submitted, awaiting review" {
		t.Fatalf("a refused answer changed it to %q", got)
	}
	if onboarding.SpecOf(onboarding.CreateApp).Status != nil || s.SetStatus(onboarding.CreateApp, "x") != nil {
		t.Fatal("step 2 has no status field")
	}
}

// acmeVault is a new vault (a fast test KDF) holding the profile "Acme
// Health", closed when the test ends.
func acmeVault(t *testing.T) (*vault.Vault, *onboarding.Profile) {
	t.Helper()
	v, err := vault.Create(filepath.Join(t.TempDir(), "vault.db"), []byte("violet-anchor-mosaic-7-tundra"), vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	p, err := v.CreateProfile("Acme Health")
	if err != nil {
		t.Fatal(err)
	}
	return v, p
}
