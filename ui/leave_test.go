package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// leaveSession is the demo's session with nothing prefilled, on the track
// given, with a second profile ("Other Clinic") in the vault.
func leaveSession(t *testing.T, w *world, prod bool) *Session {
	t.Helper()
	s := w.demoSession(t)
	s.Prefill = Prefill{}
	if prod {
		s.Progress = onboarding.NewProgress(onboarding.ProductionTrack, dexcom.US)
	}
	if _, err := s.Vault.CreateProfile("Other Clinic"); err != nil {
		t.Fatal(err)
	}
	return s
}

// pageNumbers are where the keys walk, read before the program runs.
type pageNumbers struct{ first, credentials, production, count int }

func pageNumbersOf(wiz *Wizard) pageNumbers {
	return pageNumbers{wiz.current, wiz.pageOf(onboarding.CollectCredentials), wiz.pageOf(onboarding.RequestProduction), len(wiz.pages)}
}

// typeCredentials walks by keys to step 3, types the Client ID (and the
// secret when given) without storing them, and leaves the field.
func typeCredentials(t *testing.T, p *prog, n pageNumbers, secret string) {
	t.Helper()
	for range n.credentials - n.first {
		p.send(keys("right")...)
	}
	p.waitFor(t, "Client Secret")
	p.send(keys("enter")...)
	p.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(sandbox.DemoClientID), Paste: true})
	if secret != "" {
		p.send(keys("tab")...)
		p.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(secret), Paste: true})
	}
	p.send(keys("esc")...) // keys are taken in order: no wait (the frame may not change)
}

// toFinished goes on by keys from step 3 past the track's last step.
func toFinished(t *testing.T, p *prog, n pageNumbers) {
	t.Helper()
	for range n.count - n.credentials {
		p.send(keys("right")...)
	}
	p.waitFor(t, "Report", "client list")
}

// leaveWay is a way out of a track's step pages that replaces them.
type leaveWay struct {
	name  string
	prod  bool                                       // the steps are the production track's
	leave func(t *testing.T, p *prog, n pageNumbers) // from step 3 to the question
	where string                                     // what s and d say they go on to
	after string                                     // what the screen shows once gone
	back  string                                     // the screen esc stays on
}

var leaveWays = []leaveWay{
	{name: "client list, another profile", leave: func(t *testing.T, p *prog, n pageNumbers) {
		toFinished(t, p, n)
		p.send(keys("l")...)
		p.waitFor(t, "Client profiles", "Other Clinic")
		p.send(keys("down", "enter")...) // the list is sorted by name: Demo, Other
	}, where: "open Other Clinic", after: "Which Dexcom app", back: "profiles"},
	{name: "finished screen, production track", leave: func(t *testing.T, p *prog, n pageNumbers) {
		toFinished(t, p, n)
		p.send(keys("enter")...)
	}, where: "start the production app's track", after: "which region?", back: "finished"},
	{name: "step 7, production track", leave: func(t *testing.T, p *prog, n pageNumbers) {
		for range n.production - n.credentials {
			p.send(keys("right")...)
		}
		p.waitFor(t, "Request production access")
		p.send(keys("down", "down", "down", "enter")...)
	}, where: "start the production app's track", after: "which region?", back: "steps"},
	{name: "production finished screen, sandbox track", prod: true, leave: func(t *testing.T, p *prog, n pageNumbers) {
		toFinished(t, p, n)
		p.send(keys("enter")...)
	}, where: "open the sandbox app's track", after: "0 of 8 done", back: "finished"},
}

