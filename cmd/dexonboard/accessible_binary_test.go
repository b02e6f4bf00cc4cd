package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLineModeThroughTheBinary runs the built program twice on one vault
// with answers piped to standard input: first with --accessible, then
// with no flag (input and output are not a terminal, so it switches to
// the line mode itself). The second run resumes where the first saved,
// re-asks a refused answer, and neither shows the passphrase.
func TestLineModeThroughTheBinary(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	path := filepath.Join(t.TempDir(), "v.db")
	const pass = "violet-anchor-mosaic-7-tundra"
	run := func(answers []string, args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--vault", path}, args...)...)
		cmd.Env = append(envWithout(secretVars...), "NO_COLOR=1")
		cmd.Stdin = strings.NewReader(strings.Join(answers, "\n") + "\n")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v %v\nstdout:\n%s\nstderr:\n%s", args, err, out.String(), errOut.String())
		}
		if strings.Contains(out.String()+errOut.String(), pass) {
			t.Fatalf("the passphrase was shown:\n%s\n%s", out.String(), errOut.String())
		}
		return out.String(), errOut.String()
	}

	// A new vault (passphrase twice), a new profile, the sandbox app, the
	// prerequisites' two ticks and no webhook, then stop.
	out, prompts := run([]string{pass, pass, "Acme Health", "", "y", "y", "", "n"}, "--accessible")
	for _, want := range []string{`Profile "Acme Health" created.`, "\nPrerequisites (sandbox app)\n", "Prerequisites is done. Progress saved."} {
		if !strings.Contains(out, want) {
			t.Errorf("first run lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{"Vault passphrase: ", "Repeat it: ", "We own the Dexcom developer account (ROOK never holds it)? [y/N] "} {
		if !strings.Contains(prompts, want) {
			t.Errorf("first run did not ask %q:\n%s", want, prompts)
		}
	}

	// No flag: the pipes switch it to the line mode, at step 1.
	out, prompts = run([]string{pass, "1", "", "maybe", "y", "y", "y", "y", "y", "y", "4", "n"})
	for _, want := range []string{"1. Acme Health", `"maybe" is not an answer: type y or n`,
		"Step 1 · Create a Dexcom developer account (sandbox app)", "Recorded the date: ", "Step 1 is done. Progress saved."} {
		if !strings.Contains(out, want) {
			t.Errorf("second run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Prerequisites (sandbox app)") || strings.Count(prompts, "Signed up on the Developer Portal? [y/N] ") != 2 {
		t.Fatalf("second run did not resume at step 1 or re-ask:\n%s\n%s", out, prompts)
	}
}
