package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// findMsg runs cmd (a batch too) and returns the first message of type T.
func findMsg[T tea.Msg](cmd tea.Cmd) (T, bool) {
	var zero T
	if cmd == nil {
		return zero, false
	}
	switch m := cmd().(type) {
	case T:
		return m, true
	case tea.BatchMsg:
		for _, c := range m {
			if got, ok := findMsg[T](c); ok {
				return got, true
			}
		}
	}
	return zero, false
}

// Step 5 says what its preflight checks, and a redirect URI Dexcom's login
// refuses shows the login probe's reason in Dexcom's words.
func TestStep5PreflightShowsWhyDexcomRefused(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.App().ClientID, s.App().ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
	s.App().ROOKRedirectURL = "https://step5.example/cb" // not registered with the app
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 120, Height: 40})
	wiz.goTo(int(onboarding.ConfigureRedirect))
	if v := ansi.Strip(wiz.View()); !strings.Contains(v, "The preflight checks that Dexcom's login accepts the Client ID and each redirect URI") ||
		strings.Contains(v, "must answer 200") {
		t.Fatalf("step 5 does not say what the preflight checks:\n%s", v)
	}
	_, cmd := wiz.Update(keys("p")[0])
	done, ok := findMsg[preflightDoneMsg](cmd)
	if !ok {
		t.Fatal("p started no preflight")
	}
	var refused PreflightResult
	for _, r := range done.results {
		if r.RedirectURI == "https://step5.example/cb" {
			refused = r
		}
	}
	if refused.OK() || refused.Detail == "" {
		t.Fatalf("the simulator did not refuse the unregistered redirect with a reason: %+v", refused)
	}
	send(wiz, done)
	v := ansi.Strip(wiz.View())
	if !strings.Contains(v, "https://step5.example/cb") || !strings.Contains(strings.Join(strings.Fields(v), " "), refused.Detail[:min(40, len(refused.Detail))]) ||
		!strings.Contains(v, "✓ 200 "+w.loopback+" (Dexcom's sign-in page)") {
		t.Fatalf("the refusal's reason is not on the screen (%q):\n%s", refused.Detail, v)
	}
}

// The prerequisites' preflight says what it checks, not "the app's
// authorization URL must answer 200".
func TestPrerequisitesSayWhatThePreflightChecks(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.App().ClientID, s.App().ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 200, Height: 60})
	v := ansi.Strip(wiz.View())
	if !strings.Contains(v, "press p to check that Dexcom's login accepts the Client ID and each redirect URI") || strings.Contains(v, "authorization URL must answer 200") {
		t.Fatalf("step 0's preflight line:\n%s", v)
	}
}