// TestLeavingStepsAsksAboutTypedInput: credentials typed in step 3 and not
// stored are not dropped by a way out that replaces the step pages: it
// asks as quitting does. s stores them in the profile and track they were
// typed for, then goes on; d goes on without them; esc stays, and the
// input is still there (quitting asks about it and s stores it).
func TestLeavingStepsAsksAboutTypedInput(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	for _, way := range leaveWays {
		for _, answer := range []string{"s", "d", "esc"} {
			t.Run(way.name+"/"+answer, func(t *testing.T) {
				t.Parallel() // its own world and vault
				w := newWorld(t)
				s := leaveSession(t, w, way.prod)
				env := s.Progress.Env
				wiz := NewWizard(s)
				n := pageNumbersOf(wiz)
				p := startProgram(t, wiz, 80, 24)
				typeCredentials(t, p, n, sandbox.DemoClientSecret)
				way.leave(t, p, n)
				p.waitFor(t, "Typed but not stored: Client ID & Secret: Client ID, Client Secret", "store, then "+way.where)
				p.send(keys(answer)...)
				switch answer {
				case "esc":
					p.send(keys("ctrl+c")...)
					p.waitFor(t, "store and quit") // the line above is as it was: not drawn again
					p.send(keys("s")...)
				default:
					p.waitFor(t, way.after)
					p.send(keys("ctrl+c")...) // the new pages hold nothing typed: it quits
				}
				fm := p.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Wizard)
				if answer == "esc" && (fm.Screen() != way.back || fm.s.Profile.Name != "Demo Clinic" || fm.s.Progress.Env != env) {
					t.Fatalf("esc left: on %s, %s, %s", fm.Screen(), fm.s.Profile.Name, fm.s.Progress.Env)
				}
				s.DrainSaves()
				s.Vault.Close()
				v := w.openVault(t)
				prof, err := v.Profile("Demo Clinic")
				if err != nil {
					t.Fatal(err)
				}
				progress, err := v.Progress(prof.ID, trackOf(env))
				if err != nil {
					t.Fatal(err)
				}
				id, done := prof.App(env).ClientID, progress != nil && progress.StatusOf(onboarding.CollectCredentials) == onboarding.Done
				if stored := answer != "d"; stored != (id == sandbox.DemoClientID) || stored != done {
					t.Fatalf("after %s, the %s app's Client ID is %q and step 3 done is %v", answer, env, id, done)
				}
				other, err := v.Profile("Other Clinic")
				if err != nil {
					t.Fatal(err)
				}
				if other.App(env).ClientID != "" {
					t.Fatal("the credentials went to the profile opened")
				}
			})
		}
	}
}

func trackOf(env dexcom.Environment) onboarding.Track {
	if env == dexcom.Sandbox {
		return onboarding.SandboxTrack
	}
	return onboarding.ProductionTrack
}

// TestLeavingStepsRefusedInputStays: a Client ID without its secret cannot
// be stored: s says so and the profile is not left; esc stays too, and d
// (here, of the quit question) quits without it.
func TestLeavingStepsRefusedInputStays(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := leaveSession(t, w, false)
	wiz := NewWizard(s)
	n := pageNumbersOf(wiz)
	p := startProgram(t, wiz, 80, 24)
	typeCredentials(t, p, n, "")
	leaveWays[0].leave(t, p, n)
	p.waitFor(t, "Typed but not stored: Client ID & Secret: Client ID", "store, then open Other Clinic")
	p.send(keys("s")...)
	p.waitFor(t, "Not stored: Client ID & Secret:")
	p.send(keys("esc", "ctrl+c")...)
	p.waitFor(t, "store and quit")
	p.send(keys("d")...)
	fm := p.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Wizard)
	if fm.s.Profile.Name != "Demo Clinic" || fm.Screen() != "profiles" {
		t.Fatalf("a refused store left for %s (%s)", fm.s.Profile.Name, fm.Screen())
	}
	s.DrainSaves()
	s.Vault.Close()
	prof, err := w.openVault(t).Profile("Demo Clinic")
	if err != nil {
		t.Fatal(err)
	}
	if id := prof.App(dexcom.Sandbox).ClientID; id != "" {
		t.Fatalf("a Client ID without a secret was stored: %q", id)
	}
}

// TestLeavingStepsCtrlCAsksToQuit: ctrl+c during the question about
// leaving is a quit: it asks the quit question, and a second one quits.
func TestLeavingStepsCtrlCAsksToQuit(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := leaveSession(t, w, false)
	wiz := NewWizard(s)
	n := pageNumbersOf(wiz)
	p := startProgram(t, wiz, 80, 24)
	typeCredentials(t, p, n, sandbox.DemoClientSecret)
	leaveWays[1].leave(t, p, n)
	p.waitFor(t, "store, then start the production app's track")
	p.send(keys("ctrl+c")...)
	p.waitFor(t, "store and quit")
	p.send(keys("ctrl+c")...)
	p.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if got := namesAfterQuit(t, s, w); got != "Demo Clinic, Other Clinic" {
		t.Fatalf("the vault holds: %s", got)
	}
}

