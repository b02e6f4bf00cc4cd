package ui

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/service"
)

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// verifiedOutcome runs a real check against the world's simulator.
func verifiedOutcome(t testing.TB, w *world, s *Session) *connect.Outcome {
	t.Helper()
	ep, _ := s.Endpoints(dexcom.Sandbox)
	app := dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: s.App().ClientSecret, RedirectURI: w.loopback}
	c := &connect.Check{Endpoints: ep, Env: dexcom.Sandbox, App: app, Days: 1, HTTP: http.DefaultClient, Now: s.Now,
		Login: connect.Login{Open: sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)}}
	out, err := c.Run(context.Background())
	if err != nil || !out.OK() {
		t.Fatalf("check: %v", err)
	}
	return out
}

// checkDone is step 6's messages for a finished check: the session's
// change (recording it), then the result.
func checkDone(s *Session, out *connect.Outcome) []tea.Msg {
	ep, _ := s.Endpoints(dexcom.Sandbox)
	rep := connect.NewReport(dexcom.Sandbox, ep, s.App().Credentials(), 1, fixedNow, out, nil)
	res := &service.CheckResult{Outcome: out, Report: rep}
	return []tea.Msg{directMsg{run: 0, msg: applyMsg{func() { s.RecordCheck(res) }}},
		directMsg{run: 0, msg: checkDoneMsg{result: res}}}
}

// TestPagesGolden draws every step page at 80x24 and 120x40, in light
// colours and with NO_COLOR, and compares with testdata/ui.
func TestPagesGolden(t *testing.T) { // serial: eachLook pins TrueColor
	eachLook(t, func(t *testing.T, look string, width, height int) {
		w := newWorld(t)
		s := w.demoSession(t)
		wiz := NewWizard(s)
		send(wiz, tea.WindowSizeMsg{Width: width, Height: height})
		for i, p := range wiz.pages {
			wiz.goTo(i)
			v := wiz.View()
			fits(t, v, width, height)
			golden(t, fmt.Sprintf("step%d-%s", int(p.Step()), look), v)
		}
		// Step 6 after a verified login, with the glucose data.
		s.App().ClientSecret = secretOf(sandbox.DemoClientSecret)
		out := verifiedOutcome(t, w, s)
		for i := range out.Calls {
			out.Calls[i].Ms = 0 // timings differ per run
		}
		wiz.goTo(int(onboarding.AuthenticateTestUser))
		send(wiz, checkDone(s, out)...)
		fits(t, wiz.View(), width, height)
		golden(t, "step6-verified-"+look, wiz.View())
		// After the last step: what was done, the report command, the way on.
		wiz.goTo(len(wiz.pages) - 1)
		send(wiz, keys("right")...)
		fits(t, wiz.View(), width, height)
		golden(t, "finished-"+look, wiz.View())
	})
}

// eachLook runs f in light colours and with NO_COLOR, at 80x24 and
// 120x40; look names the variant ("light-80x24") for the golden files.
// It pins lipgloss's colour profile, so its test must not be parallel.
func eachLook(t *testing.T, f func(t *testing.T, look string, width, height int)) {
	for _, variant := range []struct {
		name    string
		profile termenv.Profile
	}{{"light", termenv.TrueColor}, {"nocolor", termenv.Ascii}} {
		for _, sz := range sizes {
			look := fmt.Sprintf("%s-%dx%d", variant.name, sz.w, sz.h)
			t.Run(look, func(t *testing.T) {
				colors(t, variant.profile)
				f(t, look, sz.w, sz.h)
			})
		}
	}
}

