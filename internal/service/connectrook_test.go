package service

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/webhook"
)

// rookWorld is both simulators (with faults), a local webhook receiver
// ROOK delivers to, heard through a DeliveryHub, and a session on a real
// vault whose steps 1-5 are done.
type rookWorld struct {
	st   *rooksim.Stack
	s    *Session
	hook *webhook.Listener
}

func newROOKWorld(t *testing.T, f rooksim.Faults) *rookWorld {
	t.Helper()
	st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Faults: f}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	hub := &DeliveryHub{}
	hook, err := webhook.Listen("127.0.0.1:0", 0, func(r webhook.Received) {
		hub.Add(Delivery{DataStructure: r.DataStructure, ClientUUID: r.ClientUUID, UserID: r.UserID, Date: r.Date, Readings: r.Readings, Status: r.Status, At: r.At})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hook.Close() })
	if err := st.ROOK.SetWebhookURL(rooksim.DemoClientUUID, hook.URL+"/rook"); err != nil {
		t.Fatal(err)
	}
	v, p := acmeVault(t)
	s := &Session{Vault: v, Profile: p, Progress: onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox),
		APIBase: st.Dexcom.URL, ROOKAPIBase: st.ROOK.URL, HTTP: http.DefaultClient, LoginTimeout: 20 * time.Second,
		Deliveries: hub, ROOKPoll: rook.Poll{Attempts: 8, Delay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond}}
	a := s.App()
	a.ClientID, a.ClientSecret = sandbox.DemoClientID, secret.New(sandbox.DemoClientSecret)
	a.ROOKRedirectURL = st.ROOK.RedirectURL()
	a.ROOKClientUUID, a.ROOKSecretKey = rooksim.DemoClientUUID, secret.New(rooksim.DemoSecretKey)
	return &rookWorld{st: st, s: s, hook: hook}
}

