package vault

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/tryrook/dexonboard/internal/testfs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The change a key rotation or passphrase change makes, and what says it is done.
type keyChange struct {
	name   string
	change func(v *Vault) error
	done   func(v *Vault, before header) bool
	after  []byte // the passphrase once done
}

var keyChanges = []keyChange{
	{"rotate-key", func(v *Vault) error { return v.RotateKey(testPass) },
		func(v *Vault, before header) bool { return v.hdr.KeyGen == before.KeyGen+1 }, testPass},
	{"passwd", func(v *Vault) error { return v.ChangePassphrase(testPass, newTestPass) },
		func(v *Vault, before header) bool { return !bytes.Equal(v.hdr.Salt, before.Salt) }, newTestPass},
}

var newTestPass = []byte("copper-lantern-meadow-42-fjord")

// On a disk that fills, rotate-key and passwd either finish (changed and
// compacted: the old wrapped key is gone from the file), or change nothing,
// or say exactly that the change is saved and the compaction is not; then
// the next open, once there is room, finishes the compaction.
func TestKeyChangesOnAFullDisk(t *testing.T) {
	t.Parallel()
	for _, kc := range keyChanges {
		t.Run(kc.name, func(t *testing.T) {
			dir := testfs.MountTmpfs(t, "2m")
			outcomes := map[string]int{}
			for free := int64(0); free <= 160<<10; free += 4 << 10 {
				outcomes[keyChangeOnFullDisk(t, filepath.Join(dir, fmt.Sprint(free)), free, kc)]++
			}
			t.Logf("outcomes: %v", outcomes)
			if outcomes["compaction pending"] == 0 || outcomes["done"] == 0 {
				t.Fatalf("outcomes %v: no amount of free space left the change saved and the compaction undone", outcomes)
			}
		})
	}
}

func keyChangeOnFullDisk(t *testing.T, dir string, free int64, kc keyChange) string {
	t.Helper()
	path := filepath.Join(dir, "vault.db")
	defer os.RemoveAll(dir) // room for the next
	v, err := Create(path, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { v.Close() }()
	for i := range 8 {
		fill(t, v)
		if err := v.RenameProfile(company, fmt.Sprintf("%s %d", company, i)); err != nil {
			t.Fatal(err)
		}
	}
	before := *v.hdr
	freeAll := testfs.FillDisk(t, filepath.Dir(dir), free)
	defer freeAll()
	err = kc.change(v)
	done := func() bool { return kc.done(v, before) }
	outcome := "done"
	switch {
	case err == nil:
		if !done() {
			t.Fatalf("free %d: no error, and nothing changed", free)
		}
	case errors.Is(err, ErrCompactPending):
		outcome = "compaction pending"
		if !done() || !strings.Contains(err.Error(), "old key material may remain") {
			t.Fatalf("free %d: %v, and the change is not saved", free, err)
		}
	default:
		outcome = "nothing changed"
		if done() {
			t.Fatalf("free %d: the change is saved, but the error says only %q", free, err)
		}
	}
	pass := testPass
	if done() {
		pass = kc.after
	}
	v.Close()
	freeAll()
	// The next open, with room, finishes what is pending; the vault holds
	// everything and, once changed, no old wrapped key.
	v, err = Open(path, pass, testOpts)
	if err != nil {
		t.Fatalf("free %d (%s): reopen: %v", free, outcome, err)
	}
	if err := readAll(v); err != nil {
		t.Fatal(err)
	}
	if w := v.Warnings(); len(w) > 0 {
		t.Fatalf("free %d (%s): reopen warns %q", free, outcome, w)
	}
	if outcome != "nothing changed" {
		raw, _ := os.ReadFile(path)
		if bytes.Contains(raw, before.WrappedKey) {
			t.Fatalf("free %d (%s): the old wrapped key is still in the file", free, outcome)
		}
	}
	return outcome
}