func TestTooSmallAndResize(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	wiz := NewWizard(w.demoSession(t))
	send(wiz, tea.WindowSizeMsg{Width: 60, Height: 20})
	if v := wiz.View(); !strings.Contains(v, "at least 80×24") || !strings.Contains(v, "60×20") {
		t.Fatalf("small terminal:\n%s", v)
	}
	send(wiz, tea.WindowSizeMsg{Width: 100, Height: 30})
	v := wiz.View()
	if !strings.Contains(v, "Prerequisites") || strings.Contains(v, "enlarge") {
		t.Fatalf("after resize:\n%s", v)
	}
	for i, line := range strings.Split(v, "\n") {
		if width := ansi.StringWidth(line); width > 100 {
			t.Errorf("line %d is %d wide at 100 columns: %q", i, width, line)
		}
	}
	if n := len(strings.Split(v, "\n")); n > 30 {
		t.Errorf("%d lines at 30 rows", n)
	}
}

// TestCancelDuringWait starts a login nobody completes, cancels it, and
// checks that the callback server let go of the port.
func TestCancelDuringWait(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	notDemo(s) // a real login: the URL is shown and nobody logs in
	s.App().ClientID, s.App().ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 120, Height: 40})
	wiz.goTo(int(onboarding.AuthenticateTestUser))
	page := &wiz.pages[wiz.current].(*connectPage).direct
	cmd := page.start()
	if cmd == nil || page.state != runRunning {
		t.Fatal("did not start")
	}
	waitFor(t, page, connect.StageWaiting)
	v := wiz.View()
	if !strings.Contains(v, "waiting for the test user") || !strings.Contains(v, "/v2/oauth2/login?") ||
		strings.Contains(v, "another machine") || !strings.Contains(v, "in a browser on this machine") {
		t.Fatalf("waiting view:\n%s", v)
	}
	send(wiz, keys("esc")...)
	if page.state != runFailed || !strings.Contains(wiz.View(), "cancelled") {
		t.Fatalf("after esc:\n%s", wiz.View())
	}
	// The cancelled attempt's last word arrives late and changes nothing.
	late := <-page.events
	for m := range page.events {
		late = m
	}
	send(wiz, directMsg{run: 1, msg: late})
	if page.state != runFailed || !strings.Contains(wiz.View(), "cancelled") {
		t.Fatalf("a late message from the cancelled login changed the page:\n%s", wiz.View())
	}
	u, _ := url.Parse(w.loopback)
	deadline := time.Now().Add(2 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", u.Host, 100*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the callback server still listens after cancel")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor pumps the page's event channel until the login reaches stage.
func waitFor(t *testing.T, p *directCheck, stage connect.Stage) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for p.stage != stage {
		select {
		case m := <-p.events:
			p.event(m)
		case <-timeout:
			t.Fatalf("stage %v never came (at %v)", stage, p.stage)
		}
	}
}

func TestDeniedLoginNeedsAttention(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.App().ClientID, s.App().ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
	s.TestLogins.LogIn = func(user string) func(context.Context, string) error {
		return sandbox.Autopilot(http.DefaultClient, user, false)
	}
	tm := startProgram(t, NewWizard(s), 120, 40)
	tm.send(keys("right", "right", "right", "right", "right", "right", "c")...)
	tm.waitFor(t, "denied access")
	tm.quit(t)
	if s.Progress.StatusOf(onboarding.AuthenticateTestUser) != onboarding.Attention {
		t.Fatalf("step 6 is %s", s.Progress.StatusOf(onboarding.AuthenticateTestUser))
	}
}

// fits fails when a view is wider or taller than the terminal.
func fits(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("%d lines in a %d-row terminal", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d columns in a %d-column terminal: %q", i, n, w, ansi.Strip(l))
		}
	}
}

// TestSmallTerminalFollowsTheCursor: at 80x24 a tall page scrolls so the
// row being worked on stays visible.
func TestSmallTerminalFollowsTheCursor(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	wiz := NewWizard(w.demoSession(t))
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	wiz.goTo(int(onboarding.ShareWithROOK))
	send(wiz, keys("down", "down", "down", "down", "down")...)
	v := wiz.View()
	fits(t, v, 80, 24)
	if !strings.Contains(v, "↓ more below") || !strings.Contains(v, "▸ Redirect URL returned by ROOK") {
		t.Fatalf("cursor row not in view:\n%s", v)
	}
	// Step 5's URLs are wider than the page and wrap above the cursor.
	wiz.goTo(int(onboarding.ConfigureRedirect))
	s := wiz.s
	s.App().ROOKRedirectURL = "https://rook.example/api/v1/dexcom/callback/" + strings.Repeat("long-path-segment/", 12)
	send(wiz, keys("down", "down", "down", "down")...)
	if v := wiz.View(); !strings.Contains(v, "▸ [ Run the preflight ]") {
		t.Fatalf("step 5's cursor row not in view:\n%s", v)
	}
}

