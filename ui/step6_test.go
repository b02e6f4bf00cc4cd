package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/service"
)

// step6 is a wizard on step 6 of s at 120x40 and its page.
func step6(t *testing.T, s *Session) (*Wizard, *connectPage) {
	t.Helper()
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 120, Height: 40})
	wiz.goTo(int(onboarding.AuthenticateTestUser))
	return wiz, wiz.pages[wiz.current].(*connectPage)
}

// pump feeds a run's events to the wizard, tagged as the program would,
// until the run is no longer under way (or, awaiting a delivery, has
// it), calling each after every message.
func pump(t *testing.T, wiz *Wizard, r *runner, wrap func(int, tea.Msg) tea.Msg, each func()) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	events, run := r.events, r.run
	for {
		select {
		case m, ok := <-events:
			if !ok {
				return
			}
			send(wiz, wrap(run, m))
			if each != nil {
				each()
			}
		case <-timeout:
			t.Fatalf("the run never ended (state %s)", r.state)
		}
	}
}

func pageText(p *connectPage) string {
	v, _ := p.View()
	return ansi.Strip(v)
}

// The direct check and the run through ROOK are two models: each key
// drives its own, results go to the run they belong to, and a run's keys
// work only while it is the one shown.
func TestStep6KeysDriveEachRun(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	s, st := rookStack(t, rooksim.Faults{})
	app := st.Apps[0] // the direct check logs in at the same Dexcom
	app.RedirectURIs = append(app.RedirectURIs, s.App().RedirectURI)
	st.Dexcom.RegisterApp(app)
	wiz, p := step6(t, s)

	send(wiz, keys("c")...)
	if p.via != viaDirectRun || p.direct.state != runRunning || p.rook.state != runIdle {
		t.Fatalf("c: via %d, direct %s, rook %s", p.via, p.direct.state, p.rook.state)
	}
	if p.rook.k.Start.Enabled() || p.direct.k.Start.Enabled() || !p.direct.k.Cancel.Enabled() || p.rook.k.Cancel.Enabled() {
		t.Fatal("while the direct check runs only its esc works")
	}
	send(wiz, keys("r")...) // disabled: changes nothing
	if p.rook.state != runIdle || p.via != viaDirectRun {
		t.Fatal("r started a second run while one was under way")
	}
	pump(t, wiz, &p.direct.runner, p.direct.wrap, nil)
	if p.direct.state != runDone || !strings.Contains(pageText(p), "Verified directly with Dexcom") || p.direct.dexcom == nil {
		t.Fatalf("direct check: %s\n%s", p.direct.state, pageText(p))
	}
	if !p.direct.k.Continue.Enabled() || !p.direct.k.Glucose.Enabled() || p.direct.k.Start.Keys()[len(p.direct.k.Start.Keys())-1] == "enter" {
		t.Fatal("after the check: g and enter continue, and enter no longer starts it again")
	}
	directRun := p.direct.run

	send(wiz, keys("r")...)
	if p.via != viaROOKRun || p.rook.state != runRunning || p.direct.state != runDone {
		t.Fatalf("r: via %d, direct %s, rook %s", p.via, p.direct.state, p.rook.state)
	}
	if !strings.Contains(strings.Join(stageNames(p.rook.stages), "\n"), service.StageCompare.String()) {
		t.Fatal("the direct check's login was not handed to ROOK's run for the comparison")
	}
	// A stale ROOK message (an earlier run's number) is dropped; a direct
	// message goes to the direct check, not to the ROOK run shown.
	failed := &service.ROOKResult{Finding: &service.ROOKFinding{Cause: "stale cause", Fix: "stale fix"}}
	send(wiz, rookMsg{run: p.rook.run - 1, msg: rookEventMsg{service.ROOKEvent{Kind: service.ROOKFinished, Result: failed}}})
	if p.rook.state != runRunning || p.rook.result != nil {
		t.Fatal("a stale message from an earlier ROOK run changed the run")
	}
	send(wiz, directMsg{run: directRun - 1, msg: checkDoneMsg{result: &service.CheckResult{}}})
	if p.direct.state != runDone || p.rook.state != runRunning {
		t.Fatal("a stale direct message changed a run")
	}
	rookStage := p.rook.stage
	send(wiz, directMsg{run: directRun, msg: loginStageMsg{stage: connect.StageExchanging}})
	if p.direct.stage != connect.StageExchanging || p.rook.stage != rookStage || p.rook.state != runRunning {
		t.Fatal("the direct check's message did not reach the direct check alone")
	}

	var waiting []string
	ticked := map[string]bool{} // stages shown passed while the run went on
	pump(t, wiz, &p.rook.runner, p.rook.wrap, func() {
		v := pageText(p)
		if p.rook.state != runRunning {
			return
		}
		if strings.Contains(v, "asked ROOK") {
			waiting = append(waiting, v)
		}
		flat := strings.Join(strings.Fields(v), " ") // a long stage wraps
		for _, st := range p.rook.stages {
			if strings.Contains(flat, "✓ "+st.String()) {
				ticked[st.String()] = true
			}
		}
	})
	v := pageText(p)
	if p.rook.state != runDone || !strings.Contains(v, "Connected through ROOK") {
		t.Fatalf("through ROOK: %s\n%s", p.rook.state, v)
	}
	if len(waiting) == 0 || !strings.Contains(waiting[0], "the browser ends on ROOK's own page") || !strings.Contains(waiting[0], "of 20 s") {
		t.Fatalf("the wait on ROOK's list never showed while it ran: %q", waiting)
	}
	for _, st := range p.rook.stages[:len(p.rook.stages)-1] { // the last ends the run
		if !ticked[st.String()] {
			t.Fatalf("stage %q was never shown passed: %v", st, ticked)
		}
	}
	if !strings.Contains(v, fmt.Sprintf("%d of %d stages ran and passed; ROOK's list was asked", len(p.rook.stages), len(p.rook.stages))) || !strings.Contains(v, "g shows ROOK's glucose data · enter continues · r connects again · c checks directly") {
		t.Fatalf("done view:\n%s", v)
	}

	// g opens ROOK's data, which says ROOK sends no trend.
	_, cmd := wiz.Update(keys("g")[0])
	open, ok := cmd().(openGlucoseMsg)
	if !ok || open.g != p.rook.glucose || open.g.source != "ROOK" {
		t.Fatalf("g opened %+v", open)
	}
	// enter continues (ROOK's run is shown and done).
	if _, cmd := wiz.Update(keys("enter")[0]); cmd == nil {
		t.Fatal("enter did nothing after the run through ROOK")
	} else if _, ok := cmd().(advanceMsg); !ok {
		t.Fatal("enter did not continue")
	}
}

