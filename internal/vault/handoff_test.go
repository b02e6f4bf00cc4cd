package vault

import (
	"errors"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
)

// TestStoreHandoffIsOneTransaction: the profile, its audit lines and the
// opened mark are written together, or not at all.
func TestStoreHandoffIsOneTransaction(t *testing.T) {
	t.Parallel()
	_, v := newTestVault(t)
	boom := errors.New("refused by apply")
	if _, err := v.StoreHandoff("h1", "Acme", func(p *onboarding.Profile, created bool) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if seen, _ := v.HandoffOpened("h1"); seen {
		t.Fatal("a refused store marked the hand-off opened")
	}
	if _, err := v.Profile("Acme"); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("a refused store created the profile: %v", err)
	}
	p, err := v.StoreHandoff("h1", "Acme", func(p *onboarding.Profile, created bool) error {
		if !created {
			t.Error("a new profile was not reported as created")
		}
		a := p.App(dexcom.Sandbox)
		a.ClientID, a.ClientSecret = clientID, secret.New(secretVal)
		return nil
	})
	if err != nil || p.Name != "Acme" {
		t.Fatalf("store: %v", err)
	}
	if got, _ := v.Profile("acme"); got.Apps[dexcom.Sandbox].ClientSecret.Reveal() != secretVal {
		t.Fatal("the app was not stored")
	}
	if _, err := v.StoreHandoff("h1", "Acme", func(*onboarding.Profile, bool) error { return nil }); !errors.Is(err, ErrHandoffReplay) {
		t.Fatalf("replay: %v", err)
	}
	audit, _ := v.Audit(p.ID)
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	got := strings.Join(actions, "; ")
	if !strings.Contains(got, "profile created") || !strings.Contains(got, "sandbox client secret set") || !strings.Contains(got, "hand-off opened") {
		t.Fatalf("audit: %s", got)
	}
	if err := readAll(v); err != nil {
		t.Fatal(err)
	}
}