// TestStartProductionTrack: step 7's button asks for the region and opens
// the production app's steps, without step 7.
func TestStartProductionTrack(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	tm := startProgram(t, NewWizard(s), 120, 40)
	tm.send(keys("right", "right", "right", "right", "right", "right", "right")...)
	tm.waitFor(t, "Step 7")
	tm.send(keys("down", "down", "down", "enter")...)
	tm.waitFor(t, "which region?")
	tm.send(keys("down", "enter")...)
	tm.waitFor(t, "PRODUCTION · EU", "0 of 7 done")
	final := tm.quit(t).(*Wizard)
	if s.Progress.Track != onboarding.ProductionTrack || s.Progress.Env != dexcom.EU || len(final.pages) != 7 {
		t.Fatalf("track %s env %s pages %d", s.Progress.Track, s.Progress.Env, len(final.pages))
	}
	if p, _ := s.Vault.Progress(s.Profile.ID, onboarding.ProductionTrack); p == nil || p.Env != dexcom.EU {
		t.Fatal("the production track was not saved")
	}
}

// TestBackgroundResultsReachOnlyTheirPage: step 5's preflight answer does not
// end the preflight step 0 is waiting for; step 0's own answer does.
func TestBackgroundResultsReachOnlyTheirPage(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.App().ClientID, s.App().ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 120, Height: 40})
	send(wiz, keys("p")...)
	if !strings.Contains(wiz.View(), "asking Dexcom's authorization URL") {
		t.Fatalf("the preflight did not start:\n%s", wiz.View())
	}
	send(wiz, preflightDoneMsg{step: onboarding.ConfigureRedirect, results: []PreflightResult{{RedirectURI: "https://step5.example/cb", Status: 400}}})
	if v := wiz.View(); !strings.Contains(v, "asking Dexcom's authorization URL") || strings.Contains(v, "step5.example") {
		t.Fatalf("step 5's answer reached step 0:\n%s", v)
	}
	send(wiz, preflightDoneMsg{step: onboarding.Prerequisites, results: []PreflightResult{{RedirectURI: w.loopback, Status: 200}}})
	if v := wiz.View(); !strings.Contains(v, "✓ 200 "+w.loopback) {
		t.Fatalf("step 0's answer did not arrive:\n%s", v)
	}
}

// TestHelpShowsOnlyWorkingKeys: in a text field the letter keys are text, so
// the help bar stops offering them, and pressing one types it.
func TestHelpShowsOnlyWorkingKeys(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 160, Height: 40})
	wiz.goTo(int(onboarding.ShareWithROOK))
	help := func() string { return ansi.Strip(wiz.helpView()) }
	if h := help(); !strings.Contains(h, "d set date to today") || !strings.Contains(h, "enter edit") {
		t.Fatalf("help on the key field: %s", h)
	}
	send(wiz, keys("enter")...) // edit the field
	h := help()
	if strings.Contains(h, "set date") || strings.Contains(h, "next step") || !strings.Contains(h, "esc leave field") || !strings.Contains(h, "ctrl+c quit") {
		t.Fatalf("help while typing: %s", h)
	}
	send(wiz, keys("d")...)
	if s.Progress.Field(onboarding.ShareWithROOK, onboarding.FieldSharedOn) != "" {
		t.Fatal("d set the date while typing in a field")
	}
	send(wiz, keys("esc", "d")...)
	if s.Progress.Field(onboarding.ShareWithROOK, onboarding.FieldSharedOn) == "" {
		t.Fatal("d did not set the date outside the field")
	}
}
