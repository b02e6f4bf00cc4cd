package ui

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/service"
)

// lineRun runs the line mode on a session whose steps before st are done
// and returns what it said and asked.
func lineRun(t *testing.T, st onboarding.Step, answers ...string) (*world, *Session, *script, string) {
	t.Helper()
	w, s := readyFor(t, st)
	sc := &script{answers: answers}
	var out bytes.Buffer
	err := RunAccessible(context.Background(), s, sc, &out)
	if err != nil && !errors.Is(err, ErrQuit) {
		t.Fatalf("line mode: %v\n%s", err, out.String())
	}
	if len(sc.answers) > 0 {
		t.Fatalf("answers left unasked: %q\n%s", sc.answers, out.String())
	}
	s.DrainSaves()
	return w, s, sc, out.String()
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// TestLineModeRowKinds drives the line mode through each kind of row a
// step has: what it says, what it asks and what it leaves in the session.
func TestLineModeRowKinds(t *testing.T) {
	t.Parallel()
	t.Run("tick", func(t *testing.T) {
		_, s, sc, out := lineRun(t, onboarding.CreateApp, "y", "n", "yes", "Acme app", "", "n")
		if !s.Progress.Checked(onboarding.CreateApp, "logged_in") || s.Progress.Checked(onboarding.CreateApp, "created") ||
			!s.Progress.Checked(onboarding.CreateApp, "scopes") {
			t.Fatalf("ticks: %v", s.Progress.State(onboarding.CreateApp).Checked)
		}
		if !slices.Contains(sc.asked, "Created a new app in the Applications section? [y/N] ") {
			t.Fatalf("asked %q", sc.asked)
		}
		if st := s.Progress.StatusOf(onboarding.CreateApp); st == onboarding.Done {
			t.Fatalf("step 2 done with an item unticked:\n%s", out)
		}
	})
	t.Run("field", func(t *testing.T) {
		_, s, sc, out := lineRun(t, onboarding.CreateApp, "y", "y", "y", "  Acme app  ", "Reads glucose", "n")
		if a := s.App(); a.Name != "Acme app" || a.Description != "Reads glucose" {
			t.Fatalf("stored %q %q", a.Name, a.Description)
		}
		if !slices.Contains(sc.asked, "App name, as in the portal: ") || !slices.Contains(sc.asked, "Description (optional): ") {
			t.Fatalf("asked %q", sc.asked)
		}
		wantLines(t, out, "Step 2 is done. Progress saved.")
	})
	t.Run("secret field", func(t *testing.T) {
		_, s, sc, out := lineRun(t, onboarding.CollectCredentials, sandbox.DemoClientID, sandbox.DemoClientSecret, "n")
		if !slices.Equal(sc.hidden, []string{"Client Secret (input hidden): "}) {
			t.Fatalf("read without echo: %q (asked %q)", sc.hidden, sc.asked)
		}
		if strings.Contains(out, sandbox.DemoClientSecret) || strings.Contains(strings.Join(sc.asked, "\n"), sandbox.DemoClientSecret) {
			t.Fatalf("the secret was shown:\n%s", out)
		}
		if s.App().ClientSecret.Reveal() != sandbox.DemoClientSecret {
			t.Fatal("the secret was not stored")
		}
		wantLines(t, out, "Stored encrypted: client id "+sandbox.DemoClientID+", secret "+s.App().ClientSecret.Hint())
	})
	t.Run("date", func(t *testing.T) {
		_, s, _, out := lineRun(t, onboarding.CreateAccount, "y", "y", "y", "y", "y", "n", "", "n")
		if d := s.Progress.Field(onboarding.CreateAccount, onboarding.FieldSubmittedOn); d != "" {
			t.Fatalf("dated %q with an item unticked", d)
		}
		if strings.Contains(out, "Recorded the date") {
			t.Fatalf("said it dated the step with an item unticked:\n%s", out)
		}
		_, s, _, out = lineRun(t, onboarding.CreateAccount, "y", "y", "y", "y", "y", "y", "", "n")
		d := s.Progress.Field(onboarding.CreateAccount, onboarding.FieldSubmittedOn)
		if d == "" {
			t.Fatal("not dated with every item ticked")
		}
		wantLines(t, out, "Recorded the date: "+d)
	})
	t.Run("status", func(t *testing.T) {
		_, s, sc, out := lineRun(t, onboarding.CreateAccount, "y", "y", "y", "y", "y", "y", "3", "n")
		if got := s.StatusOf(onboarding.CreateAccount); got != onboarding.ReviewStatuses[2] {
			t.Fatalf("status %q", got)
		}
		if !slices.Contains(sc.asked, "Review status [submitted, awaiting review]: ") {
			t.Fatalf("asked %q", sc.asked)
		}
		wantLines(t, out, "  1. not submitted\n  2. submitted, awaiting review\n  3. review meeting scheduled\n  4. approved\n")
	})
	t.Run("action", func(t *testing.T) {
		w, s, sc, out := lineRun(t, onboarding.ConfigureRedirect, "", "y", "n")
		wantLines(t, out, "ROOK's Redirect URL: https://rook.example/api/v1/dexcom/callback",
			"Loopback Redirect URL: "+w.loopback, "Preflight "+w.loopback+": 200",
			"Preflight https://rook.example/api/v1/dexcom/callback: 200", "Step 5 is done.")
		if len(sc.asked) != 3 || s.Progress.StatusOf(onboarding.ConfigureRedirect) != onboarding.Done {
			t.Fatalf("asked %q; step 5 is %s", sc.asked, s.Progress.StatusOf(onboarding.ConfigureRedirect))
		}
	})
}

// TestLineModeReasksARefusedAnswer: a field and a status the service
// refuses are said why and asked again; the next answer is taken.
func TestLineModeReasksARefusedAnswer(t *testing.T) {
	t.Parallel()
	_, s, sc, out := lineRun(t, onboarding.CreateApp, "y", "y", "y", "   ", "Acme app", "", "n")
	if s.App().Name != "Acme app" || strings.Count(strings.Join(sc.asked, "\n"), "App name, as in the portal: ") != 2 {
		t.Fatalf("name %q; asked %q", s.App().Name, sc.asked)
	}
	wantLines(t, out, "the app name is empty: type it as it is in the portal")

	_, s, sc, out = lineRun(t, onboarding.CreateAccount, "y", "y", "y", "y", "y", "y", "9", "approved", "n")
	if got := s.StatusOf(onboarding.CreateAccount); got != "approved" {
		t.Fatalf("status %q; asked %q", got, sc.asked)
	}
	wantLines(t, out, `"9" is not one of its 4 options: type its number`)
}

// TestLineModeSaysAnUnknownROOKEventByItsStage: an event kind the line
// mode does not know (a new one from the service) still gets its line.
func TestLineModeSaysAnUnknownROOKEventByItsStage(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	l := &lineMode{out: &out}
	l.rookEvent(service.ROOKEvent{Kind: service.ROOKEventKind(99), Stage: service.StageBrowser})
	if got, want := out.String(), "… "+service.StageBrowser.String()+"\n"; got != want {
		t.Fatalf("said %q, want %q", got, want)
	}
}

// TestLineModeSaysROOKsWaitEvery30s: the wait for ROOK's list is said at
// the first answer and then once per 30 s, not once per question.
func TestLineModeSaysROOKsWaitEvery30s(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	l := &lineMode{out: &out}
	for run := 0; run < 2; run++ {
		for i := 1; i <= 20; i++ {
			l.rookEvent(service.ROOKEvent{Kind: service.ROOKWaiting, Stage: service.StageBrowser,
				Wait: service.ROOKWait{Asked: i, Waited: time.Duration(i-1) * 5 * time.Second, Limit: 5 * time.Minute}})
		}
	}
	// Per run: asked 1 (0 s), 7 (30 s), 13 (60 s), 19 (90 s).
	if n := strings.Count(out.String(), "asked ROOK"); n != 8 {
		t.Fatalf("said the wait %d times, want 8:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "asked ROOK 7 times, 30 s of 5 m") {
		t.Fatalf("no line at 30 s:\n%s", out.String())
	}
}

// TestEveryActionHasALineFace: an action added to a step's spec gets its
// line face too, or the line mode could only name it.
func TestEveryActionHasALineFace(t *testing.T) {
	t.Parallel()
	for _, st := range onboarding.Steps {
		for _, r := range onboarding.SpecOf(st).Rows {
			if _, ok := accessibleRow(r).(laterLine); ok {
				t.Errorf("%s: the action %q has no line face", st, r.ID)
			}
		}
	}
}

// TestLineModeSaysOutsideTextWithoutEscapes: what an API or a webhook
// answered reaches the terminal without escapes or control characters.
func TestLineModeSaysOutsideTextWithoutEscapes(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	l := &lineMode{out: &out}
	l.say("Webhook: %s; %v; %d", "\x1b]0;owned\x07ok\x1b[2J", errors.New("bad\nbo\rdy\x1b[31m"), 200)
	if got, want := out.String(), "Webhook: ok; bad body; 200\n"; got != want {
		t.Fatalf("said %q, want %q", got, want)
	}
}

// TestLineModeOffersThePickersRegions: after step 7 the line mode lists
// the track picker's regions in its order and takes one by number.
func TestLineModeOffersThePickersRegions(t *testing.T) {
	t.Parallel()
	_, s, sc, out := lineRun(t, onboarding.RequestProduction, "y", "y", "y", "y", "mars", "3", "y", "y", "", "n")
	if s.Progress.Track != onboarding.ProductionTrack || s.Progress.Env != regions[2] {
		t.Fatalf("track %s %s; asked %q", s.Progress.Track, s.Progress.Env, sc.asked)
	}
	wantLines(t, out, "  1. "+regions[0].Label()+"  "+regions[0].BaseURL()+"\n", `"mars" is not a region: type us, eu, jp or its number`,
		"Prerequisites (production app)")
	if !slices.Contains(sc.asked, "Region: us, eu or jp? [us] ") {
		t.Fatalf("asked %q", sc.asked)
	}
}

// TestLineModeStep6SaysEachRunAsLines: the direct check's calls and
// verdict, then the run through ROOK refused for want of ROOK's
// credentials, each said as plain lines; the ROOK secret key is read
// without echo.
func TestLineModeStep6SaysEachRunAsLines(t *testing.T) {
	t.Parallel()
	_, s, sc, out := lineRun(t, onboarding.AuthenticateTestUser, "", "", "", "y", "y", "n")
	wantLines(t, out, "Open this URL to log the test user in:\n", "… exchanging the code for tokens\n",
		"GET /v3/users/self/egvs answered 200", "Verified: ", "Not connected through ROOK: "+explain(service.ErrNoROOKCredentials))
	if !slices.Equal(sc.hidden, []string{"ROOK secret key (input hidden): "}) {
		t.Fatalf("read without echo: %q", sc.hidden)
	}
	if strings.Contains(out, "\nROOK: ") || s.Progress.StatusOf(onboarding.AuthenticateTestUser) != onboarding.Done {
		t.Fatalf("step 6 is %s after the direct check:\n%s", s.Progress.StatusOf(onboarding.AuthenticateTestUser), out)
	}
}
