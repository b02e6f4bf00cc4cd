package vault

import (
	"encoding/hex"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

const escName = "Evil\x1b[2J\x1b]52;c;cm0=\x07\u009b\u202eCorp"

// TestProfileNamesNeverCarryControls: no path stores a name with control
// characters (create, rename, save with a changed name), and a name an
// older version stored as it came is read back clean.
func TestProfileNamesNeverCarryControls(t *testing.T) {
	t.Parallel()
	_, v := newTestVault(t)
	if _, err := v.CreateProfile(escName); err == nil || !strings.Contains(err.Error(), "control characters") {
		t.Fatalf("create: %v", err)
	}
	p, err := v.CreateProfile("Acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := v.RenameProfile("Acme", escName); err == nil {
		t.Fatal("rename accepted escapes")
	}
	p.Name = escName
	if err := v.SaveProfile(p); err == nil || !strings.Contains(err.Error(), "control characters") {
		t.Fatalf("save with a changed name: %v", err)
	}

	// As an older version could have stored it.
	p.Name = escName
	id, _ := hex.DecodeString(p.ID)
	if err := v.update(func(tx *bolt.Tx) error { return v.putSealed(tx, bucketProfiles, id, recordOf(p)) }); err != nil {
		t.Fatal(err)
	}
	ps, err := v.Profiles()
	if err != nil || len(ps) != 1 {
		t.Fatalf("%v %d", err, len(ps))
	}
	if strings.ContainsAny(ps[0].Name, "\x1b\x07\u009b\u202e") || !strings.HasPrefix(ps[0].Name, "Evil") {
		t.Fatalf("name read back %q", ps[0].Name)
	}
	// Saving it again stores the clean name.
	if err := v.SaveProfile(ps[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Profile(ps[0].Name); err != nil {
		t.Fatal(err)
	}
}
