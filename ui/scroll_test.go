package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// TestResultsScrollIntoView: at 80x24 the result of each action (step 4's
// sealed file and code, step 5's preflight and copy, step 1's portal URL)
// is on screen when it arrives, and ↓ from the top reaches the page's last
// line.
func TestResultsScrollIntoView(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.ExportDir = t.TempDir()
	s.App().ClientID, s.App().ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
	s.App().ROOKRedirectURL = "https://rook.example/api/v1/dexcom/callback"
	_, rcpt, err := handoff.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	shows := func(what string, want ...string) string {
		t.Helper()
		v := ansi.Strip(wiz.View())
		fits(t, v, 80, 24)
		for _, s := range want {
			if !strings.Contains(v, s) {
				t.Fatalf("%s: %q is not on screen:\n%s", what, s, v)
			}
		}
		return v
	}
	reachesTheEnd := func(what, last string) {
		t.Helper()
		send(wiz, keys("up", "up", "up", "up", "up", "up", "up", "up")...)
		for range 40 {
			send(wiz, keys("down")...)
		}
		v := shows(what+" after ↓", last)
		if strings.Contains(v, "↓ more below") {
			t.Fatalf("%s: ↓ stopped before the end:\n%s", what, v)
		}
	}

	wiz.goTo(int(onboarding.ShareWithROOK))
	wiz.pages[wiz.current].(*stepPage).form.input(onboarding.FieldRecipient).SetValue(rcpt)
	seal, err := s.Seal(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	sl, err := seal()
	if err != nil {
		t.Fatal(err)
	}
	send(wiz, sealedMsg{sealed: sl})
	shows("step 4 sealed", "Verification code", sl.Code)
	reachesTheEnd("step 4", sl.Code)

	wiz.goTo(int(onboarding.ConfigureRedirect))
	send(wiz, keys("p")...)
	send(wiz, preflightDoneMsg{step: onboarding.ConfigureRedirect, results: []PreflightResult{
		{RedirectURI: "https://rook.example/api/v1/dexcom/callback", Status: 200}, {RedirectURI: w.loopback, Status: 200}}})
	shows("step 5 preflight", "✓ 200 https://rook.example", "✓ 200 "+w.loopback)
	send(wiz, copiedMsg{text: w.loopback})
	shows("step 5 copy", "Copied to the clipboard")
	reachesTheEnd("step 5", "Copied to the clipboard")

	wiz.goTo(int(onboarding.CreateAccount))
	send(wiz, openedMsg{url: onboarding.PortalURL})
	shows("step 1 portal", "Portal: "+onboarding.PortalURL)
	reachesTheEnd("step 1", "Portal: ")
}

// TestFieldsNeverTrapNavigation: on step 3 with empty fields, letters are
// keys until enter edits a field, and →/pgdn leave an empty field.
func TestFieldsNeverTrapNavigation(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.Prefill = Prefill{} // empty fields, as outside the demo
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	wiz.goTo(int(onboarding.CreateApp))
	send(wiz, keys("right", "o")...)
	if wiz.Current() != onboarding.CollectCredentials {
		t.Fatalf("on %s, not step 3", wiz.Current())
	}
	id := wiz.pages[wiz.current].(*stepPage).form.input(onboarding.FieldClientID)
	if id.Value() != "" {
		t.Fatalf("o typed %q into a field nobody is editing", id.Value())
	}
	send(wiz, keys("right")...)
	if wiz.Current() != onboarding.ShareWithROOK {
		t.Fatalf("→ stayed on %s", wiz.Current())
	}
	send(wiz, keys("left", "enter", "o")...)
	if wiz.Current() != onboarding.CollectCredentials || id.Value() != "o" {
		t.Fatalf("editing: on %s, field %q", wiz.Current(), id.Value())
	}
	send(wiz, tea.KeyMsg{Type: tea.KeyBackspace}, tea.KeyMsg{Type: tea.KeyRight})
	if wiz.Current() != onboarding.ShareWithROOK {
		t.Fatalf("→ in an emptied field stayed on %s", wiz.Current())
	}
	send(wiz, keys("left", "enter", "x")...)
	send(wiz, tea.KeyMsg{Type: tea.KeyPgDown})
	if wiz.Current() != onboarding.ShareWithROOK {
		t.Fatalf("pgdn in a field stayed on %s", wiz.Current())
	}
}

// TestHelpBarKeepsTheWayOn: at 80 columns every step's help bar still shows
// → next, ? help and q quit (the page's own keys give way first), and ?
// lists every key of the page, a field's keys included.
func TestHelpBarKeepsTheWayOn(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	wiz := NewWizard(w.demoSession(t))
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	for i := range wiz.pages[:len(wiz.pages)-1] {
		wiz.goTo(i)
		h := ansi.Strip(wiz.helpView())
		for _, want := range []string{"→/pgdn next step", "? help", "q quit"} {
			if !strings.Contains(h, want) || ansi.StringWidth(h) > 80 {
				t.Errorf("step %d: %q missing from the help bar: %s", i, want, h)
			}
		}
	}
	wiz.goTo(int(onboarding.ShareWithROOK))
	send(wiz, keys("?")...)
	h := ansi.Strip(wiz.helpView())
	for _, want := range []string{"enter", "tab", "shift+tab", "esc", "set date to today", "ctrl+c", "←/pgup", "→/pgdn", "? ", "q "} {
		if !strings.Contains(h, want) {
			t.Errorf("? does not list %q:\n%s", want, h)
		}
	}
	fits(t, wiz.View(), 80, 24)
}

// TestHelpBarAtTheBottom: the region picker (a short screen) keeps its help
// bar on the terminal's last line, as every screen does.
func TestHelpBarAtTheBottom(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	send(wiz, startProductionMsg{})
	lines := strings.Split(ansi.Strip(wiz.View()), "\n")
	if len(lines) != 24 || !strings.Contains(lines[23], "q quit") || !strings.Contains(strings.Join(lines, "\n"), "which region?") {
		t.Fatalf("%d lines, the last %q:\n%s", len(lines), lines[len(lines)-1], strings.Join(lines, "\n"))
	}
}

// TestNothingCutAt80: the vault setup shows a long path and its prose whole,
// and the client list keeps its columns apart, at 80 columns.
func TestNothingCutAt80(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.session()
	s.VaultPath = "/home/a-person-with-a-long-name/.local/share/dexonboard/clients/of/the/clinic/vault.db"
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	v := ansi.Strip(wiz.View())
	fits(t, v, 80, 24)
	flat := strings.Join(strings.Fields(v), " ")
	for _, want := range []string{"progress in one encrypted file:", "including ROOK, can open the vault.", "/of/the/ clinic/vault.db"} {
		if !strings.Contains(flat, want) {
			t.Errorf("%q is cut:\n%s", want, v)
		}
	}

	s = w.demoSession(t)
	notDemo(s)
	s.Profile, s.Progress = nil, nil
	addClients(t, s.Vault)
	s.Vault = w.openVault(t)
	list := NewWizard(s)
	send(list, tea.WindowSizeMsg{Width: 80, Height: 24})
	send(list, list.profiles.Init()())
	v = ansi.Strip(list.View())
	fits(t, v, 80, 24)
	if strings.Contains(v, "not started not started") || strings.Contains(v, "started never") || !strings.Contains(v, "✗ 2026-11-24 sandbox") {
		t.Errorf("columns run together or are cut:\n%s", v)
	}
}

// TestPrefilledInputsShowTheirStart: a prefilled value longer than its
// field shows its first characters at both sizes (the key's "age1", the
// URL's "https://"), and the end only while it is edited.
func TestPrefilledInputsShowTheirStart(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	_, rcpt, err := handoff.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	for _, sz := range sizes {
		w := newWorld(t)
		s := w.demoSession(t)
		s.Prefill.Recipient = rcpt
		s.Prefill.ROOKRedirect = "https://rook.example/api/v1/dexcom/callback/" + strings.Repeat("segment/", 8)
		wiz := NewWizard(s)
		send(wiz, tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
		wiz.goTo(int(onboarding.ShareWithROOK))
		v := ansi.Strip(wiz.View())
		if !strings.Contains(v, "› age1") || sz.h >= 40 && !strings.Contains(v, "› https://rook.example") { // at 24 rows the URL is below
			t.Fatalf("%dx%d: the inputs do not show their start:\n%s", sz.w, sz.h, v)
		}
		send(wiz, keys("enter")...) // edit the key: the cursor goes to its end
		if v := ansi.Strip(wiz.View()); strings.Contains(v, "› age1") || !strings.Contains(v, rcpt[len(rcpt)-6:]) {
			t.Fatalf("%dx%d: editing does not show the end:\n%s", sz.w, sz.h, v)
		}
	}
}

// A result drawn above the cursor (step 6's refusal sits above the demo's
// test-user picker) only pushes the cursor's row down: the window shows the
// result, not the row.
func TestResultAboveTheCursorScrollsIntoView(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	s := newWorld(t).demoSession(t)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	wiz.goTo(int(onboarding.AuthenticateTestUser))
	send(wiz, keys("r")...) // no Client ID stored yet: refused at once
	v := ansi.Strip(wiz.View())
	fits(t, v, 80, 24)
	if !strings.Contains(v, "not stored yet") {
		t.Fatalf("the refusal is not on screen:\n%s", v)
	}
}
