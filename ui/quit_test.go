package ui

import (
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/vault"
)

// listSession is unlocked on the client list of a vault holding "Demo
// Clinic", as after the unlock screen.
func listSession(t *testing.T, w *world) *Session {
	t.Helper()
	s := w.demoSession(t)
	notDemo(s)
	s.Profile, s.Progress = nil, nil
	return s
}

// profileNames reopens the world's vault and lists its profiles.
func profileNames(t *testing.T, w *world) []string {
	t.Helper()
	v := w.openVault(t)
	ps, err := v.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names
}

// namesAfterQuit does what the command does after the program ends
// (finish the queued saves, close the vault), then lists the profiles.
func namesAfterQuit(t *testing.T, s *Session, w *world) string {
	t.Helper()
	s.DrainSaves()
	s.Vault.Close()
	return strings.Join(profileNames(t, w), ", ")
}

// typeName opens "+ New profile" on the list and types name.
func typeName(t *testing.T, p *prog, name string) {
	t.Helper()
	p.waitFor(t, "Demo Clinic")
	p.send(keys("down", "enter")...)
	p.waitFor(t, "Name of the new profile")
	p.typeText(name)
	p.waitFor(t, name)
}

// TestQuitOnClientListAsksAboutTypedName: a name typed for a new profile
// is not lost by quitting. ctrl+c asks (q is a letter of the name there);
// s creates the profile and quits, d or a second ctrl+c quit without it.
func TestQuitOnClientListAsksAboutTypedName(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	for _, tc := range []struct {
		answer string
		stored bool
	}{{"s", true}, {"d", false}, {"ctrl+c", false}} {
		t.Run(tc.answer, func(t *testing.T) {
			t.Parallel() // its own world and vault
			w := newWorld(t)
			s := listSession(t, w)
			p := startProgram(t, NewWizard(s), 80, 24)
			typeName(t, p, "Quarry Health")
			p.send(keys("ctrl+c")...)
			p.waitFor(t, `Typed but not stored: new profile "Quarry Health"`, "store and quit")
			p.send(keys(tc.answer)...)
			p.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
			if got := namesAfterQuit(t, s, w); tc.stored != (got == "Demo Clinic, Quarry Health") || !tc.stored && got != "Demo Clinic" {
				t.Fatalf("after %s the vault holds: %s", tc.answer, got)
			}
		})
	}
}

// TestQuitOnClientListCancelKeepsTypedName: esc goes back to the list with
// the name as typed: more typing and enter create the profile from it.
func TestQuitOnClientListCancelKeepsTypedName(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := listSession(t, w)
	p := startProgram(t, NewWizard(s), 80, 24)
	typeName(t, p, "Quarry")
	p.send(keys("ctrl+c")...)
	p.waitFor(t, `Typed but not stored: new profile "Quarry"`)
	p.send(keys("esc")...)
	p.waitFor(t, "enter create")
	p.typeText(" Health")
	p.send(keys("enter")...)
	p.waitFor(t, "Which Dexcom app", "Quarry Health")
	p.quit(t)
	if got := namesAfterQuit(t, s, w); got != "Demo Clinic, Quarry Health" {
		t.Fatalf("the vault holds: %s", got)
	}
}

// TestQuitOnClientListRefusedNameStays: storing a name the vault refuses
// (a profile has it) says why and does not quit; the name stays.
func TestQuitOnClientListRefusedNameStays(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := listSession(t, w)
	p := startProgram(t, NewWizard(s), 80, 24)
	typeName(t, p, "Demo Clinic")
	p.send(keys("ctrl+c")...)
	p.waitFor(t, `Typed but not stored: new profile "Demo Clinic"`)
	p.send(keys("s")...)
	p.waitFor(t, "Not stored: new profile: a profile with that name exists")
	p.send(keys("esc")...)
	p.waitFor(t, "enter create")
	p.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	p.typeText("Second Clinic")
	p.send(keys("ctrl+c", "s")...)
	p.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if got := namesAfterQuit(t, s, w); got != "Demo Clinic, Second Clinic" {
		t.Fatalf("the vault holds: %s", got)
	}
}

// TestQuitOnClientListWithoutNameQuits: with nothing typed (or only
// spaces) there is nothing to ask about: ctrl+c quits at once.
func TestQuitOnClientListWithoutNameQuits(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	wiz := NewWizard(listSession(t, w))
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24}, wiz.profiles.Init()())
	send(wiz, keys("down", "enter", " ")...)
	if _, cmd := wiz.Update(keys("ctrl+c")[0]); cmd == nil || !wiz.quitting {
		t.Fatalf("ctrl+c with an empty name did not quit:\n%s", ansi.Strip(wiz.View()))
	}
}

