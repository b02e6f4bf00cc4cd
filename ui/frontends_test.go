package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/service"
)

// script answers the line mode's questions in order.
type script struct {
	answers []string
	asked   []string
	hidden  []string // the prompts read through Password (no echo)
}

func (s *script) next(prompt string) (string, error) {
	s.asked = append(s.asked, prompt)
	if len(s.answers) == 0 {
		return "", fmt.Errorf("no answer left for %q", prompt)
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	return a, nil
}

func (s *script) Input(prompt string) (string, error) { return s.next(prompt) }
func (s *script) Password(prompt string) ([]byte, error) {
	s.hidden = append(s.hidden, prompt)
	a, err := s.next(prompt)
	return []byte(a), err
}

// stepInputs are the answers both front ends give to the fields.
type stepInputs map[string]string

// readyFor is a session whose earlier steps are done, as the wizard left them.
func readyFor(t *testing.T, st onboarding.Step) (*world, *Session) {
	t.Helper()
	w := newWorld(t)
	s := w.demoSession(t)
	notDemo(s)
	s.ExportDir = t.TempDir()
	s.Browse = sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)
	a := s.App()
	if st > onboarding.CollectCredentials {
		a.ClientID, a.ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
	}
	if st > onboarding.ShareWithROOK {
		a.ROOKRedirectURL = "https://rook.example/api/v1/dexcom/callback"
	}
	for _, done := range onboarding.Steps[:st] {
		s.Progress.MarkDone(done, fixedNow)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return w, s
}

// lineAnswers are the line mode's answers to step st's spec: every tick
// yes, the fields' values, yes to sealing and connecting, no to moving on.
func lineAnswers(st onboarding.Step, in stepInputs) []string {
	var out []string
	for _, r := range onboarding.SpecOf(st).Rows {
		switch {
		case r.Kind == onboarding.Tick:
			out = append(out, "y")
		case r.Kind == onboarding.Field:
			out = append(out, in[r.ID])
		case r.ID == onboarding.ActSeal, r.ID == onboarding.ActConnect:
			out = append(out, "y")
		case r.ID == onboarding.ActStartProduction, r.ID == onboarding.ActConnectROOK:
			out = append(out, "n")
		}
	}
	if f := onboarding.SpecOf(st).Status; f != nil {
		out = append(out, fmt.Sprint(optionIndex(f, in[f.ID])+1))
	}
	if st != onboarding.RequestProduction {
		out = append(out, "n") // continue to the next step? no
	}
	return out
}

// optionIndex is where value is among the status field's options.
func optionIndex(f *onboarding.StatusField, value string) int {
	for i, o := range f.Options {
		if o == value {
			return i
		}
	}
	panic("not an option: " + value)
}

// runLine runs the line mode on step st.
func runLine(t *testing.T, s *Session, answers []string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := RunAccessible(context.Background(), s, &script{answers: answers}, &out)
	if errors.Is(err, ErrQuit) {
		err = nil
	}
	s.DrainSaves()
	return out.String(), err
}

// runScreen drives the full-screen page of step st through the same spec:
// space on ticks, the values typed into fields, enter on actions (waiting
// for what each shows), d for the date.
func runScreen(t *testing.T, s *Session, st onboarding.Step, in stepInputs, wait map[string]string) string {
	t.Helper()
	p := startProgram(t, NewWizard(s), 120, 40)
	spec := onboarding.SpecOf(st)
	p.waitFor(t, spec.Heading)
	if st == onboarding.AuthenticateTestUser {
		p.send(keys("c")...)
		p.waitFor(t, wait[onboarding.ActConnect])
	}
	for i, r := range spec.Rows {
		if st == onboarding.AuthenticateTestUser {
			break
		}
		switch r.Kind {
		case onboarding.Tick:
			p.send(keys("space", "down")...)
		case onboarding.Field:
			if i == 0 || spec.Rows[i-1].Kind != onboarding.Field {
				p.send(keys("enter")...) // edit it (enter on the field before moved on editing)
			}
			p.send(tea.KeyMsg{Type: tea.KeyCtrlU})
			p.typeText(in[r.ID])
			p.send(keys("enter")...) // stores it and moves on (or leaves the last)
		case onboarding.Action:
			if r.ID != onboarding.ActStartProduction && r.ID != onboarding.ActCopyROOK && r.ID != onboarding.ActCopyLoopback {
				p.send(keys("enter")...)
			}
			if w := wait[r.ID]; w != "" {
				p.waitFor(t, w)
			}
			p.send(keys("down")...)
		}
	}
	if spec.Date != nil {
		p.send(keys("d")...)
	}
	if f := spec.Status; f != nil {
		// r moves on from the status shown: every tick is ticked and
		// the step dated, so a form is already awaiting review.
		shown := 0
		if f.SetBy != "" {
			shown = 1
		}
		for range optionIndex(f, in[f.ID]) - shown {
			p.send(keys("r")...)
		}
		p.waitFor(t, in[f.ID])
	}
	final := p.quit(t).(*Wizard)
	s.DrainSaves()
	v, _ := final.pages[final.current].View()
	return v
}

// outcome is what a step left in the vault, with per-run values evened out.
func outcome(t *testing.T, w *world, s *Session, st onboarding.Step) string {
	t.Helper()
	p, err := s.Vault.Profile("Demo Clinic")
	if err != nil {
		t.Fatal(err)
	}
	pr, err := s.Vault.Progress(p.ID, onboarding.SandboxTrack)
	if err != nil || pr == nil {
		t.Fatalf("progress: %v", err)
	}
	state := pr.State(st)
	fields := map[string]string{}
	for k, v := range state.Fields {
		if k == "verification_code" || k == "verified_at" {
			v = "(set)"
		}
		fields[k] = v
	}
	a := p.App(dexcom.Sandbox)
	check := "none"
	if p.LastCheck != nil {
		check = fmt.Sprint(p.LastCheck.OK)
	}
	got := fmt.Sprintf("status=%s checked=%v fields=%v app={%q %q %q %q %q %q} check=%s",
		state.Status, state.Checked, fields, a.Name, a.Description, a.ClientID, a.ClientSecret.Reveal(), a.RedirectURI, a.ROOKRedirectURL, check)
	return strings.ReplaceAll(got, w.loopback, "LOOPBACK")
}

// TestBothFrontEndsSameResult drives every step of the sandbox track through
// the line mode and the full-screen wizard, from the same spec and with the
// same answers, and compares what each left in the vault.
func TestBothFrontEndsSameResult(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	_, rcpt, err := handoff.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	in := stepInputs{onboarding.FieldAppName: "Acme sandbox", onboarding.FieldDescription: "Reads glucose for the clinic", onboarding.FieldClientID: sandbox.DemoClientID,
		onboarding.FieldClientSecret: sandbox.DemoClientSecret, onboarding.FieldRecipient: rcpt, onboarding.FieldROOKRedirect: "https://rook.example/api/v1/dexcom/callback",
		onboarding.FieldReview: onboarding.ReviewStatuses[2]}
	wait := map[string]string{onboarding.ActStoreCredentials: "Stored encrypted", onboarding.ActSeal: "Verification code",
		onboarding.ActPreflight: "✓ 200", onboarding.ActConnect: "Verified"}
	for _, st := range onboarding.Steps {
		t.Run(st.String(), func(t *testing.T) {
			t.Parallel() // its own worlds; the answers are copied
			in := maps.Clone(in)
			lw, ls := readyFor(t, st)
			in[onboarding.FieldLoopback] = lw.loopback
			out, err := runLine(t, ls, lineAnswers(st, in))
			if err != nil {
				t.Fatalf("line mode: %v\n%s", err, out)
			}
			sw, ss := readyFor(t, st)
			in[onboarding.FieldLoopback] = sw.loopback
			runScreen(t, ss, st, in, wait)
			line, screen := outcome(t, lw, ls, st), outcome(t, sw, ss, st)
			if line != screen {
				t.Fatalf("the front ends differ\nline:   %s\nscreen: %s", line, screen)
			}
			if ls.Progress.StatusOf(st) != onboarding.Done {
				t.Fatalf("%s is %s after both front ends: %s\n%s", st, ls.Progress.StatusOf(st), line, out)
			}
			if st == onboarding.ShareWithROOK {
				for _, s := range []*Session{ls, ss} {
					if files, _ := os.ReadDir(s.ExportDir); len(files) != 1 || !strings.HasSuffix(files[0].Name(), ".age") {
						t.Fatalf("no sealed hand-off in %s: %v", s.ExportDir, files)
					}
				}
			}
		})
	}
}

// TestBothFrontEndsStopAfterThreeBadAnswers: a Client ID that is too short
// is refused by both, with the same words, and nothing is stored; the line
// mode stops after the third refusal.
func TestBothFrontEndsStopAfterThreeBadAnswers(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	lw, ls := readyFor(t, onboarding.CollectCredentials)
	out, err := runLine(t, ls, []string{"short", "short", "short", "never asked"})
	if !errors.Is(err, service.ErrTooManyAttempts) {
		t.Fatalf("line mode did not stop: %v\n%s", err, out)
	}
	refusal := "the Client ID is 5 characters, shorter than Dexcom's"
	if strings.Count(out, refusal) != 3 {
		t.Fatalf("line mode output:\n%s", out)
	}

	sw, ss := readyFor(t, onboarding.CollectCredentials)
	p := startProgram(t, NewWizard(ss), 120, 40)
	p.waitFor(t, "Step 3")
	p.send(keys("enter")...) // edit the Client ID
	for range 3 {
		p.send(tea.KeyMsg{Type: tea.KeyCtrlU})
		p.typeText("short")
		p.send(keys("enter")...)
	}
	p.waitFor(t, refusal)
	p.send(keys("ctrl+c")...)
	p.waitFor(t, "Typed but not stored", "discard and quit")
	p.send(keys("d")...)
	p.tm.FinalModel(t)
	ss.DrainSaves()
	line, screen := outcome(t, lw, ls, onboarding.CollectCredentials), outcome(t, sw, ss, onboarding.CollectCredentials)
	if line != screen || ls.App().ClientID != "" || ss.App().ClientID != "" {
		t.Fatalf("a refused answer was stored\nline:   %s\nscreen: %s", line, screen)
	}
}

// TestLineModeWalkThroughFixes: what a walk through --accessible found. The
// portal is named, not "o"; "o" is not taken as no; the title is not
// repeated; after step 7 the production app's track is offered and walked.
func TestLineModeWalkThroughFixes(t *testing.T) {
	t.Parallel()
	_, s := readyFor(t, onboarding.RequestProduction)
	s.Progress.State(onboarding.Prerequisites).Status = onboarding.Todo // start at the prerequisites
	answers := []string{"o", "y", "y", "", "y"}                         // "o" refused, then the two ticks, no webhook, continue
	answers = append(answers, "y", "y", "y", "y", "eu", "y", "n", "")   // step 7: ticks, production yes; region; its prerequisites' ticks and webhook
	out, err := runLine(t, s, append(answers, "n"))
	if err != nil && !errors.Is(err, ErrQuit) {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{`"o" is not an answer: type y or n`, "\nPrerequisites (sandbox app)\nROOK recommends two Dexcom applications",
		"All steps of the sandbox app are recorded.", "Prerequisites (production app)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Prerequisites: Prerequisites") || strings.Contains(out, "o opens it") {
		t.Fatalf("old wording:\n%s", out)
	}
	if s.Progress.Track != onboarding.ProductionTrack || s.Progress.Env != dexcom.EU {
		t.Fatalf("production track not started: %s %s", s.Progress.Track, s.Progress.Env)
	}
}

// TestLineModeNotesTheSandboxClientIDOnProduction: the line mode, like the
// wizard, stores the production app's credentials and notes that the
// sandbox app has the same Client ID.
func TestLineModeNotesTheSandboxClientIDOnProduction(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	_, s := readyFor(t, onboarding.ShareWithROOK) // the sandbox app's credentials are stored
	s.Progress = onboarding.NewProgress(onboarding.ProductionTrack, dexcom.US)
	for _, done := range onboarding.Steps[:onboarding.CollectCredentials] {
		s.Progress.MarkDone(done, fixedNow)
	}
	in := stepInputs{onboarding.FieldClientID: sandbox.DemoClientID, onboarding.FieldClientSecret: sandbox.DemoClientSecret}
	out, err := runLine(t, s, lineAnswers(onboarding.CollectCredentials, in))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "Note: the sandbox app has the same Client ID") || s.App().ClientID != sandbox.DemoClientID {
		t.Fatalf("no note about the shared Client ID:\n%s", out)
	}
}