// run connects through ROOK with user logging in (authorize false: the
// user denies) and returns the outcome and the events in order.
func (w *rookWorld) run(t *testing.T, user string, authorize bool, wait time.Duration) (*ROOKOutcome, []ROOKEvent) {
	t.Helper()
	var mu sync.Mutex
	var events []ROOKEvent
	out, err := w.s.ConnectThroughROOK(context.Background(), ROOKRun{Open: sandbox.Autopilot(http.DefaultClient, user, authorize),
		DeliveryWait: wait, OnEvent: func(e ROOKEvent) { mu.Lock(); events = append(events, e); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	return out, events
}

func TestConnectThroughROOKGoodChain(t *testing.T) {
	t.Parallel()
	w := newROOKWorld(t, rooksim.Faults{})
	out, events := w.run(t, "SandboxUser7", true, 10*time.Second)
	if !out.Result.OK() || out.Result.Report.AlreadyConnected {
		t.Fatalf("not connected: %+v", out.Result.Finding)
	}
	if d := out.Delivery; d == nil || d.UserID != onboarding.DefaultROOKUserID || d.Readings == 0 || d.Status != http.StatusOK {
		t.Fatalf("delivery %+v", out.Delivery)
	}
	var kinds []ROOKEventKind
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	if n := len(kinds); n < 3 || kinds[n-2] != ROOKFinished || kinds[n-1] != ROOKDelivered || !events[n-2].Awaiting {
		t.Fatalf("events %v", kinds)
	}
	if w.s.Progress.StatusOf(onboarding.AuthenticateTestUser) != onboarding.Done || w.s.Progress.Field(onboarding.AuthenticateTestUser, "rook_result") == "" {
		t.Fatal("the result was not recorded on step 6")
	}
	// Connected already: no login, no delivery awaited.
	again, _ := w.run(t, "SandboxUser7", true, time.Second)
	if !again.Result.OK() || !again.Result.Report.AlreadyConnected || again.Delivery != nil {
		t.Fatalf("second run %+v %+v", again.Result.Report, again.Delivery)
	}
}

// Each failure of step 6 through ROOK is named, with its fix, at the
// stage it happened, and recorded as needing attention.
func TestConnectThroughROOKFailures(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		faults    rooksim.Faults
		deny      bool
		secretKey string
		stage     ROOKStage
		cause     string
	}{
		{name: "not enabled at ROOK", faults: rooksim.Faults{DexcomDisabled: true}, stage: StageAuthorizer, cause: "Dexcom is not enabled"},
		{name: "redirect not registered", faults: rooksim.Faults{RedirectNotRegistered: true}, stage: StageCheckURL, cause: "invalid redirect_uri"},
		{name: "wrong Dexcom secret held by ROOK", faults: rooksim.Faults{WrongSecret: true}, stage: StageBrowser, cause: "token_exchange_failed"},
		{name: "wrong ROOK secret key", secretKey: "wrong-key", stage: StageAuthorizer, cause: "ROOK refused the client UUID and secret key"},
		{name: "denied login", deny: true, stage: StageBrowser, cause: "access_denied"},
		{name: "no data", faults: rooksim.Faults{NoDataPolls: 1000}, stage: StageGlucose, cause: "no blood glucose"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newROOKWorld(t, tt.faults)
			if tt.secretKey != "" {
				w.s.App().ROOKSecretKey = secret.New(tt.secretKey)
			}
			out, _ := w.run(t, "SandboxUser7", !tt.deny, time.Second)
			r := out.Result
			if r.OK() || r.Failed != tt.stage || !strings.Contains(r.Finding.Cause, tt.cause) || r.Finding.Fix == "" {
				t.Fatalf("failed at %v with %+v, want %v %q", r.Failed, r.Finding, tt.stage, tt.cause)
			}
			if out.Delivery != nil {
				t.Fatalf("a failed run showed a delivery: %+v", out.Delivery)
			}
			if w.s.Progress.StatusOf(onboarding.AuthenticateTestUser) != onboarding.Attention {
				t.Fatal("the failure was not recorded as needing attention")
			}
		})
	}
}

// Steps not done yet: no run starts, and the error names the step.
func TestConnectThroughROOKNeedsSteps3To6(t *testing.T) {
	t.Parallel()
	w := newROOKWorld(t, rooksim.Faults{})
	a := w.s.App()
	a.ROOKClientUUID = ""
	if _, err := w.s.ConnectThroughROOK(context.Background(), ROOKRun{}); !errors.Is(err, ErrNoROOKCredentials) {
		t.Fatal(err)
	}
	a.ROOKRedirectURL = ""
	if _, err := w.s.ConnectThroughROOK(context.Background(), ROOKRun{}); !errors.Is(err, ErrNoROOKRedirect) {
		t.Fatal(err)
	}
	a.ClientID = ""
	if _, err := w.s.ConnectThroughROOK(context.Background(), ROOKRun{}); !errors.Is(err, ErrNoClientID) {
		t.Fatal(err)
	}
}

// ROOK connects, but its push never reaches the receiver (no webhook URL
// at ROOK): the run passes and says no delivery came in time.
func TestConnectThroughROOKDeliveryNeverArrives(t *testing.T) {
	t.Parallel()
	w := newROOKWorld(t, rooksim.Faults{})
	if err := w.st.ROOK.SetWebhookURL(rooksim.DemoClientUUID, ""); err != nil {
		t.Fatal(err)
	}
	out, events := w.run(t, "SandboxUser7", true, 300*time.Millisecond)
	if !out.Result.OK() || out.Delivery != nil {
		t.Fatalf("%+v %+v", out.Result.Finding, out.Delivery)
	}
	if last := events[len(events)-1]; last.Kind != ROOKDelivered || last.Delivery != nil {
		t.Fatalf("last event %+v", last)
	}
}

// The data webhook answers 500 to the probe: the run fails at the webhook
// stage with the endpoint's answer.
func TestConnectThroughROOKWebhookNot200(t *testing.T) {
	t.Parallel()
	w := newROOKWorld(t, rooksim.Faults{})
	bad := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusInternalServerError) }))
	defer bad.Close()
	out, err := w.s.ConnectThroughROOK(context.Background(), ROOKRun{Open: sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true),
		DeliveryWait: time.Second, Leg: func(l *ROOKLeg) { l.WebhookURL = bad.URL + "/hook" }})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Result
	if r.OK() || r.Failed != StageWebhook || r.Report.Webhook == nil || r.Report.Webhook.Status != http.StatusInternalServerError {
		t.Fatalf("failed at %v: %+v %+v", r.Failed, r.Finding, r.Report.Webhook)
	}
}