// TestQuitAsksAboutStepsFromClientList: the steps' unstored input is still
// asked about after the finished screen's l opened the client list (the
// pages there are the profile's still shown in the header).
func TestQuitAsksAboutStepsFromClientList(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.Prefill = Prefill{}
	wiz := typedStep3(s, "")
	send(wiz, showProfilesMsg{})
	send(wiz, wiz.profiles.Init()())
	if _, cmd := wiz.Update(keys("q")[0]); cmd != nil || wiz.quitting || !strings.Contains(ansi.Strip(wiz.View()), "Client ID & Secret: Client ID") {
		t.Fatalf("q on the list lost the step's input:\n%s", ansi.Strip(wiz.View()))
	}
	// With a new profile's name typed too, both are asked about; the
	// steps' refusal (no secret) is said, and nothing quits.
	send(wiz, keys("esc", "down", "enter")...)
	send(wiz, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Quarry Health")})
	send(wiz, keys("ctrl+c", "s")...)
	v := ansi.Strip(wiz.View())
	if wiz.quitting || !strings.Contains(v, `new profile "Quarry Health"; Client ID & Secret: Client ID`) || !strings.Contains(v, "Not stored: Client ID & Secret:") {
		t.Fatalf("the list with a name and the steps' input:\n%s", v)
	}
}

// TestQuitAsksAboutROOKFields: a ROOK field of step 6 the session refused
// holds unstored input; quitting asks, and s says why it is not stored.
func TestQuitAsksAboutROOKFields(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	wiz.goTo(int(onboarding.AuthenticateTestUser))
	page := wiz.pages[wiz.current].(*connectPage)
	page.fields.form.input("rook_client_uuid").SetValue("not-a-uuid")
	_, cmd := wiz.Update(keys("q")[0])
	v := ansi.Strip(wiz.View())
	if cmd != nil || wiz.quitting || !strings.Contains(v, "ROOK client UUID") {
		t.Fatalf("q lost the ROOK field:\n%s", v)
	}
	send(wiz, keys("s")...)
	if v := ansi.Strip(wiz.View()); wiz.quitting || !strings.Contains(v, "Not stored") || !strings.Contains(v, "looks like") {
		t.Fatalf("s stored a refused UUID or said nothing:\n%s", v)
	}
	const uuid = "4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13"
	page.fields.form.input("rook_client_uuid").SetValue(uuid)
	if _, cmd := wiz.Update(keys("s")[0]); cmd == nil || !wiz.quitting || s.App().ROOKClientUUID != uuid {
		t.Fatalf("s did not store the UUID and quit: %q", s.App().ROOKClientUUID)
	}
}

// TestQuitGolden draws the quit question over step 3 (credentials typed,
// not stored) and over the client list (a new profile's name typed; then
// the vault refusing it) at both sizes, light and NO_COLOR.
func TestQuitGolden(t *testing.T) { // serial: eachLook pins TrueColor
	eachLook(t, func(t *testing.T, look string, width, height int) {
		w := newWorld(t)
		shot := func(name string, wiz *Wizard) {
			t.Helper()
			v := wiz.View()
			fits(t, v, width, height)
			golden(t, name+"-"+look, v)
		}
		s := w.demoSession(t)
		s.Prefill = Prefill{}
		step := NewWizard(s)
		send(step, tea.WindowSizeMsg{Width: width, Height: height})
		step.goTo(int(onboarding.CollectCredentials))
		send(step, keys("enter")...)
		send(step, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(sandbox.DemoClientID), Paste: true})
		send(step, keys("tab")...)
		send(step, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(sandbox.DemoClientSecret), Paste: true})
		send(step, keys("esc", "q")...)
		shot("quit-step3", step)

		notDemo(s)
		s.Profile, s.Progress = nil, nil
		s.VaultPath = "/home/you/.local/share/dexonboard/vault.db"
		addClients(t, s.Vault)
		s.Vault = w.openVault(t)
		list := NewWizard(s)
		send(list, tea.WindowSizeMsg{Width: width, Height: height}, list.profiles.Init()())
		send(list, keys("down", "down", "down", "down", "enter")...)
		send(list, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Clínica São José"), Paste: true})
		send(list, keys("ctrl+c")...)
		shot("quit-profiles", list)

		_, cmd := list.Update(keys("s")[0])
		if cmd == nil {
			t.Fatal("s ran nothing")
		}
		msg := cmd()
		if m, ok := msg.(nameStoredMsg); !ok || !errors.Is(m.err, vault.ErrProfileExists) {
			t.Fatalf("storing an existing name: %#v", msg)
		}
		send(list, msg)
		shot("quit-profiles-refused", list)
	})
}

// TestQuitWhileNameStores: while the typed profile is being created, s
// does not create it twice and only ctrl+c acts: it quits at once, and the
// creation's answer afterwards changes nothing.
func TestQuitWhileNameStores(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	wiz := NewWizard(listSession(t, w))
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24}, wiz.profiles.Init()())
	send(wiz, keys("down", "enter")...)
	send(wiz, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Quarry Health")})
	send(wiz, keys("ctrl+c")...)
	_, create := wiz.Update(keys("s")[0])
	if create == nil || wiz.quitting {
		t.Fatal("s did not start creating the profile")
	}
	for _, k := range []string{"s", "d", "esc"} {
		if _, cmd := wiz.Update(keys(k)[0]); cmd != nil || wiz.quitting || wiz.asking == nil {
			t.Fatalf("%s acted while the profile was being created", k)
		}
	}
	if _, cmd := wiz.Update(keys("ctrl+c")[0]); cmd == nil || !wiz.quitting {
		t.Fatal("ctrl+c did not quit while the profile was being created")
	}
	if _, cmd := wiz.Update(create()); cmd != nil {
		t.Fatal("the creation's answer after ctrl+c did something")
	}
}

// TestQuitQuestionShowsInSmallTerminal: in a terminal too small for the
// wizard, q with unstored input shows the question, not "q quits" again.
func TestQuitQuestionShowsInSmallTerminal(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.Prefill = Prefill{}
	wiz := typedStep3(s, "")
	send(wiz, tea.WindowSizeMsg{Width: 60, Height: 20})
	if v := ansi.Strip(wiz.View()); !strings.Contains(v, "q quits.") {
		t.Fatalf("small terminal:\n%s", v)
	}
	send(wiz, keys("q")...)
	v := ansi.Strip(wiz.View())
	if !strings.Contains(v, "enlarge it") || !strings.Contains(v, "Typed but not stored: Client ID & Secret: Client ID") || strings.Contains(v, "q quits.") {
		t.Fatalf("the question does not show in a small terminal:\n%s", v)
	}
	fits(t, v, 60, 20)
}
