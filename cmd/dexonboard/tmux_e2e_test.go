package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession runs the built binary in a private tmux server.
type tmuxSession struct {
	t       *testing.T
	socket  string
	name    string
	screens []string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

// keys sends keys one at a time, each after the screen has answered the
// one before (no fixed sleeps): keys that arrive together are read as one
// (two letters as a word, esc and a letter as alt+letter).
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		before := s.tmux("capture-pane", "-p", "-t", s.name)
		s.tmux("send-keys", "-t", s.name, k)
		s.changed(before)
	}
}

// changed waits, for at most two seconds, until the screen differs from before.
func (s *tmuxSession) changed(before string) {
	s.t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		if s.tmux("capture-pane", "-p", "-t", s.name) != before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *tmuxSession) typeText(text string) {
	s.t.Helper()
	s.tmux("send-keys", "-t", s.name, "-l", text)
}

// expect waits until the screen shows every want, and keeps the screen.
func (s *tmuxSession) expect(title string, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var screen string
	for time.Now().Before(deadline) {
		screen = s.tmux("capture-pane", "-p", "-t", s.name)
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(screen, w)
		}
		if ok {
			s.screens = append(s.screens, "== "+title+" ==\n"+strings.TrimRight(screen, "\n "))
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("%s: screen never showed %q:\n%s", title, want, screen)
	return ""
}

// startTmuxDemo runs the built `dexonboard demo` in a private tmux server
// at width x height, in dir (the test's working directory when empty), with
// NO_COLOR; the server goes when the test ends. It skips with -short, and
// without tmux unless CI is set.
func startTmuxDemo(t *testing.T, name string, width, height int, dir string) *tmuxSession {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary and drives tmux")
	}
	t.Parallel() // it waits on a terminal, not the CPU
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but tmux is not installed: .ci/run must install it")
		}
		t.Skip("no tmux on this machine (and CI is not set)")
	}
	bin := dexonboardBinary(t) // built once for every test that runs it
	s := &tmuxSession{t: t, socket: fmt.Sprintf("dexonboard-%s-%d", name, os.Getpid()), name: name}
	args := []string{"new-session", "-d", "-s", s.name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), "-e", "NO_COLOR=1"}
	if dir != "" {
		args = append(args, "-c", dir)
	}
	s.tmux(append(args, bin+" demo; echo EXITED:$?; sleep 30")...)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

// TestTmuxDemoWalkthrough builds dexonboard, runs `dexonboard demo` in a
// real terminal (tmux) and walks from the first screen to glucose data and
// the last step, checking each screen.
func TestTmuxDemoWalkthrough(t *testing.T) {
	s := startTmuxDemo(t, "demo", 120, 40, t.TempDir()) // the sealed file goes to the working directory

	s.expect("start: the demo opens on the wizard", "Prerequisites", "demo: throwaway vault in", "0 of 8 done", "SANDBOX")
	s.keys("Space", "Down", "Space")
	s.expect("prerequisites ticked", "1 of 8 done")
	s.keys("Right")
	s.expect("step 1", "Step 1 · Create a Dexcom developer account", "Review status")
	s.keys("Space", "Down", "Space", "Down", "Space", "Down", "Space", "Down", "Space", "Down", "Space", "d")
	s.expect("step 1 done", "2 of 8 done", "Submitted on   20")
	s.keys("Right")
	s.expect("step 2", "Step 2 · Create an application")
	s.keys("Space", "Down", "Space", "Down", "Space", "Down", "Enter")
	s.typeText("Demo Clinic sandbox")
	s.keys("Enter")
	s.expect("step 2 done", "3 of 8 done")
	s.keys("Escape", "Right")
	s.expect("step 3, credentials ready to store", "Step 3 · Collect", "dexonboard-demo-app", "Store encrypted")
	s.keys("Enter")
	screen := s.expect("step 3 stored", "Stored encrypted: client id dexonboard-demo-app", "4 of 8 done")
	if strings.Contains(screen, "demo-secret-7f3c9a1e5b2d4f60") {
		t.Fatal("the client secret is on the screen")
	}
	s.keys("Right")
	s.expect("step 4", "Step 4 · Share the credentials with ROOK")
	s.keys("Down", "Enter")
	s.expect("step 4 sealed for ROOK", "Sealed (also copied to the clipboard)", "Verification code")
	s.expect("step 4: the simulated ROOK opened it", "ROOK's CSE (simulated) opened it")
	s.keys("Down", "Space", "Down", "Space", "Down", "Space", "d")
	s.expect("step 4 done", "5 of 8 done", "Stored     http://127.0.0.1:")
	s.keys("Right")
	s.expect("step 5", "Step 5 · Configure the Redirect URL", "ROOK      http://127.0.0.1:")
	s.keys("Down", "Down", "Down", "Space", "p")
	s.expect("step 5 preflight: ROOK's URL registered at Dexcom", "/api/v1/oauth/dexcom/callback", "6 of 8 done")
	s.keys("Right")
	s.expect("step 6", "Step 6 · Authenticate a test account through ROOK", "SandboxUser7")
	s.keys("c")
	s.expect("step 6 verified with glucose data", "Verified directly with Dexcom", "Glucose data", "G7 on iOS", "7 of 8 done")
	s.keys("g")
	s.expect("glucose view, 24 hours", "Glucose SandboxUser7 · G7 on iOS", "[24 h]", "Time in ranges", "mg/dL · chart")
	s.keys("w")
	s.expect("glucose view, 7 days", "[7 d]", "readings · sensor active")
	s.keys("u", "t")
	s.expect("AGP in mmol/L", "mmol/L · AGP", "5-95th")
	s.keys("Escape")
	s.expect("back on step 6", "Step 6 · Authenticate a test account through ROOK", "g shows the glucose data")
	s.keys("r")
	s.expect("step 6 through ROOK", "Connected through ROOK", "ROOK has ", "Dexcom → ROOK → webhook")
	s.keys("Right")
	s.expect("step 7", "Step 7 · Request production access")
	s.keys("Space", "Down", "Space", "Down", "Space", "d")
	s.expect("all done", "8 of 8 done")
	s.keys("q")
	s.expect("quit", "EXITED:0")
	for _, sc := range s.screens {
		t.Log("\n" + sc)
	}
	if dir := os.Getenv("DEXONBOARD_SCREENS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "tmux-walkthrough.txt"), []byte(strings.Join(s.screens, "\n\n")), 0o644)
	}
}
