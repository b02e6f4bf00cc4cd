package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/demo"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
)

// worldReady is the demo's world set up as after steps 1-5, and a session
// on it at step 6 (the session carries the world's misconfigurations).
func worldReady(t *testing.T) (*demo.World, *Session) {
	t.Helper()
	w, err := demo.Start(demo.Options{Ready: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	s, err := w.Session(t.TempDir(), testVaultOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Throwaway, s.VaultPath, s.ExportDir = "/tmp/dexonboard-demo", "/tmp/dexonboard-demo/vault.db", t.TempDir()
	p := w.Sandbox
	a := s.App()
	a.ClientID, a.ClientSecret, a.RedirectURI = p.ClientID, secret.New(p.ClientSecret), p.Loopback
	a.ROOKRedirectURL, a.ROOKClientUUID, a.ROOKSecretKey = p.ROOKRedirect, p.ROOKClientUUID, secret.New(p.ROOKSecretKey)
	for _, done := range onboarding.Steps[:onboarding.AuthenticateTestUser] {
		s.Progress.MarkDone(done, fixedNow)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return w, s
}

func onFaults(s *Session) []string {
	var on []string
	for _, f := range s.Faults {
		if f.On() {
			on = append(on, f.Name)
		}
	}
	return on
}

// f opens the list of misconfigurations; picking one switches it on (the
// header says so), step 6 through ROOK then names it; picking it again
// switches it off and step 6 passes.
func TestFaultsListSwitchesAMisconfigurationOnAndOff(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	_, s := worldReady(t)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	if wiz.Current() != onboarding.AuthenticateTestUser || !strings.Contains(ansi.Strip(wiz.View()), "f misconfigurations") {
		t.Fatalf("step 6 with f in the help bar:\n%s", ansi.Strip(wiz.View()))
	}
	send(wiz, keys("f")...)
	golden(t, "faults-nocolor-80x24", wiz.View())
	send(wiz, keys("down", "down", "down", "down", "enter")...) // Dexcom not enabled at ROOK
	v := ansi.Strip(wiz.View())
	if got := onFaults(s); len(got) != 1 || got[0] != demo.FaultDexcomDisabled ||
		!strings.Contains(v, "● Dexcom not enabled at ROOK") || !strings.Contains(v, "Switched on: Dexcom not enabled at ROOK") {
		t.Fatalf("on %v:\n%s", got, v)
	}
	// Another pick switches the first off: one at a time.
	send(wiz, keys("f", "up", "enter")...)
	if got := onFaults(s); len(got) != 1 || got[0] != demo.FaultRedirectDiffers {
		t.Fatalf("on %v", got)
	}
	send(wiz, keys("f", "down", "enter")...)

	p := startProgram(t, wiz, 120, 40)
	p.send(keys("r")...)
	p.waitFor(t, "Dexcom is not enabled", "ask your CSE")
	p.send(keys("f")...)
	p.waitFor(t, "Misconfigurations to try", "▸ ● Dexcom not enabled at ROOK on")
	p.send(keys("enter")...) // the list opens at the one that is on
	p.waitFor(t, "Switched off: Dexcom not enabled at ROOK")
	if got := onFaults(s); len(got) != 0 {
		t.Fatalf("still on: %v", got)
	}
	p.send(keys("r")...)
	p.waitFor(t, "Connected through ROOK")
	p.quit(t)
}

// Without a list on the session, f does nothing and is not offered.
func TestNoFaultsNoKey(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	s := newWorld(t).demoSession(t)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	before := wiz.View()
	send(wiz, keys("f")...)
	if after := wiz.View(); after != before || strings.Contains(ansi.Strip(after), "misconfigurations") {
		t.Fatalf("f changed the screen:\n%s", ansi.Strip(after))
	}
}
