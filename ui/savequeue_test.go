package ui

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/vault"
)

// TestQuitRightAfterASave stores the credentials in step 3 and quits at
// once (ctrl+c, or a signal that kills the program), in a real Bubble Tea
// program, as the command layer runs it: drain the saves, then close the
// vault. The stored credentials must be in the vault every time.
func TestQuitRightAfterASave(t *testing.T) {
	t.Parallel()
	runs := 60
	if testing.Short() {
		runs = 10
	}
	for run := range runs {
		w := newWorld(t)
		s := w.demoSession(t)
		wiz := NewWizard(s)
		wiz.goTo(int(onboarding.CollectCredentials))
		ctx, kill := context.WithCancel(context.Background())
		prog := tea.NewProgram(wiz, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithContext(ctx))
		quit := keys("tab", "enter", "ctrl+c")
		if run%2 == 1 {
			quit = keys("tab", "enter")
		}
		go func() {
			prog.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
			prog.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(sandbox.DemoClientID), Paste: true})
			for _, m := range keys("tab") {
				prog.Send(m)
			}
			prog.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(sandbox.DemoClientSecret), Paste: true})
			for _, m := range quit {
				prog.Send(m)
			}
			if run%2 == 1 {
				kill() // as SIGTERM does: Bubble Tea drops the commands not yet started
			}
		}()
		if _, err := prog.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
			t.Fatal(err)
		}
		kill()
		s.DrainSaves()
		if err := s.Vault.Close(); err != nil {
			t.Fatal(err)
		}

		v, err := vault.Open(w.path, []byte(testPass), testVaultOpts)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		p, err := v.Profile("Demo Clinic")
		if err != nil {
			t.Fatal(err)
		}
		if got := p.App(dexcom.Sandbox).ClientSecret.Reveal(); got != sandbox.DemoClientSecret {
			t.Fatalf("run %d: the credentials stored before quitting are not in the vault (secret %q)", run, got)
		}
		pr, err := v.Progress(p.ID, onboarding.SandboxTrack)
		if err != nil || pr == nil || pr.StatusOf(onboarding.CollectCredentials) != onboarding.Done {
			t.Fatalf("run %d: step 3 not saved as done: %v", run, err)
		}
		v.Close()
	}
}

// TestDrainRunsSavesTheProgramDropped: the credentials are stored (Update
// returned the save), but the program ended before running the command.
// The drain must run it.
func TestDrainRunsSavesTheProgramDropped(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.demoSession(t)
	wiz := NewWizard(s)
	wiz.goTo(int(onboarding.CollectCredentials))
	send(wiz, tea.WindowSizeMsg{Width: 120, Height: 40}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(sandbox.DemoClientID), Paste: true})
	send(wiz, keys("tab")...)
	send(wiz, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(sandbox.DemoClientSecret), Paste: true})
	send(wiz, keys("tab", "enter")...) // the save commands are dropped, never run
	s.DrainSaves()
	s.Vault.Close()
	v, err := vault.Open(w.path, []byte(testPass), testVaultOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	p, err := v.Profile("Demo Clinic")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.App(dexcom.Sandbox).ClientSecret.Reveal(); got != sandbox.DemoClientSecret {
		t.Fatalf("the stored credentials were lost: secret %q", got)
	}
}

// TestQuitAsTheTokenArrives runs step 6's check in a real Bubble Tea
// program against the simulator and quits (ctrl+c, or a signal that kills
// the program) at the moment the token endpoint has answered, before the
// check has written the token; then, as the command layer does, closes
// the session. The login must be in the vault every time.
func TestQuitAsTheTokenArrives(t *testing.T) {
	t.Parallel()
	runs := 60
	if testing.Short() {
		runs = 10
	}
	for run := range runs {
		w := newWorld(t)
		s := w.demoSession(t)
		s.App().ClientID, s.App().ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
		tok := sandbox.NewTokenGate(nil)
		s.HTTP = &http.Client{Transport: tok}
		wiz := NewWizard(s)
		wiz.goTo(int(onboarding.AuthenticateTestUser))
		ctx, kill := context.WithCancel(context.Background())
		prog := tea.NewProgram(wiz, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithContext(ctx))
		go func() {
			prog.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
			prog.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("c")})
			select {
			case <-tok.Arrived():
			case <-time.After(time.Minute): // a safety net, not a measure: the login never reached the token
				t.Errorf("run %d: no token request", run)
			}
			if run%2 == 0 {
				prog.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
			} else {
				kill() // as SIGTERM does
			}
		}()
		if _, err := prog.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
			t.Fatal(err)
		}
		kill()
		tok.Release() // the token reaches the check only now, as the session closes
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		v, err := vault.Open(w.path, []byte(testPass), testVaultOpts)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		saved, err := v.Token(s.Profile.ID, dexcom.Sandbox)
		v.Close()
		if err != nil || saved == nil || saved.RefreshToken == "" {
			t.Fatalf("run %d: the login that arrived as the wizard quit is not in the vault (%v)", run, err)
		}
	}
}
