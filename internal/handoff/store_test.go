package handoff_test

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

const testPass = "harbor-velvet-cactus-19-plume"

var testOpts = vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true}

// cseVault is a ROOK engineer's vault with a hand-off key; it returns the
// vault, its path and the public key clients seal for.
func cseVault(t *testing.T) (*vault.Vault, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cse.db")
	v, err := vault.Create(path, []byte(testPass), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	id, rcpt, _ := handoff.NewIdentity()
	if err := v.SetHandoffIdentity(id, rcpt); err != nil {
		t.Fatal(err)
	}
	return v, path, rcpt
}

// withApp stores a profile whose sandbox app holds the given credentials.
func withApp(t *testing.T, v *vault.Vault, name, clientID, sec string) {
	t.Helper()
	p, err := v.CreateProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	a := p.App(dexcom.Sandbox)
	a.ClientID, a.ClientSecret, a.RedirectURI = clientID, secret.New(sec), "http://localhost:8765/callback"
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
}

func sealFor(t *testing.T, rcpt string) []byte {
	t.Helper()
	sealed, _, err := handoff.Seal(payload(), rcpt)
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

func sandboxApp(t *testing.T, v *vault.Vault, name string) *onboarding.App {
	t.Helper()
	p, err := v.Profile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p.App(dexcom.Sandbox)
}

// TestOpenAsksBeforeReplacing is issue 11 point 4: a hand-off naming a
// profile that holds credentials must not replace them without a yes.
func TestOpenAsksBeforeReplacing(t *testing.T) {
	t.Parallel()
	v, _, rcpt := cseVault(t)
	withApp(t, v, "Acme Health", "own-client-id", "own-secret-0123456789-ABCD")
	sealed := sealFor(t, rcpt)
	o, err := handoff.Prepare(v, sealed, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if o.NewProfile || !o.Replaces() || len(o.Code) != 14 {
		t.Fatalf("opening: %+v", o)
	}
	want := map[string]handoff.Change{
		"Client ID":     {Field: "Client ID", Old: "own-client-id", New: "acme-client"},
		"Client Secret": {Field: "Client Secret", Old: "********ABCD", New: "********test"},
		"app name":      {Field: "app name", Old: "", New: "Acme sandbox"},
	}
	for _, c := range o.Changes {
		if w, ok := want[c.Field]; ok && c != w {
			t.Errorf("change %+v, want %+v", c, w)
		}
		delete(want, c.Field)
		if strings.Contains(c.Old+c.New, "own-secret") || strings.Contains(c.Old+c.New, theSecret) {
			t.Errorf("a change shows a secret: %+v", c)
		}
	}
	if len(want) > 0 {
		t.Errorf("changes %+v lack %v", o.Changes, want)
	}
	if _, err := o.Store(v, false); !errors.Is(err, handoff.ErrNeedsConfirmation) {
		t.Fatalf("stored without a yes: %v", err)
	}
	if a := sandboxApp(t, v, "Acme Health"); a.ClientID != "own-client-id" || a.ClientSecret.Reveal() != "own-secret-0123456789-ABCD" {
		t.Fatalf("refusing changed the app: %+v", a)
	}
	if seen, _ := v.HandoffOpened(o.Payload.ID); seen {
		t.Fatal("refusing burned the hand-off")
	}
	res, err := o.Store(v, true)
	if err != nil || res.NewProfile || res.Profile != "Acme Health" || res.Code != o.Code {
		t.Fatalf("store: %+v %v", res, err)
	}
	if a := sandboxApp(t, v, "Acme Health"); a.ClientID != "acme-client" || a.ClientSecret.Reveal() != theSecret {
		t.Fatalf("yes did not replace: %+v", a)
	}
	if _, err := handoff.Prepare(v, sealed, "", now); !errors.Is(err, handoff.ErrAlreadyOpened) {
		t.Fatalf("second open: %v", err)
	}
}

// TestOpenWithoutReplacingNeedsNoYes: a new profile, an empty app or the
// same credentials again replace nothing.
func TestOpenWithoutReplacingNeedsNoYes(t *testing.T) {
	t.Parallel()
	v, _, rcpt := cseVault(t)
	o, err := handoff.Prepare(v, sealFor(t, rcpt), "", now)
	if err != nil || !o.NewProfile || o.Replaces() {
		t.Fatalf("new profile: %+v %v", o, err)
	}
	if res, err := o.Store(v, false); err != nil || !res.NewProfile {
		t.Fatalf("store new: %+v %v", res, err)
	}
	// The same app sealed again: nothing changes, nothing to ask.
	if o, err = handoff.Prepare(v, sealFor(t, rcpt), "", now); err != nil || o.Replaces() || len(o.Changes) != 0 {
		t.Fatalf("same again: %+v %v", o, err)
	}
	// A profile without a sandbox app yet is filled in, not replaced.
	if _, err := v.CreateProfile("Beta"); err != nil {
		t.Fatal(err)
	}
	o, err = handoff.Prepare(v, sealFor(t, rcpt), "beta", now)
	if err != nil || o.NewProfile || o.Replaces() || o.Profile != "Beta" {
		t.Fatalf("empty app: %+v %v", o, err)
	}
	if _, err := o.Store(v, false); err != nil || sandboxApp(t, v, "Beta").ClientID != "acme-client" {
		t.Fatalf("store into empty app: %v", err)
	}
}

// TestFailedStoreKeepsTheHandoff is issue 11 point 4's second half: when
// storing fails, the one-time hand-off was not used up.
func TestFailedStoreKeepsTheHandoff(t *testing.T) {
	t.Parallel()
	t.Run("closed vault", func(t *testing.T) {
		v, path, rcpt := cseVault(t)
		sealed := sealFor(t, rcpt)
		o, err := handoff.Prepare(v, sealed, "", now)
		if err != nil {
			t.Fatal(err)
		}
		v.Close()
		if _, err := o.Store(v, false); !errors.Is(err, vault.ErrClosed) {
			t.Fatalf("store into a closed vault: %v", err)
		}
		v, err = vault.Open(path, []byte(testPass), testOpts)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		if o, err = handoff.Prepare(v, sealed, "", now); err != nil {
			t.Fatalf("the failed store burned the hand-off: %v", err)
		}
		if _, err := o.Store(v, false); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("profile changed after it was shown", func(t *testing.T) {
		v, _, rcpt := cseVault(t)
		withApp(t, v, "Acme Health", "own-client-id", "own-secret-0123456789-ABCD")
		sealed := sealFor(t, rcpt)
		o, _ := handoff.Prepare(v, sealed, "", now)
		// Someone stores another secret while the person reads the question.
		p, _ := v.Profile("Acme Health")
		p.App(dexcom.Sandbox).ClientSecret = secret.New("newer-secret-0123456789")
		if err := v.SaveProfile(p); err != nil {
			t.Fatal(err)
		}
		if _, err := o.Store(v, true); !errors.Is(err, handoff.ErrChanged) {
			t.Fatalf("stored over what was not shown: %v", err)
		}
		if got := sandboxApp(t, v, "Acme Health").ClientSecret.Reveal(); got != "newer-secret-0123456789" {
			t.Fatal("the newer secret was replaced")
		}
		if _, err := handoff.Prepare(v, sealed, "", now); err != nil {
			t.Fatalf("the refused store burned the hand-off: %v", err)
		}
	})
}

// TestStoreRacingADelete opens hand-offs into a profile another goroutine
// deletes, many times: every open that fails leaves the hand-off unused.
// (Before the single transaction, 183 of 200 failed opens burned the file.)
func TestStoreRacingADelete(t *testing.T) {
	t.Parallel()
	v, _, rcpt := cseVault(t)
	failed := 0
	for i := 0; i < 40; i++ {
		withApp(t, v, "Acme Health", "own-client-id", "own-secret-0123456789-ABCD")
		sealed := sealFor(t, rcpt)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); _ = v.DeleteProfile("Acme Health") }()
		o, err := handoff.Prepare(v, sealed, "", now)
		if err == nil {
			_, err = o.Store(v, true)
		}
		wg.Wait()
		if err != nil {
			failed++
			if !errors.Is(err, handoff.ErrChanged) {
				t.Fatalf("open %d: %v", i, err)
			}
			if seen, _ := v.HandoffOpened(o.Payload.ID); seen {
				t.Fatalf("open %d failed and burned the hand-off", i)
			}
		}
		_ = v.DeleteProfile("Acme Health")
	}
	t.Logf("%d of 40 opens lost the race and were refused", failed)
}

func TestPrepareRefusesABadProfileName(t *testing.T) {
	t.Parallel()
	v, _, rcpt := cseVault(t)
	for _, name := range []string{"Acme\x1b[2J", strings.Repeat("x", 81), "Acme\u202e"} {
		if _, err := handoff.Prepare(v, sealFor(t, rcpt), name, now); err == nil {
			t.Errorf("--profile %q accepted", name)
		}
	}
}
