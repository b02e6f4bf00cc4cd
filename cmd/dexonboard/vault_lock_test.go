package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAddDuringRotateKey runs `vault add` processes while `vault rotate-key`
// replaces the file (or `vault passwd` rewrites its header). Each add either waits and lands in the new file or
// fails saying the vault is in use; none says "stored" and is then missing.
func TestAddDuringRotateKey(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := t.TempDir() + "/v.db"
	if r := runBinaryWith(t, unlocking, "", "--vault", path, "vault", "init"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var stored []string
	waited := 0
	// Eight rounds: in each, most adds wait for the lock while rotate-key
	// or passwd holds it (19 to 51 waited in the runs measured); more rounds
	// repeat the same race with other timings.
	for round := range 8 {
		// Mostly rotate-key (it replaces the file); every fourth round passwd
		// (same passphrase, so the adds still open it).
		change := []string{"--vault", path, "vault", "rotate-key"}
		if round%4 == 3 {
			change = []string{"--vault", path, "vault", "passwd"}
		}
		rot := binaryWith(t, unlocking, "", change...)
		rot.Env = append(rot.Env, "DEXONBOARD_NEW_PASSPHRASE="+cmdPass)
		var rotErr bytes.Buffer
		rot.Stderr = &rotErr
		if err := rot.Start(); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]result, 3)
		for i := range results {
			name := fmt.Sprintf("Client %d-%d", round, i)
			delay := time.Duration(rng.IntN(15)) * time.Millisecond
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(delay) // start while rotate-key works (not an assertion on time)
				results[i] = runBinaryWith(t, unlocking, "secret-"+strings.ReplaceAll(name, " ", "-")+"-0123456789\n", "--vault", path, "vault", "add", name, "--client-id", "id-"+strings.ReplaceAll(name, " ", "-"))
			}()
		}
		wg.Wait()
		if err := rot.Wait(); err != nil {
			t.Fatalf("round %d: %s: %v: %s", round, change[3], err, rotErr.String())
		}
		for i, r := range results {
			name := fmt.Sprintf("Client %d-%d", round, i)
			switch {
			case r.code == 0 && strings.Contains(r.out, "stored encrypted"):
				stored = append(stored, name)
				if strings.Contains(r.errOut, "waiting up to") {
					waited++
				}
			case r.code == exitVault && strings.Contains(r.errOut, "in use"):
			default:
				t.Fatalf("round %d: add %s: neither stored nor refused clearly: %+v", round, name, r)
			}
		}
		list := runBinaryWith(t, unlocking, "", "--vault", path, "vault", "list")
		if list.code != 0 {
			t.Fatalf("round %d: list: %+v", round, list)
		}
		for _, name := range stored {
			if !strings.Contains(list.out, name) {
				t.Fatalf("round %d: %q was reported stored, and is not in the vault:\n%s", round, name, list.out)
			}
		}
	}
	if len(stored) == 0 {
		t.Fatal("no add ever succeeded: the test proves nothing")
	}
	t.Logf("%d adds stored, every one kept; %d waited for the lock", len(stored), waited)
}
