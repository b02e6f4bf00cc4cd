package vault

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestMain lets the test binary act as a writer child for TestKillMidWrite.
func TestMain(m *testing.M) {
	if path := os.Getenv("DEXONBOARD_VAULT_WRITER"); path != "" {
		os.Exit(writerChild(path))
	}
	os.Exit(m.Run())
}

// writerChild saves the profile's notes as 1, 2, 3… and reports each commit.
func writerChild(path string) int {
	v, err := Open(path, testPass, testOpts)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	p, err := v.Profile(company)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	for i := 1; ; i++ {
		p.Notes = strconv.Itoa(i)
		if err := v.SaveProfile(p); err != nil {
			fmt.Println("error", err)
			return 1
		}
		fmt.Println("committed", i)
	}
}

// TestKillMidWrite kills a writer with SIGKILL at random points: every reopen
// must pass the header and manifest checks and hold every reported commit.
func TestKillMidWrite(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path, v := newTestVault(t)
	fill(t, v)
	v.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 25; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "DEXONBOARD_VAULT_WRITER="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stop := 1 + rng.IntN(40)
		last := 0
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "error") {
				t.Fatalf("round %d: child: %s", round, line)
			}
			n, _ := strconv.Atoi(strings.TrimPrefix(line, "committed "))
			last = n
			if n >= stop {
				_ = cmd.Process.Kill()
				break
			}
		}
		_ = cmd.Wait()
		v, err := Open(path, testPass, testOpts)
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		p, err := v.Profile(company)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := strconv.Atoi(p.Notes)
		if got < last {
			t.Fatalf("round %d: child reported commit %d, vault holds %d", round, last, got)
		}
		if err := readAll(v); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		// Reset for the next child.
		p.Notes = "0"
		if err := v.SaveProfile(p); err != nil {
			t.Fatal(err)
		}
		v.Close()
	}
}
