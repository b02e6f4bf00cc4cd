package vault

import (
	"errors"
	"github.com/tryrook/dexonboard/internal/testfs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A vault on read-only media (a backup disk) opens for reading, with or
// without its lock file; a change is refused, saying why and naming each
// path once.
func TestReadOnlyMediaOpenForReading(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		keepLock bool
	}{{"with its lock file", true}, {"without a lock file", false}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := testfs.MountTmpfs(t, "4m")
			path := filepath.Join(dir, "vault.db")
			v, err := Create(path, testPass, testOpts)
			if err != nil {
				t.Fatal(err)
			}
			fill(t, v)
			v.Close()
			if !tt.keepLock {
				if err := os.Remove(lockPath(path)); err != nil {
					t.Fatal(err)
				}
			}
			testfs.Remount(t, dir, true)
			ro := testOpts
			ro.ReadOnly = true
			v, err = Open(path, testPass, ro)
			if err != nil {
				t.Fatalf("read-only open: %v", err)
			}
			if err := readAll(v); err != nil {
				t.Fatal(err)
			}
			if _, err := v.CreateProfile("Another"); err == nil {
				t.Fatal("a read-only vault took a change")
			}
			v.Close()
			r, err := Check(path, testPass, testOpts)
			if err != nil || !r.OK() || r.Profiles != 1 {
				t.Fatalf("check: %+v, %v", r, err)
			}
			_, err = Open(path, testPass, testOpts)
			if err == nil {
				t.Fatal("opened for writing on a read-only file system")
			}
			msg := err.Error()
			if !strings.Contains(msg, "read-only file system") || strings.Count(msg, lockPath(path)) != 1 || strings.Count(msg, path) != 1 {
				t.Fatalf("error %q: want read-only file system, %s once", msg, lockPath(path))
			}
		})
	}
}

// Readers share the lock; a writer waits for them, and they for a writer.
func TestReadersShareTheLock(t *testing.T) {
	t.Parallel()
	path, w := newTestVault(t)
	fill(t, w)
	ro := testOpts
	ro.ReadOnly = true
	ro.LockTimeout = -1
	if _, err := Open(path, testPass, ro); !errors.Is(err, ErrInUse) {
		t.Fatalf("a reader beside a writer: %v", err)
	}
	w.Close()
	r1, err := Open(path, testPass, ro)
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := Open(path, testPass, ro)
	if err != nil {
		t.Fatalf("a second reader: %v", err)
	}
	defer r2.Close()
	rw := testOpts
	rw.LockTimeout = -1
	if _, err := Open(path, testPass, rw); !errors.Is(err, ErrInUse) {
		t.Fatalf("a writer beside readers: %v", err)
	}
}
