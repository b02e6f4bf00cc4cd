package ui

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/internal/vault"
	"golang.org/x/oauth2"
)

// TestClientListSortsAndActs builds a CSE's vault with three clients and
// uses the list: attention first, a report, a check with a saved login.
func TestClientListSortsAndActs(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t) // its profile "Demo Clinic" is in progress
	notDemo(s)
	s.Profile, s.Progress = nil, nil
	s.ExportDir = t.TempDir()
	v := s.Vault

	done, _ := v.CreateProfile("Zed Finished")
	all := onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox)
	for _, st := range onboarding.Steps {
		all.MarkDone(st, fixedNow)
	}
	_ = v.SaveProgress(done.ID, all)
	allProd := onboarding.NewProgress(onboarding.ProductionTrack, dexcom.US)
	for _, st := range onboarding.Steps {
		allProd.MarkDone(st, fixedNow)
	}
	_ = v.SaveProgress(done.ID, allProd)

	bad, _ := v.CreateProfile("Beta Broken")
	bad.LastCheck = &onboarding.CheckResult{At: fixedNow, Env: dexcom.Sandbox, OK: false, Summary: "failed: 403"}
	_ = v.SaveProfile(bad)

	// Demo Clinic gets a real saved login, so "check again" can work.
	demo, _ := v.Profile("Demo Clinic")
	a := demo.App(dexcom.Sandbox)
	a.ClientID, a.ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
	_ = v.SaveProfile(demo)
	ep, _ := s.Endpoints(dexcom.Sandbox)
	chk := &connect.Check{Endpoints: ep, Env: dexcom.Sandbox, App: a.Credentials(), HTTP: http.DefaultClient, Now: s.Now,
		Save:  func(tk *oauth2.Token) error { return v.SaveToken(demo.ID, dexcom.Sandbox, tk) },
		Login: connect.Login{Open: sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)}}
	if out, err := chk.Run(context.Background()); err != nil || !out.OK() {
		t.Fatal(err)
	}

	m := newProfilesModel(s, DefaultTheme(), DefaultKeys())
	m, _ = m.Update(m.Init()())
	view := m.View()
	iBad, iDemo, iDone := strings.Index(view, "Beta Broken"), strings.Index(view, "Demo Clinic"), strings.Index(view, "Zed Finished")
	if !(iBad >= 0 && iBad < iDemo && iDemo < iDone) {
		t.Fatalf("order (attention, in progress, done):\n%s", view)
	}
	if !strings.Contains(view, "✗ 2026-11-24 sandbox") || !strings.Contains(view, "8/8") {
		t.Fatalf("columns:\n%s", view)
	}

	// r on the first row writes its report.
	_, cmd := m.Update(keys("r")[0])
	msg := cmd().(workspaceNoteMsg)
	if msg.err != nil || !strings.Contains(msg.note, "report written: ") {
		t.Fatalf("report: %+v", msg)
	}
	b, _ := os.ReadFile(strings.TrimPrefix(msg.note, "report written: "))
	if !strings.Contains(string(b), "Beta Broken") || !strings.Contains(string(b), "failed: 403") {
		t.Fatalf("report:\n%s", b)
	}

	// c on Demo Clinic checks again with the saved login, no browser.
	m, _ = m.Update(keys("down")[0])
	m, cmd = m.Update(keys("c")[0])
	note := cmd().(workspaceNoteMsg)
	if note.err != nil || !strings.Contains(note.note, "Demo Clinic: verified") {
		t.Fatalf("check again: %+v", note)
	}
	m, _ = m.Update(note)
	if !strings.Contains(m.View(), "Demo Clinic: verified") {
		t.Fatalf("note not shown:\n%s", m.View())
	}
	// o, then pasting a sealed hand-off, opens it into a new profile.
	id, rcpt, _ := handoff.NewIdentity()
	if err := v.SetHandoffIdentity(id, rcpt); err != nil {
		t.Fatal(err)
	}
	src := service.CloneProfile(demo)
	src.Name = "Gamma Pasted"
	armored, code, err := service.SealHandoff(src, dexcom.Sandbox, rcpt, fixedNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, _ = m.Update(keys("o")[0])
	if !m.capturing() {
		t.Fatal("the paste box did not take the keys")
	}
	m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(string(armored)), Paste: true})
	if cmd == nil {
		t.Fatalf("pasting did not open:\n%s", m.View())
	}
	m, cmd = m.Update(runUntil[handoffPreparedMsg](t, cmd))
	opened := runUntil[workspaceNoteMsg](t, cmd)
	if opened.err != nil || !strings.Contains(opened.note, code) || !strings.Contains(opened.note, "Gamma Pasted") || strings.Contains(opened.note, sandbox.DemoClientSecret) {
		t.Fatalf("opened: %+v", opened)
	}
	if _, err := v.Profile("Gamma Pasted"); err != nil {
		t.Fatal(err)
	}
	m, _ = m.Update(opened)
	pasteReplacing(t, m, v, rcpt, demo)
	// c on a profile with no saved login says what to do.
	m, _ = m.Update(keys("up")[0])
	_, cmd = m.Update(keys("c")[0])
	if n := cmd().(workspaceNoteMsg); n.err == nil || !strings.Contains(n.err.Error(), "open it") {
		t.Fatalf("no login: %+v", n)
	}
}

// runUntil runs a command (and batches) until it yields a T.
func runUntil[T any](t *testing.T, cmd tea.Cmd) T {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case T:
			return msg
		case tea.BatchMsg:
			queue = append(queue, msg...)
		}
	}
	t.Fatal("no such message")
	var zero T
	return zero
}

// pasteReplacing pastes a hand-off naming a profile that holds other
// credentials: the list shows what would change and replaces only on y.
func pasteReplacing(t *testing.T, m *profilesModel, v *vault.Vault, rcpt string, existing *onboarding.Profile) {
	t.Helper()
	src := service.CloneProfile(existing)
	a := src.App(dexcom.Sandbox)
	a.ClientID, a.ClientSecret = "other-client-id-42", secretOf("other-secret-0123456789-WXYZ")
	armored, _, err := service.SealHandoff(src, dexcom.Sandbox, rcpt, fixedNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	paste := func() tea.Cmd {
		m, _ = m.Update(keys("o")[0])
		var cmd tea.Cmd
		m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(string(armored)), Paste: true})
		m, cmd = m.Update(runUntil[handoffPreparedMsg](t, cmd))
		return cmd
	}
	stored := func() string {
		p, _ := v.Profile(existing.Name)
		return p.Apps[dexcom.Sandbox].ClientID
	}
	if cmd := paste(); cmd != nil || !m.capturing() {
		t.Fatal("a hand-off replacing credentials was stored without asking")
	}
	view := m.View()
	for _, want := range []string{"Verification code", sandbox.DemoClientID + " → other-client-id-42", "Client Secret", "→ ********WXYZ", "y replaces"} {
		if !strings.Contains(view, want) {
			t.Fatalf("the question lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "other-secret-0123456789") || strings.Contains(view, sandbox.DemoClientSecret) {
		t.Fatalf("a secret is on the screen:\n%s", view)
	}
	m, _ = m.Update(keys("n")[0])
	if stored() != sandbox.DemoClientID || !strings.Contains(m.View(), "Nothing was changed") {
		t.Fatalf("n replaced the credentials:\n%s", m.View())
	}
	paste() // the same hand-off again: refusing did not burn it
	m, cmd := m.Update(keys("y")[0])
	if n := runUntil[workspaceNoteMsg](t, cmd); n.err != nil || stored() != "other-client-id-42" {
		t.Fatalf("y did not replace: %+v", n)
	}
}
