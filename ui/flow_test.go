package ui

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

func secretOf(s string) secret.String { return secret.New(s) }

// prog is a real Bubble Tea program driven by keys (teatest).
type prog struct {
	tm  *teatest.TestModel
	out bytes.Buffer
}

func startProgram(t *testing.T, m tea.Model, w, h int) *prog {
	t.Helper()
	return &prog{tm: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))}
}

func (p *prog) send(msgs ...tea.Msg) {
	for _, m := range msgs {
		p.tm.Send(m)
	}
}

func (p *prog) typeText(s string) { p.tm.Type(s) }

// waitFor waits until the screen has shown every s since the last wait.
func (p *prog) waitFor(t *testing.T, ss ...string) {
	t.Helper()
	teatest.WaitFor(t, p.tm.Output(), func(b []byte) bool {
		p.out.Write(b)
		for _, s := range ss {
			if !bytes.Contains(p.out.Bytes(), []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	p.out.Reset()
}

func (p *prog) quit(t *testing.T) tea.Model {
	t.Helper()
	p.send(keys("ctrl+c")...)
	return p.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestFullFlowThenResume creates a vault, a profile and walks the sandbox
// track to a verified connection with glucose data, quits, and starts again:
// a wrong passphrase is refused, the right one resumes at step 7.
func TestFullFlowThenResume(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.session()
	s.Browse = sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true) // the test user's browser
	p := startProgram(t, NewWizard(s), 120, 40)

	p.waitFor(t, "Create your vault")
	p.typeText(testPass)
	p.send(keys("enter")...)
	p.typeText(testPass)
	p.send(keys("enter")...)
	p.waitFor(t, "Name of the new profile")
	p.typeText("Acme Health")
	p.send(keys("enter")...)
	p.waitFor(t, "Which Dexcom app")
	p.send(keys("enter")...)
	p.waitFor(t, "ROOK recommends two Dexcom applications")

	// Prerequisites and step 1.
	p.send(keys("space", "down", "space", "right")...)
	p.waitFor(t, "Step 1")
	p.send(keys("space", "down", "space", "down", "space", "down", "space", "down", "space", "down", "space", "d", "right")...)
	// Step 2: three ticks, then the name.
	p.waitFor(t, "Step 2")
	p.send(keys("space", "down", "space", "down", "space", "down", "enter")...)
	p.typeText("Acme sandbox")
	p.send(keys("enter", "esc", "right")...)
	// Step 3: the cursor waits on the empty Client ID field; enter edits it.
	p.waitFor(t, "Step 3")
	p.send(keys("enter")...)
	p.typeText(sandbox.DemoClientID)
	p.send(keys("tab")...)
	p.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(sandbox.DemoClientSecret), Paste: true})
	p.send(keys("tab", "enter")...)
	p.waitFor(t, "Stored encrypted: client id "+sandbox.DemoClientID)
	p.send(keys("right")...)
	// Step 4: ticks, ROOK's URL, the date.
	p.waitFor(t, "Step 4")
	p.send(keys("down", "down", "space", "down", "space", "down", "space", "down", "enter")...)
	p.typeText("https://rook.example/api/v1/dexcom/callback")
	p.send(keys("enter", "d", "right")...)
	// Step 5: the loopback URL of this test, the tick, the preflight.
	p.waitFor(t, "Step 5")
	p.send(keys("down", "enter")...)
	p.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	p.typeText(w.loopback)
	p.send(keys("enter", "down", "space", "p")...) // enter stores the URL and moves on
	p.waitFor(t, "✓ 200")
	p.send(keys("right")...)
	// Step 6: connect; the browser logs SandboxUser7 in.
	p.waitFor(t, "Step 6")
	p.send(keys("c")...)
	p.waitFor(t, "Verified", "Glucose data", "readings today · mean")
	p.send(keys("q")...)
	p.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	s.DrainSaves()
	s.Vault.Close()

	// The vault holds it all.
	v, err := vault.Open(w.path, []byte(testPass), testVaultOpts)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := v.Profile("Acme Health")
	if err != nil {
		t.Fatal(err)
	}
	pr, _ := v.Progress(prof.ID, onboarding.SandboxTrack)
	for _, st := range onboarding.Steps[:7] {
		if pr.StatusOf(st) != onboarding.Done {
			t.Errorf("%s is %s", st, pr.StatusOf(st))
		}
	}
	a := prof.Apps[dexcom.Sandbox]
	if a.ClientSecret.Reveal() != sandbox.DemoClientSecret || a.Name != "Acme sandbox" || a.RedirectURI != w.loopback || prof.LastCheck == nil || !prof.LastCheck.OK {
		t.Fatalf("profile: %+v %+v", a, prof.LastCheck)
	}
	if tok, _ := v.Token(prof.ID, dexcom.Sandbox); tok == nil {
		t.Fatal("no token saved")
	}
	v.Close()

	// Resume: a wrong passphrase first.
	s2 := w.session()
	p2 := startProgram(t, NewWizard(s2), 120, 40)
	p2.waitFor(t, "Unlock your vault")
	p2.typeText("not-my-passphrase-at-all")
	p2.send(keys("enter")...)
	p2.waitFor(t, "wrong passphrase")
	p2.typeText(testPass)
	p2.send(keys("enter")...)
	p2.waitFor(t, "Acme Health")
	p2.send(keys("enter")...)
	p2.waitFor(t, "Which Dexcom app")
	p2.send(keys("enter")...)
	p2.waitFor(t, "Step 7")
	final := p2.quit(t).(*Wizard)
	if final.Current() != onboarding.RequestProduction {
		t.Fatalf("resumed at %v", final.Current())
	}
	s2.DrainSaves()
	s2.Vault.Close()
}

var _ = io.Discard
var _ = context.Background
var _ = strings.Contains
