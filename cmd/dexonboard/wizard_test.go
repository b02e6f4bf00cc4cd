package main

import (
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/sandbox"
)

// TestDemoAccessible runs `dexonboard demo` off a terminal: the wizard falls
// back to plain prompts and walks all steps to a verified connection.
func TestDemoAccessible(t *testing.T) {
	y := func(n int) []string { return strings.Split(strings.Repeat("y ", n), " ")[:n] }
	var answers []string
	answers = append(answers, y(2+1)...)                                                        // prerequisites, continue
	answers = append(answers, append(y(6), "2", "y")...)                                        // step 1: ticks, review status, continue
	answers = append(answers, append(y(3), "Demo sandbox app", "", "y")...)                     // step 2: ticks, name, no description
	answers = append(answers, sandbox.DemoClientID, sandbox.DemoClientSecret, "y")              // step 3
	answers = append(answers, "", "y", "y", "y", "https://rook.example/api/v1/dexcom/callback") // step 4: the demo's key, seal, ticks, URL
	answers = append(answers, "y", "", "y", "y")                                                // continue; step 5: loopback kept, tick, continue
	answers = append(answers, y(1+1)...)                                                        // step 6
	answers = append(answers, append(y(3), "n")...)                                             // step 7, not the production app now
	r := runCmd(t, "", answers, "demo", "--accessible")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	for _, want := range []string{"Step 3 is done", "Sealed: ", "Verification code ", "Loopback Redirect URL: http://127.0.0.1:", "Stored encrypted: client id dexonboard-demo-app", "Preflight https://rook.example/api/v1/dexcom/callback: 200",
		"answered 200", "Verified:", "Step 7 is done", "All steps of the sandbox app are recorded"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	if strings.Contains(r.out, sandbox.DemoClientSecret) {
		t.Fatal("the secret was printed")
	}
}

func TestDemoCheckFlag(t *testing.T) {
	r := runCmd(t, "", nil, "demo", "--check")
	if r.code != 0 || !strings.Contains(r.out, "Verified") {
		t.Fatalf("%+v", r)
	}
}

func TestWizardWithoutTerminalNeedsAnswers(t *testing.T) {
	r := runCmd(t, "", nil, "--vault", t.TempDir()+"/v.db")
	if r.code == 0 || !strings.Contains(r.errOut, "terminal") {
		t.Fatalf("%+v", r)
	}
}