// A delivery that reaches the receiver while this run's login is under way
// but comes from another ROOK client (ROOK's other environment, which
// pushes the same user id to the same receiver) is not this run's proof:
// the run shows its own delivery.
func TestConnectThroughROOKTakesOnlyItsOwnDelivery(t *testing.T) {
	t.Parallel()
	w := newROOKWorld(t, rooksim.Faults{})
	other := "9d0c5b1e-2f3a-4c6d-8e7f-0a1b2c3d4e5f"
	login := sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)
	open := func(ctx context.Context, u string) error {
		// The other environment's push for the same user lands first.
		doc := webhook.SampleDocument(time.Now())
		doc.ClientUUID, doc.UserID = other, onboarding.DefaultROOKUserID
		if r := webhook.Probe(ctx, w.hook.URL+"/rook", doc, webhook.Options{}); r.Status != http.StatusOK {
			t.Errorf("the other push was not received: %+v", r)
		}
		return login(ctx, u)
	}
	out, err := w.s.ConnectThroughROOK(context.Background(), ROOKRun{Open: open, DeliveryWait: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.Delivery; d == nil || d.ClientUUID != rooksim.DemoClientUUID {
		t.Fatalf("the run showed %+v, not its own client's delivery", out.Delivery)
	}
}

// Apply is where the result is recorded: the front end's goroutine.
func TestConnectThroughROOKRecordsThroughApply(t *testing.T) {
	t.Parallel()
	w := newROOKWorld(t, rooksim.Faults{DexcomDisabled: true})
	applied := 0
	_, err := w.s.ConnectThroughROOK(context.Background(), ROOKRun{Apply: func(change func()) {
		if w.s.Progress.StatusOf(onboarding.AuthenticateTestUser) == onboarding.Attention {
			t.Error("recorded before Apply ran the change")
		}
		applied++
		change()
	}})
	if err != nil || applied != 1 || w.s.Progress.StatusOf(onboarding.AuthenticateTestUser) != onboarding.Attention {
		t.Fatalf("applied %d times: %v", applied, err)
	}
}

// Pull and compare again, without a login: before the user is connected
// it fails at the glucose stage, named; after, ROOK's day is compared with
// the direct check's readings.
func TestPullAndCompare(t *testing.T) {
	t.Parallel()
	w := newROOKWorld(t, rooksim.Faults{})
	w.s.ROOKPoll = rook.Poll{Attempts: 2, Delay: time.Millisecond, MaxDelay: time.Millisecond}
	r, err := w.s.PullAndCompare(context.Background(), nil)
	if err != nil || r.OK() || r.Failed != StageGlucose || r.Finding.Fix == "" {
		t.Fatalf("before connecting: %v %v %+v", err, r.Failed, r.Finding)
	}
	w.s.ROOKPoll = rook.Poll{Attempts: 8, Delay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond}
	if out, _ := w.run(t, "SandboxUser7", true, time.Second); !out.Result.OK() {
		t.Fatalf("connect: %+v", out.Result.Finding)
	}
	loopback, err := connect.FreeRedirectURI()
	if err != nil {
		t.Fatal(err)
	}
	w.st.Dexcom.RegisterApp(sandbox.DemoApp(loopback, w.st.ROOK.RedirectURL()))
	w.s.App().RedirectURI = loopback
	res, err := w.s.CheckDirect(context.Background(), CheckRun{Open: sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)})
	if err != nil || !res.OK() {
		t.Fatalf("direct: %v %+v", err, res)
	}
	r, err = w.s.PullAndCompare(context.Background(), res.Outcome.Client)
	if err != nil || !r.OK() || r.Report.Comparison == nil || r.Report.Comparison.Matched == 0 || len(r.Report.Calls) == 0 {
		t.Fatalf("after connecting: %v %+v %+v", err, r.Finding, r.Report.Comparison)
	}
}

