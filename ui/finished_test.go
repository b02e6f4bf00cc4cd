package ui

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"

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
	t.Parallel()
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
	s.ProductionPrefill = Prefill{ClientID: sandbox.DemoProductionClientID, ClientSecret: sandbox.DemoProductionClientSecret, Loopback: prodLoopback}
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
	p.waitFor(t, "Step 6", "Check directly with Dexcom (c)", "production · client") // no sandbox picker on the production track
	p.send(keys("c")...)
	p.waitFor(t, "Verified")
	p.send(keys("right")...)
	p.waitFor(t, "Production app", "not finished yet", "open the sandbox app's track", "client list")
	p.send(keys("l")...)
	p.waitFor(t, "Client profiles")
	p.quit(t)
}

// TestStaleHandoffAndSharedClientIDShow: new credentials stored after the
// seal flag step 4 (unticked, with why) on the screen; the production app
// given the sandbox's Client ID gets a warning on step 3.
func TestStaleHandoffAndSharedClientIDShow(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.ExportDir = t.TempDir()
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	wiz.goTo(int(onboarding.CollectCredentials))
	send(wiz, keys("enter")...) // store the demo's credentials
	_, rcpt, err := handoff.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	job, err := s.Seal(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	sl, err := job()
	if err != nil {
		t.Fatal(err)
	}
	wiz.goTo(int(onboarding.ShareWithROOK))
	send(wiz, sealedMsg{sealed: sl})
	send(wiz, keys("down", "down", "space")...) // sent
	if !s.Progress.Checked(onboarding.ShareWithROOK, "shared") {
		t.Fatal("the tick did not take")
	}
	wiz.goTo(int(onboarding.CollectCredentials))
	send(wiz, keys("up", "enter")...) // edit the secret
	send(wiz, tea.KeyMsg{Type: tea.KeyCtrlU})
	send(wiz, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("another-secret-0123456789abcdef"), Paste: true})
	send(wiz, keys("enter", "enter")...) // store the secret's field, then the button
	pageText := func(w *Wizard) string { v, _ := w.pages[w.current].View(); return ansi.Strip(v) }
	if v := pageText(wiz); !strings.Contains(v, "changed after the hand-off was sealed") {
		t.Fatalf("step 3 does not say the hand-off is stale:\n%s", v)
	}
	if s.Progress.Checked(onboarding.ShareWithROOK, "shared") || s.Progress.StatusOf(onboarding.ShareWithROOK) != onboarding.Attention {
		t.Fatal("step 4 still ticked")
	}
	wiz.goTo(int(onboarding.ShareWithROOK))
	if !strings.Contains(ansi.Strip(wiz.View()), "! 4. Share with ROOK") || !strings.Contains(pageText(wiz), "seal it again") {
		t.Fatalf("step 4 is not flagged:\n%s", wiz.View())
	}

	s.Progress = onboarding.NewProgress(onboarding.ProductionTrack, dexcom.US)
	prod := NewWizard(s)
	send(prod, tea.WindowSizeMsg{Width: 80, Height: 24})
	prod.goTo(int(onboarding.CollectCredentials))
	for _, id := range []string{onboarding.FieldClientID, onboarding.FieldClientSecret} {
		prod.pages[prod.current].(*stepPage).form.input(id).SetValue(map[string]string{onboarding.FieldClientID: sandbox.DemoClientID, onboarding.FieldClientSecret: sandbox.DemoClientSecret}[id])
	}
	send(prod, keys("down", "down", "enter")...)
	if v := pageText(prod); !strings.Contains(v, "sandbox app has the same Client ID") {
		t.Fatalf("no warning for the sandbox's Client ID on the production app:\n%s", prod.View())
	}
}

// TestQuitWithUnstoredInputAsks: q and ctrl+c with a Client ID typed but
// not stored ask first; esc goes back with the input kept; s stores it and
// quits.
func TestQuitWithUnstoredInputAsks(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.Prefill = Prefill{}
	wiz := typedStep3(s, sandbox.DemoClientSecret)
	for _, quit := range []string{"q", "ctrl+c"} {
		_, cmd := wiz.Update(keys(quit)[0])
		v := ansi.Strip(wiz.View())
		if cmd != nil || wiz.quitting || !strings.Contains(v, "Typed but not stored: Client ID & Secret: Client ID, Client Secret") {
			t.Fatalf("%s quit without asking:\n%s", quit, v)
		}
		fits(t, v, 80, 24)
		send(wiz, keys("esc")...)
		if wiz.asking != nil || wiz.pages[wiz.current].(*stepPage).form.input(onboarding.FieldClientID).Value() != sandbox.DemoClientID {
			t.Fatal("esc did not go back with the input kept")
		}
	}
	send(wiz, keys("q")...)
	_, cmd := wiz.Update(keys("s")[0])
	if cmd == nil || !wiz.quitting || s.App().ClientID != sandbox.DemoClientID || s.App().ClientSecret.Reveal() != sandbox.DemoClientSecret {
		t.Fatalf("s did not store and quit: quitting %v, client id %q", wiz.quitting, s.App().ClientID)
	}
}

// TestPreflightBeforeCredentialsSaysWhy: p on the prerequisites before the
// credentials are stored says why nothing runs, on screen at 80x24.
func TestPreflightBeforeCredentialsSaysWhy(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	wiz := NewWizard(w.demoSession(t))
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	_, cmd := wiz.Update(keys("p")[0])
	if v := ansi.Strip(wiz.View()); cmd != nil || !strings.Contains(v, "Nothing to preflight yet") {
		t.Fatalf("p before credentials (cmd %v):\n%s", cmd != nil, v)
	}
}
