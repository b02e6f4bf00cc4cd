package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Planted links and shared folders: each is refused with a message saying
// what to do, and nothing is written or chmod-ed through a link.
func TestSymlinkAtVaultPathRefused(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	fill(t, v)
	v.Close()
	// The real vault elsewhere, readable by others; a link where the vault belongs.
	real := filepath.Join(t.TempDir(), "real.db")
	if err := os.Rename(path, real); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(real, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, path); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, testPass, testOpts)
	var wrong *WrongFileError
	if !errors.Is(err, ErrUnsafePath) || !errors.As(err, &wrong) || !wrong.Link || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("open through a link: %v", err)
	}
	if strings.Contains(err.Error(), "--") {
		t.Fatalf("the vault names a command-line flag (the front end adds that): %v", err)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o644 {
		t.Fatalf("the link's target was chmod-ed to %v", fi.Mode().Perm())
	}
	if _, err := Check(path, testPass, testOpts); !errors.Is(err, ErrUnsafePath) {
		t.Fatalf("check through a link: %v", err)
	}

	// A dangling link: Create must not make its target.
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "planted.db")
	if err := os.Symlink(target, filepath.Join(dir, "vault.db")); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(filepath.Join(dir, "vault.db"), testPass, testOpts); !errors.Is(err, ErrUnsafePath) {
		t.Fatalf("create through a dangling link: %v", err)
	}
	if _, err := os.Lstat(target); err == nil {
		t.Fatal("create wrote the link's target")
	}
}

func TestLinkAtLockFileRefused(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	v.Close()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, plant := range []struct {
		name string
		make func(string, string) error
		want string
	}{{"symlink", os.Symlink, "symbolic link"}, {"hard link", os.Link, "hard links"}} {
		os.Remove(lockPath(path))
		if err := plant.make(victim, lockPath(path)); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path, testPass, testOpts)
		if !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), plant.want) || !strings.Contains(err.Error(), "remove it") {
			t.Fatalf("%s at the lock file: %v", plant.name, err)
		}
		if b, _ := os.ReadFile(victim); !bytes.Equal(b, []byte("precious")) {
			t.Fatalf("%s: the victim was written: %q", plant.name, b)
		}
	}
	// Removed, as the message says: the vault opens again.
	os.Remove(lockPath(path))
	v, err := Open(path, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
}

func TestFolderWritableByOthersRefused(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	v.Close()
	dir := filepath.Dir(path)
	for _, mode := range []os.FileMode{0o770, 0o702, 0o777} {
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path, testPass, testOpts)
		if !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), "chmod go-w "+dir) {
			t.Fatalf("folder %v: %v", mode, err)
		}
		if _, err := Create(filepath.Join(dir, "new.db"), testPass, testOpts); !errors.Is(err, ErrUnsafePath) {
			t.Fatalf("create in folder %v: %v", mode, err)
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	v, err := Open(path, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
}
