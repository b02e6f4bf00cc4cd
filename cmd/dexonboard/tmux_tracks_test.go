package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTmuxDemoBothTracks80x24 walks `dexonboard demo` at 80x24, as a
// presenter would, through the sandbox track, its finished screen, the
// production track (its own demo app: no typing) and its finished screen,
// to the client list. Every result it waits for is on the screen without
// resizing, and the sealed files land in the working directory.
func TestTmuxDemoBothTracks80x24(t *testing.T) {
	cwd := t.TempDir()
	s := startTmuxDemo(t, "tracks", 80, 24, cwd)
	defer func() {
		for _, sc := range s.screens {
			t.Log("\n" + sc)
		}
	}()

	// The sandbox track.
	s.expect("start", "Prerequisites", "0 of 8 done", "→/pgdn next step", "? help", "q quit")
	s.keys("Space", "Down", "Space")
	s.expect("prerequisites ticked", "1 of 8 done")
	s.keys("Right", "o")
	s.expect("step 1, the portal's URL in view", "Portal: https://developer.dexcom.com")
	// Back to the step's top, one line per key: a key that changes nothing
	// would cost keys' whole two-second wait (five of them did).
	for range 7 {
		if !strings.Contains(s.tmux("capture-pane", "-p", "-t", s.name), "↑ more above") {
			break
		}
		s.keys("Up")
	}
	s.expect("step 1 from its top", "Step 1 · Create a Dexcom developer account")
	s.keys("Space", "Down", "Space", "Down", "Space", "Down", "Space", "Down", "Space", "Down", "Space", "d")
	s.expect("step 1 done", "2 of 8 done")
	s.keys("Right", "Space", "Down", "Space", "Down", "Space", "Down", "Enter")
	s.typeText("Demo Clinic sandbox")
	s.keys("Enter", "Escape")
	s.expect("step 2 done", "3 of 8 done")
	s.keys("Right")
	s.expect("step 3", "Store encrypted", "dexonboard-demo-app")
	s.keys("Enter")
	s.expect("step 3 stored", "4 of 8 done", "Stored encrypted")
	s.keys("Right", "Down", "Enter")
	s.expect("step 4 sealed: the code in view", "Verification code")
	s.keys("Down", "Space", "Down", "Space", "Down", "Space", "d") // ROOK's URL came back with the hand-off
	s.expect("step 4 done", "5 of 8 done")
	s.keys("Right", "Down", "Down", "Down", "Space", "p")
	s.expect("step 5 preflight in view", "✓ 200", "6 of 8 done")
	s.keys("y")
	s.expect("step 5 copied", "Copied to the clipboard")
	s.keys("Right", "c")
	s.expect("step 6 verified", "Verified", "7 of 8 done")
	s.keys("r")
	s.expect("step 6 through ROOK, the webhook delivery in view", "Connected through ROOK", "ROOK has ", "Dexcom → ROOK → webhook")
	s.keys("Right", "Space", "Down", "Space", "Down", "Space", "d")
	s.expect("step 7 done", "8 of 8 done")
	s.keys("Right")
	s.expect("sandbox finished", "Sandbox app: every step done", "dexonboard report 'Demo Clinic'", "production app's track")

	// The production track, on its own demo app.
	s.keys("Enter")
	s.expect("region", "which region?")
	s.keys("Enter")
	s.expect("production track", "PRODUCTION · US", "0 of 7 done")
	s.keys("Space", "Down", "Space", "Right")
	s.keys("Space", "Down", "Space", "Down", "Space", "Down", "Space", "Down", "Space", "Down", "Space", "d")
	s.expect("production step 1 done", "2 of 7 done")
	s.keys("Right", "Space", "Down", "Space", "Down", "Space", "Down", "Enter")
	s.typeText("Demo Clinic production")
	s.keys("Enter", "Escape")
	s.expect("production step 2 done", "3 of 7 done")
	s.keys("Right")
	s.expect("production step 3", "dexonboard-demo-production-app")
	s.keys("Enter")
	s.expect("production step 3 stored", "4 of 7 done")
	s.keys("Right", "Down", "Enter")
	s.expect("production step 4 sealed", "Verification code")
	s.keys("Down", "Space", "Down", "Space", "Down", "Space", "d")
	s.expect("production step 4 done", "5 of 7 done")
	s.keys("Right", "Down", "Down", "Down", "Space", "p")
	s.expect("production preflight passes without typing", "✓ 200", "6 of 7 done")
	s.keys("Right", "r")
	s.expect("production through ROOK", "Connected through ROOK", "Dexcom → ROOK → webhook", "7 of 7 done")
	s.keys("Right")
	s.expect("production finished", "Production app (US): every step done", "sandbox app's track", "client list")
	s.keys("l")
	s.expect("client list", "Client profiles", "8/8", "7/7")
	s.keys("q")
	s.expect("quit", "EXITED:0")

	sealed, _ := filepath.Glob(filepath.Join(cwd, "dexonboard-handoff-demo-clinic-*.age"))
	if len(sealed) != 2 {
		entries, _ := os.ReadDir(cwd)
		t.Fatalf("sealed files in the working directory: %v (it holds %v)", sealed, entries)
	}
	if !strings.Contains(sealed[0], "sandbox") && !strings.Contains(sealed[1], "sandbox") {
		t.Fatalf("no sandbox hand-off among %v", sealed)
	}
}