// TestLeavingGolden draws the question on the client list after another
// profile was picked with step 3's credentials typed, not stored.
func TestLeavingGolden(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := leaveSession(t, w, false)
	wiz := typedStep3(s, sandbox.DemoClientSecret)
	send(wiz, showProfilesMsg{})
	send(wiz, wiz.profiles.Init()())
	send(wiz, keys("down")...)
	_, open := wiz.Update(keys("enter")[0])
	if open == nil {
		t.Fatal("enter on Other Clinic did nothing")
	}
	send(wiz, open())
	v := wiz.View()
	fits(t, v, 80, 24)
	if !strings.Contains(ansi.Strip(v), "store, then open Other Clinic") {
		t.Fatalf("no question:\n%s", ansi.Strip(v))
	}
	golden(t, "leave-profiles-nocolor-80x24", v)
}

// TestLeavingForNewProfile: a profile created on the list is opened only
// after the question; esc stays on the list, which shows the new profile,
// and the name is not asked about again (it is stored).
func TestLeavingForNewProfile(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := leaveSession(t, w, false)
	wiz := typedStep3(s, "")
	send(wiz, showProfilesMsg{})
	send(wiz, wiz.profiles.Init()())
	send(wiz, keys("down", "down", "enter")...)
	send(wiz, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Quarry Health")})
	_, create := wiz.Update(keys("enter")[0])
	send(wiz, create())
	if v := ansi.Strip(wiz.View()); wiz.Screen() != "profiles" || !strings.Contains(v, "store, then open Quarry Health") || strings.Contains(v, "Name of the new profile") {
		t.Fatalf("the created profile opened, or the question is wrong:\n%s", v)
	}
	_, reload := wiz.Update(keys("esc")[0])
	if reload == nil || wiz.asking != nil {
		t.Fatal("esc did not end the question and reload the list")
	}
	send(wiz, reload())
	send(wiz, keys("ctrl+c")...)
	v := ansi.Strip(wiz.View())
	if !strings.Contains(v, "Quarry Health ") || !strings.Contains(v, "Typed but not stored: Client ID & Secret: Client ID") || strings.Contains(v, "new profile") {
		t.Fatalf("after esc and ctrl+c:\n%s", v)
	}
}

// TestLeavingAsksAboutROOKFields: a ROOK field of step 6 the session
// refused is asked about when another profile is picked; s says the
// refusal and stays, and once the value is good stores it in the profile
// left, then opens the other.
func TestLeavingAsksAboutROOKFields(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := leaveSession(t, w, false)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	wiz.goTo(int(onboarding.AuthenticateTestUser))
	uuid := wiz.pages[wiz.current].(*connectPage).fields.form.input("rook_client_uuid")
	uuid.SetValue("not-a-uuid")
	send(wiz, showProfilesMsg{})
	send(wiz, wiz.profiles.Init()())
	send(wiz, keys("down")...)
	_, open := wiz.Update(keys("enter")[0])
	send(wiz, open())
	if v := ansi.Strip(wiz.View()); !strings.Contains(v, "ROOK client UUID") || !strings.Contains(v, "store, then open Other Clinic") {
		t.Fatalf("picking another profile lost the ROOK field:\n%s", v)
	}
	send(wiz, keys("s")...)
	if v := ansi.Strip(wiz.View()); wiz.Screen() != "profiles" || s.Profile.Name != "Demo Clinic" || !strings.Contains(v, "Not stored") {
		t.Fatalf("s stored a refused UUID or left:\n%s", v)
	}
	const good = "4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13"
	uuid.SetValue(good)
	if _, cmd := wiz.Update(keys("s")[0]); cmd == nil || wiz.Screen() != "track" || s.Profile.Name != "Other Clinic" {
		t.Fatalf("s did not store and open Other Clinic: on %s, %s", wiz.Screen(), s.Profile.Name)
	}
	s.DrainSaves()
	s.Vault.Close()
	v := w.openVault(t)
	for name, want := range map[string]string{"Demo Clinic": good, "Other Clinic": ""} {
		p, err := v.Profile(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.App(dexcom.Sandbox).ROOKClientUUID; got != want {
			t.Fatalf("%s holds ROOK client UUID %q, want %q", name, got, want)
		}
	}
}
