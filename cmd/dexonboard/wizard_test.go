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
	answers = append(answers, "y", "y", "", "y")                                   // prerequisites: ticks, the demo webhook (probed), continue
	answers = append(answers, append(y(6), "2", "y")...)                           // step 1: ticks, review status, continue
	answers = append(answers, append(y(3), "Demo sandbox app", "", "y")...)        // step 2: ticks, name, no description
	answers = append(answers, sandbox.DemoClientID, sandbox.DemoClientSecret, "y") // step 3
	answers = append(answers, "", "y", "y", "y", "y", "", "y")                     // step 4: ROOK's key, seal, ticks, ROOK's URL as it answered, continue
	answers = append(answers, "", "y", "y")                                        // step 5: loopback kept, tick, continue
	answers = append(answers, "", "", "", "y", "y", "y")                           // step 6: ROOK's demo credentials and user kept; direct, through ROOK, continue
	answers = append(answers, append(y(3), "n")...)                                // step 7, not the production app now

	t.Chdir(t.TempDir()) // the sealed file goes to the working directory
	r := runCmd(t, "", answers, "demo", "--accessible")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	for _, want := range []string{"Webhook http://127.0.0.1:", "answered 200 in", "Step 3 is done", "Sealed: ", "Verification code ",
		"ROOK's CSE (simulated) opened it, read ", "Loopback Redirect URL: http://127.0.0.1:", "Stored encrypted: client id dexonboard-demo-app",
		"/api/v1/oauth/dexcom/callback: 200", "answered 200", "Verified:", "… check the authorization URL", "ROOK has ",
		"Dexcom → ROOK → webhook", "Step 7 is done", "All steps of the sandbox app are recorded"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	if strings.Contains(r.out, "rook-demo-secret") {
		t.Fatal("ROOK's secret key was printed")
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