func stageNames(sts []service.ROOKStage) []string {
	var out []string
	for _, st := range sts {
		out = append(out, st.String())
	}
	return out
}

// esc cancels the run through ROOK; what the cancelled run still sends is
// dropped, and the direct check is untouched.
func TestStep6CancelROOKRun(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	s := rookReady(t, rooksim.Faults{})
	s.Browse = nil // nobody logs in: the run waits on ROOK's list
	wiz, p := step6(t, s)
	send(wiz, keys("r")...)
	if p.rook.state != runRunning {
		t.Fatalf("r: %s", p.rook.state)
	}
	run, events := p.rook.run, p.rook.events
	timeout := time.After(10 * time.Second)
	for p.rook.wait == nil { // until ROOK's list was asked once
		select {
		case m := <-events:
			send(wiz, rookMsg{run, m})
		case <-timeout:
			t.Fatalf("no wait on ROOK's list:\n%s", pageText(p))
		}
	}
	if v := pageText(p); !strings.Contains(v, "asked ROOK 1 time") || !strings.Contains(v, "esc cancels") {
		t.Fatalf("waiting view:\n%s", v)
	}
	send(wiz, keys("esc")...)
	if p.rook.state != runFailed || !strings.Contains(pageText(p), "cancelled") || p.direct.state != runIdle {
		t.Fatalf("after esc: rook %s direct %s\n%s", p.rook.state, p.direct.state, pageText(p))
	}
	for m := range events { // the cancelled run's last words
		send(wiz, rookMsg{run, m})
	}
	if p.rook.state != runFailed || p.rook.result != nil || !strings.Contains(pageText(p), "cancelled") {
		t.Fatalf("a late message from the cancelled run changed the page:\n%s", pageText(p))
	}
	if !p.rook.k.Start.Enabled() || !p.direct.k.Start.Enabled() {
		t.Fatal("after the cancel neither run can start")
	}
}

// While the ROOK fields are edited every key is theirs; the page reports
// the cursor on the field being edited, not by searching its text.
func TestStep6FieldsCursor(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	s := rookReady(t, rooksim.Faults{})
	wiz, p := step6(t, s)
	send(wiz, keys("e")...)
	if !p.Capturing() || p.direct.k.Start.Enabled() || p.rook.k.Start.Enabled() {
		t.Fatal("e: the fields do not have every key")
	}
	for i, want := range []string{"ROOK client UUID", "ROOK secret key"} {
		v, cur := p.View()
		lines := strings.Split(ansi.Strip(v), "\n")
		if cur >= len(lines) || !strings.Contains(lines[cur], want) {
			t.Fatalf("field %d: cursor on line %d, not on %q:\n%s", i, cur, want, ansi.Strip(v))
		}
		send(wiz, keys("enter")...)
	}
}

// At 80x24 a failed run through ROOK keeps its stage list and the
// failure in the window (the cursor is on the run, not the buttons below).
func TestStep6FailureInViewAt80x24(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	s := rookReady(t, rooksim.Faults{WrongSecret: true})
	wiz, p := step6(t, s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	send(wiz, keys("r")...)
	pump(t, wiz, &p.rook.runner, p.rook.wrap, nil)
	v := ansi.Strip(wiz.View())
	if p.rook.state != runFailed || !strings.Contains(v, "Through ROOK") || !strings.Contains(v, "✗ open the login in a browser") ||
		!strings.Contains(v, "✗ ROOK could not exchange the code") {
		t.Fatalf("the failure is not in view:\n%s", v)
	}
}
