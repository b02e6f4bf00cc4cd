package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// rookReady is a session whose steps 1-5 are done, pointed at both
// simulators (with faults), holding the client's ROOK credentials.
func rookReady(t *testing.T, f rooksim.Faults) *Session {
	t.Helper()
	s, _ := rookStack(t, f)
	return s
}

// rookStack is rookReady with its simulators.
func rookStack(t *testing.T, f rooksim.Faults) (*Session, *rooksim.Stack) {
	t.Helper()
	st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Faults: f}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	w := newWorld(t)
	s := w.demoSession(t)
	notDemo(s)
	s.ExportDir = t.TempDir()
	s.APIBase, s.ROOKAPIBase = st.Dexcom.URL, st.ROOK.URL
	s.Browse = sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)
	a := s.App()
	a.ClientID, a.ClientSecret = sandbox.DemoClientID, secret.New(sandbox.DemoClientSecret)
	a.ROOKRedirectURL = st.ROOK.RedirectURL()
	a.ROOKClientUUID, a.ROOKSecretKey = rooksim.DemoClientUUID, secret.New(rooksim.DemoSecretKey)
	for _, done := range onboarding.Steps[:onboarding.AuthenticateTestUser] {
		s.Progress.MarkDone(done, fixedNow)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return s, st
}

// Step 6 through ROOK in both front ends, healthy and misconfigured: the
// same stages, the same named cause and fix, the same recorded status.
func TestStep6ThroughROOKBothFrontEnds(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	for _, tt := range []struct {
		name       string
		faults     rooksim.Faults
		cause, fix string
	}{
		{name: "healthy", cause: "Connected through ROOK", fix: "blood glucose from ROOK"},
		{name: "wrong Client ID held by ROOK", faults: rooksim.Faults{WrongClientID: true},
			cause: "ROOK holds Client ID '", fix: "ask your CSE to correct it (Step 4)"},
		{name: "Redirect URL not registered", faults: rooksim.Faults{RedirectNotRegistered: true},
			cause: "invalid redirect_uri", fix: "paste ROOK's Redirect URL into your Dexcom app (Step 5)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // its own simulators and vault
			ok := tt.faults == (rooksim.Faults{})
			ls := rookReady(t, tt.faults)
			out, err := runLine(t, ls, []string{"", "", "", "n", "y", "n"}) // fields kept; not direct; through ROOK; stop
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if !strings.Contains(out, "… check the authorization URL") || (ok && !strings.Contains(out, "ROOK: ")) ||
				(!ok && (!strings.Contains(out, tt.cause) || !strings.Contains(out, tt.fix))) {
				t.Fatalf("line mode:\n%s", out)
			}

			ss := rookReady(t, tt.faults)
			p := startProgram(t, NewWizard(ss), 120, 40)
			p.waitFor(t, "Step 6")
			p.send(keys("r")...)
			p.waitFor(t, tt.cause, tt.fix)
			p.quit(t)
			ss.DrainSaves()
			for _, s := range []*Session{ls, ss} {
				want := onboarding.Done
				if !ok {
					want = onboarding.Attention
				}
				if got := s.Progress.StatusOf(onboarding.AuthenticateTestUser); got != want {
					t.Fatalf("step 6 is %s, want %s", got, want)
				}
			}
			if strings.Contains(out, rooksim.DemoSecretKey) {
				t.Fatal("the ROOK secret key was printed")
			}
		})
	}
}

// e edits step 6's ROOK fields in place: the secret key is masked on the
// screen and stored only in the vault; a malformed UUID is refused.
func TestStep6EditsROOKCredentials(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	s := rookReady(t, rooksim.Faults{})
	a := s.App()
	a.ROOKClientUUID, a.ROOKSecretKey = "", secret.New("")
	p := startProgram(t, NewWizard(s), 120, 40)
	p.waitFor(t, "Step 6", "client not set (e)")
	p.send(keys("e")...)
	p.typeText("not-a-uuid")
	p.send(keys("enter")...)
	p.waitFor(t, "looks like 4e1c2a9b")
	p.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	p.typeText(rooksim.DemoClientUUID)
	p.send(keys("enter")...)
	p.typeText("a-secret-key-Zq8Wm2")
	p.send(keys("enter")...)
	p.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	p.typeText("clinic-tester-1")
	p.send(keys("enter")...)
	p.waitFor(t, "client 4e1c2a9b…", "Test user clinic-tester-1")
	final := p.quit(t).(*Wizard)
	if v, _ := final.pages[final.current].View(); strings.Contains(v, "a-secret-key-Zq8Wm2") || strings.Contains(final.View(), "a-secret-key-Zq8Wm2") {
		t.Fatal("the secret key is on the screen")
	}
	s.DrainSaves()
	got, err := s.Vault.Profile("Demo Clinic")
	if err != nil {
		t.Fatal(err)
	}
	ga := got.App(s.Progress.Env)
	if ga.ROOKClientUUID != rooksim.DemoClientUUID || ga.ROOKSecretKey.Reveal() != "a-secret-key-Zq8Wm2" || ga.ROOKUserID != "clinic-tester-1" {
		t.Fatalf("stored: %q %q %q", ga.ROOKClientUUID, ga.ROOKSecretKey.Reveal(), ga.ROOKUserID)
	}
}

// The prerequisites' webhook probe, in both front ends: 200 passes, 500
// fails with what ROOK then does; the verdict is recorded.
func TestWebhookPrerequisiteBothFrontEnds(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	for _, status := range []int{200, 500} {
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
				w.WriteHeader(400)
				return
			}
			w.WriteHeader(status)
		}))
		defer hook.Close()
		want, record := "answered 200, as dexonboard reads the guide", "200 pass"
		if status != 200 {
			want, record = "ROOK retries the delivery", "500 fail"
		}

		w := newWorld(t)
		ls := w.demoSession(t)
		out, err := runLine(t, ls, []string{"y", "y", hook.URL, "n"})
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("line mode (%d): %v\n%s", status, err, out)
		}

		w2 := newWorld(t)
		ss := w2.demoSession(t)
		p := startProgram(t, NewWizard(ss), 120, 40)
		p.waitFor(t, "Prerequisites")
		p.send(keys("space", "down", "space", "down", "enter")...)
		p.send(tea.KeyMsg{Type: tea.KeyCtrlU})
		p.typeText(hook.URL)
		p.send(keys("enter", "enter")...)
		p.waitFor(t, want)
		p.quit(t)
		ss.DrainSaves()
		for _, s := range []*Session{ls, ss} {
			if got := s.Progress.Field(onboarding.Prerequisites, "webhook_probe"); got != record || s.App().WebhookURL != hook.URL {
				t.Fatalf("recorded %q, url %q", got, s.App().WebhookURL)
			}
		}
	}
}
