package demo

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/internal/vault"
)

var testVault = vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true}

// The presenter's path: step 4 hands over to the world's CSE, step 5's
// tick registers ROOK's Redirect URL, and step 6 through ROOK connects,
// records, and shows this run's delivery to the world's webhook.
func TestWorldWalksSteps4To6(t *testing.T) {
	t.Parallel()
	w, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s, err := w.Session(t.TempDir(), testVault)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.ExportDir = t.TempDir()
	if err := s.StoreCredentials(w.Sandbox.ClientID, w.Sandbox.ClientSecret); err != nil {
		t.Fatal(err)
	}
	// Before the hand-off ROOK holds no app: the run fails at its start.
	job, err := s.Seal(w.Sandbox.Recipient)
	if err != nil {
		t.Fatal(err)
	}
	sl, err := job()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(sl.Path)
	if code, err := s.Handover(sl); err != nil || code != sl.Code || s.App().ROOKRedirectURL != w.ROOK[0].RedirectURL() {
		t.Fatalf("hand-off: %q %v %q", code, err, s.App().ROOKRedirectURL)
	}
	a := s.App()
	a.ROOKClientUUID, a.ROOKSecretKey = w.Sandbox.ROOKClientUUID, secretOf(w.Sandbox.ROOKSecretKey)
	out, err := s.ConnectThroughROOK(context.Background(), service.ROOKRun{Open: s.LoginOpener(), DeliveryWait: time.Second})
	if err != nil || out.Result.OK() || out.Result.Failed != service.StageCheckURL {
		t.Fatalf("ROOK's Redirect URL is not registered yet, but: %v %+v", err, out.Result.Finding)
	}
	s.Toggle(onboarding.ConfigureRedirect, "registered")
	out, err = s.ConnectThroughROOK(context.Background(), service.ROOKRun{Open: s.LoginOpener(), DeliveryWait: 10 * time.Second})
	if err != nil || !out.Result.OK() {
		t.Fatalf("%v %+v", err, out.Result.Finding)
	}
	if d := out.Delivery; d == nil || d.ClientUUID != w.Sandbox.ROOKClientUUID || d.Readings == 0 {
		t.Fatalf("delivery %+v", out.Delivery)
	}
	if s.Progress.StatusOf(onboarding.AuthenticateTestUser) != onboarding.Done {
		t.Fatal("step 6 not recorded")
	}
}

// check --demo's world: set up as after steps 4 and 5, both legs pass.
func TestReadyWorldPassesBothLegs(t *testing.T) {
	t.Parallel()
	w, err := Start(Options{Ready: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s := w.ReadySession()
	defer s.Close()
	res, err := s.CheckDirect(context.Background(), service.CheckRun{Open: w.LogIn("SandboxUser1")})
	if err != nil || !res.OK() {
		t.Fatalf("direct: %v %+v", err, res.Report)
	}
	out, err := s.ConnectThroughROOK(context.Background(), service.ROOKRun{Open: w.LogIn(DefaultUser), Dexcom: res.Outcome.Client, DeliveryWait: 10 * time.Second})
	if err != nil || !out.Result.OK() || out.Result.Report.Comparison == nil || out.Delivery == nil {
		t.Fatalf("through ROOK: %v %+v %+v", err, out.Result.Finding, out.Delivery)
	}
	if !HasUser("SandboxUser7") || HasUser("SandboxUser9") {
		t.Fatal("the sandbox's test users")
	}
}

func secretOf(v string) secret.String { return secret.New(v) }
