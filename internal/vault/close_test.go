package vault

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// TestCloseWhileSaving closes the vault while goroutines save tokens,
// progress and profiles. Every run must leave a vault that opens and holds
// every write that reported success; writes after Close get ErrClosed.
func TestCloseWhileSaving(t *testing.T) {
	t.Parallel()
	runs := 150
	if testing.Short() {
		runs = 20
	}
	for run := 0; run < runs; run++ {
		closeWhileSaving(t, run)
	}
}

func closeWhileSaving(t *testing.T, run int) {
	t.Helper()
	path, v := newTestVault(t)
	p := fill(t, v)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		last    = map[string]int{}
		started = make(chan struct{}, 3)
	)
	record := func(kind string, n int) {
		mu.Lock()
		last[kind] = n
		mu.Unlock()
	}
	writer := func(kind string, save func(n int) error) {
		defer wg.Done()
		for n := 1; ; n++ {
			err := save(n)
			if n == 1 {
				started <- struct{}{}
			}
			if errors.Is(err, ErrClosed) {
				return
			}
			if err != nil {
				t.Errorf("run %d: %s save %d: %v", run, kind, n, err)
				return
			}
			record(kind, n)
		}
	}
	wg.Add(3)
	go writer("token", func(n int) error {
		return v.SaveToken(p.ID, dexcom.Sandbox, &oauth2.Token{AccessToken: strconv.Itoa(n), RefreshToken: "r", TokenType: "Bearer"})
	})
	go writer("progress", func(n int) error {
		pr := onboarding.NewProgress(onboarding.ProductionTrack, dexcom.US)
		pr.SetField(onboarding.CreateApp, "n", strconv.Itoa(n), v.opts.Now())
		return v.SaveProgress(p.ID, pr)
	})
	go writer("profile", func(n int) error {
		c := *p
		c.Notes = strconv.Itoa(n)
		return v.SaveProfile(&c)
	})
	for range 3 {
		<-started
	}
	if err := v.Close(); err != nil {
		t.Fatalf("run %d: close: %v", run, err)
	}
	wg.Wait()
	if err := v.SaveToken(p.ID, dexcom.Sandbox, &oauth2.Token{AccessToken: "late"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("run %d: save after close: %v", run, err)
	}

	v2, err := Open(path, testPass, testOpts)
	if err != nil {
		t.Fatalf("run %d: reopen after close during writes: %v", run, err)
	}
	defer v2.Close()
	tok, err := v2.Token(p.ID, dexcom.Sandbox)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := v2.Progress(p.ID, onboarding.ProductionTrack)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := v2.Profile(company)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"token": tok.AccessToken, "profile": prof.Notes}
	if pr != nil {
		got["progress"] = pr.State(onboarding.CreateApp).Fields["n"]
	}
	for kind, n := range last {
		if got[kind] != fmt.Sprint(n) {
			t.Fatalf("run %d: %s: last reported save %d, vault holds %q", run, kind, n, got[kind])
		}
	}
	if err := readAll(v2); err != nil {
		t.Fatalf("run %d: %v", run, err)
	}
}
