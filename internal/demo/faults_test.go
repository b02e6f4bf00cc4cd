package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/internal/webhook"
)

// readyWithDirect is a world set up as after steps 1-5, its session, and
// the direct check's Dexcom client (for the comparison).
func readyWithDirect(t *testing.T) (*World, *service.Session, *service.CheckResult) {
	t.Helper()
	w, err := Start(Options{Ready: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	s := w.ReadySession()
	t.Cleanup(func() { s.Close() })
	s.ROOKPoll = rook.Poll{Attempts: 3, Delay: 50 * time.Millisecond, MaxDelay: 100 * time.Millisecond}
	direct, err := s.CheckDirect(context.Background(), service.CheckRun{Open: w.LogIn(DefaultUser)})
	if err != nil || !direct.OK() {
		t.Fatalf("direct: %v %+v", err, direct.Report)
	}
	return w, s, direct
}

// A presenter's walk through the list: each misconfiguration, switched on
// in the running world, fails step 6 through ROOK (the webhook probed) with
// its cause named; switched off again, the same run passes.
func TestEveryFaultIsNamedThenCleared(t *testing.T) {
	t.Parallel()
	w, s, direct := readyWithDirect(t)
	run := func() *service.ROOKOutcome {
		t.Helper()
		out, err := s.ConnectThroughROOK(context.Background(), service.ROOKRun{Open: w.LogIn(DefaultUser), Dexcom: direct.Outcome.Client,
			DeliveryWait: 2 * time.Second, Leg: func(l *service.ROOKLeg) { l.WebhookURL = w.HookURL }})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Words each finding must carry (the cause's gist, not its sentence).
	named := map[string]string{
		FaultWrongClientID: "client id", FaultWrongSecret: "client secret", FaultRedirectMissing: "redirect",
		FaultRedirectDiffers: "step 4 has", FaultDexcomDisabled: "not enabled", FaultBadROOKKey: "secret key",
		FaultWebhook500: "500", FaultWebhookDown: "connection refused", FaultNoData: "no blood glucose",
		FaultEnvironmentsMixed: "api.dexcom.com", FaultLoginDenied: "denied",
	}
	if len(s.Faults) != 12 {
		t.Fatalf("%d faults", len(s.Faults))
	}
	for _, f := range s.Faults {
		if err := f.Set(true); err != nil || !f.On() {
			t.Fatalf("%s: on: %v", f.Name, err)
		}
		out := run()
		rep := out.Result.Report
		said := strings.ToLower(rep.Error + " " + rep.Fix)
		if f.Name == FaultDataDiffers {
			// Named by the comparison (whether or not it fails the leg).
			if c := rep.Comparison; c == nil || c.Matched >= c.Dexcom || c.ROOK >= c.Dexcom {
				t.Fatalf("%s: comparison %+v", f.Name, rep.Comparison)
			}
		} else if out.Result.OK() || !strings.Contains(said, named[f.Name]) {
			t.Fatalf("%s: ok %v, said %q", f.Name, out.Result.OK(), said)
		}
		if err := f.Set(false); err != nil || f.On() {
			t.Fatalf("%s: off: %v", f.Name, err)
		}
		if out := run(); !out.Result.OK() || out.Result.Report.AlreadyConnected {
			t.Fatalf("%s switched off, the run does not pass afresh: %+v", f.Name, out.Result.Finding)
		}
	}
}

// The switches change the running servers under their locks: every fault
// flipped over and over while ROOK's API, its callback, the pull and the
// webhook receiver serve requests (go test -race).
func TestFaultsToggleWhileRequestsRun(t *testing.T) {
	t.Parallel()
	w, err := Start(Options{Ready: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	faults := w.Faults()
	ctx := context.Background()
	c, err := rook.New(rook.Config{BaseURL: w.ROOK[0].URL, Credentials: rook.Credentials{ClientUUID: rooksim.DemoClientUUID, SecretKey: secret.New(rooksim.DemoSecretKey)}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(webhook.SampleDocument(time.Now()))
	post := func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.HookURL, bytes.NewReader(body))
		req.Header.Set(rook.HashHeader, rook.SignBody(rooksim.DemoHashKey, body))
		if resp, err := w.HTTP.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	handed := w.ROOK[0].RedirectURL()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				switch i {
				case 0:
					if a, err := c.Authorizer(ctx, "race-user", rook.Dexcom, ""); err == nil && a.AuthorizationURL != "" {
						_ = w.LogIn(DefaultUser)(ctx, a.AuthorizationURL)
					}
				case 1:
					_, _ = c.AuthorizedSources(ctx, "race-user")
					_, _, _ = c.BloodGlucose(ctx, "race-user", time.Now().UTC().Format(rook.DateLayout))
				case 2:
					post()
				case 3:
					// The URL handed over, not the one of the moment: one
					// registered while "differs" is on would stay wrong.
					_ = w.ROOK[0].RedirectURL()
					w.RegisterRedirect(w.Sandbox.ClientID, w.Sandbox.Loopback, handed)
				}
			}
		}()
	}
	for range 20 {
		for _, f := range faults {
			if err := f.Set(!f.On()); err != nil {
				t.Error(f.Name, err)
			}
		}
	}
	for _, f := range faults {
		if err := f.Set(false); err != nil {
			t.Error(f.Name, err)
		}
	}
	close(stop)
	wg.Wait()
	s := w.ReadySession()
	defer s.Close()
	out, err := s.ConnectThroughROOK(ctx, service.ROOKRun{Open: w.LogIn(DefaultUser), DeliveryWait: 5 * time.Second})
	if err != nil || !out.Result.OK() {
		t.Fatalf("after the switching, all off: %v %+v", err, out.Result.Finding)
	}
}

// The world's receiver refuses a post without ROOK's signature.
func TestWorldWebhookRefusesUnsignedPosts(t *testing.T) {
	t.Parallel()
	w, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	body, _ := json.Marshal(webhook.SampleDocument(time.Now()))
	for _, signed := range []bool{false, true} {
		req, _ := http.NewRequest(http.MethodPost, w.HookURL, bytes.NewReader(body))
		if signed {
			req.Header.Set(rook.HashHeader, rook.SignBody(rooksim.DemoHashKey, body))
		}
		resp, err := w.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{false: 401, true: 200}[signed]; resp.StatusCode != want {
			t.Fatalf("signed %v: %d", signed, resp.StatusCode)
		}
	}
}
