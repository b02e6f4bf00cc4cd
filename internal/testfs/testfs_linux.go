// Package testfs gives tests a small file system of their own, to fill or
// to make read-only (Linux, as root; elsewhere the tests skip). Only tests
// import it.
package testfs

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// MountTmpfs mounts a tmpfs of size (such as "1m") on a new folder until the
// test ends. It skips where it cannot (not root, or mounting is not allowed
// here).
func MountTmpfs(t testing.TB, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// Remount makes the tmpfs at dir read-only, or writable again.
func Remount(t testing.TB, dir string, readOnly bool) {
	t.Helper()
	flags := uintptr(syscall.MS_REMOUNT)
	if readOnly {
		flags |= syscall.MS_RDONLY
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, ""); err != nil {
		t.Fatalf("remount %s: %v", dir, err)
	}
}

// FillDisk writes a file in dir until the file system is full, then frees
// free bytes of it (a multiple of 4 KiB, tmpfs's page). It returns a
// function that frees the rest.
func FillDisk(t testing.TB, dir string, free int64) (freeAll func()) {
	t.Helper()
	name := filepath.Join(dir, "filler")
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, 4096)
	var size int64
	for {
		n, err := f.Write(page)
		size += int64(n)
		if err != nil {
			break
		}
	}
	if err := f.Truncate(max(0, size-free)); err != nil {
		t.Fatal(err)
	}
	return func() { os.Remove(name) }
}
