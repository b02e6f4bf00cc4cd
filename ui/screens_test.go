package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/vault"
)

// TestScreensGolden draws the screens before the steps (unlock, the client
// list, the app picker) at both sizes, in light colours and with NO_COLOR.
// The client list holds accented and wide names: columns stay aligned.
func TestScreensGolden(t *testing.T) { // serial: eachLook pins TrueColor
	eachLook(t, func(t *testing.T, look string, width, height int) {
		w := newWorld(t)
		shot := func(name string, wiz *Wizard) {
			t.Helper()
			v := wiz.View()
			fits(t, v, width, height)
			golden(t, name+"-"+look, v)
		}
		s := w.session()
		s.VaultPath = "/home/you/.local/share/dexonboard/vault.db"
		create := NewWizard(s)
		send(create, tea.WindowSizeMsg{Width: width, Height: height})
		shot("unlock-create", create)

		s = w.demoSession(t)
		s.VaultPath = "/home/you/.local/share/dexonboard/vault.db"
		notDemo(s)
		s.Profile, s.Progress = nil, nil
		addClients(t, s.Vault)
		s.Vault, s.Create = nil, false
		unlock := NewWizard(s)
		send(unlock, tea.WindowSizeMsg{Width: width, Height: height})
		shot("unlock", unlock)

		s.Vault = w.openVault(t)
		list := NewWizard(s)
		send(list, tea.WindowSizeMsg{Width: width, Height: height})
		send(list, list.profiles.Init()())
		shot("profiles", list)

		send(list, keys("enter")...)
		p := list.profiles.list[0].Profile
		send(list, profileChosenMsg{p})
		shot("track", list)
		send(list, keys("down", "enter")...)
		shot("track-region", list)
	})
}

// addClients puts three more clients in the vault: one whose check failed,
// one finished, and names with accents and wide glyphs.
func addClients(t *testing.T, v *vault.Vault) {
	t.Helper()
	bad, _ := v.CreateProfile("Clínica São José")
	bad.LastCheck = &onboarding.CheckResult{At: fixedNow, Env: dexcom.Sandbox, OK: false, Summary: "failed: 403"}
	if err := v.SaveProfile(bad); err != nil {
		t.Fatal(err)
	}
	done, _ := v.CreateProfile("東京クリニック Tokyo")
	for _, tr := range []*onboarding.Progress{onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox), onboarding.NewProgress(onboarding.ProductionTrack, dexcom.JP)} {
		for _, st := range onboarding.Steps {
			tr.MarkDone(st, fixedNow)
		}
		if err := v.SaveProgress(done.ID, tr); err != nil {
			t.Fatal(err)
		}
	}
	done.LastCheck = &onboarding.CheckResult{At: fixedNow, Env: dexcom.JP, OK: true, Summary: "verified"}
	if err := v.SaveProfile(done); err != nil {
		t.Fatal(err)
	}
	if _, err := v.CreateProfile(strings.Repeat("Very Long Client Name ", 3)); err != nil {
		t.Fatal(err)
	}
	v.Close()
}

// openVault opens the world's vault again.
func (w *world) openVault(t *testing.T) *vault.Vault {
	t.Helper()
	v, err := vault.Open(w.path, []byte(testPass), testVaultOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}