// While the user logs in, each answer of ROOK's authorized list is an
// event at the browser stage, counted, with the leg's limit, and the last
// one (ROOK: connected) comes before the next stage.
func TestConnectThroughROOKReportsTheWait(t *testing.T) {
	t.Parallel()
	w := newROOKWorld(t, rooksim.Faults{})
	out, events := w.run(t, "SandboxUser7", true, time.Second)
	if !out.Result.OK() {
		t.Fatalf("not connected: %+v", out.Result.Finding)
	}
	var waits []ROOKWait
	browser, after := false, false
	for _, e := range events {
		switch {
		case e.Kind == ROOKStageStarted && e.Stage == StageBrowser:
			browser = true
		case e.Kind == ROOKStageStarted && browser && len(waits) > 0:
			after = true
		case e.Kind == ROOKWaiting:
			if !browser || after || e.Stage != StageBrowser {
				t.Fatalf("a wait event out of place: %+v", e)
			}
			waits = append(waits, e.Wait)
		}
	}
	if len(waits) == 0 || !after {
		t.Fatalf("no wait events between the browser and the next stage: %+v", events)
	}
	for i, wt := range waits {
		if wt.Asked != i+1 || wt.Limit != w.s.LoginTimeout || wt.Waited < 0 || wt.Waited > wt.Limit {
			t.Fatalf("wait %d: %+v", i, wt)
		}
	}
}

func TestROOKWaitInWords(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		w    ROOKWait
		want string
	}{
		{ROOKWait{Asked: 1, Limit: 5 * time.Minute}, "asked ROOK 1 time, 0 s of 5 m; the browser ends on ROOK's own page"},
		{ROOKWait{Asked: 4, Waited: 12 * time.Second, Limit: 5 * time.Minute}, "asked ROOK 4 times, 12 s of 5 m; the browser ends on ROOK's own page"},
		{ROOKWait{Asked: 1, Limit: 300 * time.Millisecond}, "asked ROOK 1 time, 0 s of 300 ms; the browser ends on ROOK's own page"},
		{ROOKWait{Asked: 46, Waited: 90 * time.Second, Limit: 150 * time.Second}, "asked ROOK 46 times, 1 m 30 s of 2 m 30 s; the browser ends on ROOK's own page"},
	} {
		if got := tt.w.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.w, got, tt.want)
		}
	}
}

// The probe's receipt counts whenever it came (the probe runs alongside the
// login, before ROOK says the user is not connected); ROOK's deliveries
// count only from then on, so an earlier connection's late one is not
// taken for this run's.
func TestAwaitDeliveryTakesTheEarlyProbeNotAnEarlyDelivery(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	heard := make(chan Delivery, 3)
	heard <- Delivery{UserID: webhook.ProbeUserID, At: since.Add(-time.Second)}
	heard <- Delivery{UserID: "u", ClientUUID: "c", Readings: 1, At: since.Add(-time.Millisecond)}
	heard <- Delivery{UserID: "u", ClientUUID: "c", Readings: 2, At: since.Add(time.Millisecond)}
	d, probe := awaitDelivery(context.Background(), heard, "c", "u", since, true, time.Second)
	if probe == nil || d == nil || d.Readings != 2 {
		t.Fatalf("delivery %+v, probe %+v: want the probe and the delivery after since", d, probe)
	}
}
