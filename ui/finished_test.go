package ui

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// TestBothDemoTracksReachTheFinishedScreen: at 80x24, after the sandbox
// track's last step → shows what was done and offers the production track;
// the production demo app has its own Client ID and registered loopback,
// so its preflight and login pass without typing; after its last step the
// finished screen offers the sandbox track and the client list.
func TestBothDemoTracksReachTheFinishedScreen(t *testing.T) {
	colors(t, termenv.Ascii)
	w := newWorld(t)
	prodLoopback, err := connect.FreeRedirectURI()
	if err != nil {
		t.Fatal(err)
	}
	sim := sandbox.New(sandbox.Config{Now: func() time.Time { return fixedNow }, Apps: []sandbox.App{
		sandbox.DemoApp(w.loopback, "https://rook.example/api/v1/dexcom/callback"), sandbox.DemoProductionApp(prodLoopback)}})
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	s := w.demoSession(t)
	s.APIBase = ts.URL
	s.Demo.Production = Prefill{ClientID: sandbox.DemoProductionClientID, ClientSecret: sandbox.DemoProductionClientSecret, Loopback: prodLoopback}
	for _, st := range onboarding.Steps {
		s.Progress.MarkDone(st, fixedNow)
	}
	p := startProgram(t, NewWizard(s), 80, 24)
	p.waitFor(t, "Step 7")
	p.send(keys("right")...)
	p.waitFor(t, "Sandbox app: every step done", "done 2026-11-24", "dexonboard report 'Demo Clinic'", "production app's track")
	p.send(keys("enter")...)
	p.waitFor(t, "which region?")
	p.send(keys("enter")...)
	p.waitFor(t, "PRODUCTION · US", "0 of 7 done")
	p.send(keys("right", "right", "right")...)
	p.waitFor(t, "Step 3", sandbox.DemoProductionClientID)
	p.send(keys("enter")...)
	p.waitFor(t, "Stored encrypted: client id", "production-app, secret")
	p.send(keys("right", "right")...)
	p.waitFor(t, "Step 5")
	p.send(keys("p")...)
	p.waitFor(t, "✓ 200")
	p.send(keys("right")...)
	p.waitFor(t, "▸ SandboxUser7")
	p.send(keys("c")...)
	p.waitFor(t, "Verified")
	p.send(keys("right")...)
	p.waitFor(t, "Production app", "not finished yet", "open the sandbox app's track", "client list")
	p.send(keys("l")...)
	p.waitFor(t, "Client profiles")
	p.quit(t)
}
