package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestTruncatedVaultIsRefused truncates a real vault to many sizes and runs
// `vault list` on it, in this process and as its own: it must say the vault is damaged and what
// to do, never crash (SIGSEGV, "fatal error: fault") or print bbolt's
// internals, and never write into the file.
func TestTruncatedVaultIsRefused(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	path := dir + "/v.db"
	if r := runBinaryWith(t, unlocking, "", "--vault", path, "vault", "init"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	// Enough records that the file spans many pages.
	for i := range 40 {
		name := fmt.Sprintf("Client %02d %s", i, strings.Repeat("x", 60))
		if r := runCmdWith(t, unlocking, "secret-0123456789abcdef\n", nil, "--vault", path, "vault", "add", name, "--client-id", fmt.Sprintf("client-%d", i)); r.code != 0 {
			t.Fatalf("add: %+v", r)
		}
	}
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(whole) < 48<<10 {
		t.Fatalf("vault is only %d bytes", len(whole))
	}
	// Every size runs in this process (a crash would still end the test
	// binary); a handful, with page and header boundaries, run as their own
	// process, where a crash shows as a signal and a runtime's fatal error.
	sizes := []int{0, 1, 100, 4095, len(whole) - 1}
	for size := 4096; size < len(whole); size += 4096 {
		sizes = append(sizes, size)
	}
	refused := 0
	for _, size := range sizes {
		for range 2 { // the first open must change nothing the second sees
			truncate(t, path, whole[:size])
			if checkTruncated(t, path, size, runCmdWith(t, unlocking, "", nil, "--vault", path, "vault", "list")) {
				refused++
			}
		}
	}
	for _, size := range []int{0, 100, 4095, 16 << 10, 32 << 10, len(whole) - 1} {
		truncate(t, path, whole[:size])
		checkTruncated(t, path, size, runBinaryWith(t, unlocking, "", "--vault", path, "vault", "list"))
	}
	if refused < 2*len(sizes) {
		t.Logf("%d of %d truncations refused; the others cut only unused pages", refused/2, len(sizes))
	}
	if err := os.WriteFile(path, whole, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runBinaryWith(t, unlocking, "", "--vault", path, "vault", "list"); r.code != 0 {
		t.Fatalf("the whole file no longer opens: %+v", r)
	}
}

func truncate(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// checkTruncated fails unless `vault list` on a vault cut to size either
// refused it clearly or listed every record, and left the file as it was.
// It reports whether the vault was refused.
func checkTruncated(t *testing.T, path string, size int, r result) (refused bool) {
	t.Helper()
	msg := r.errOut + r.out
	switch {
	case strings.Contains(msg, "fatal error") || strings.Contains(msg, "SIGSEGV") || strings.Contains(msg, "goroutine "):
		t.Fatalf("size %d: crashed:\n%s", size, msg)
	case strings.Contains(msg, "self identifies") || strings.Contains(msg, "Page expected"):
		t.Fatalf("size %d: bbolt's internals shown:\n%s", size, msg)
	case r.code == 0:
		// Only unused tail pages were cut: everything must still be there.
		if strings.Count(r.out, "Client ") != 40 {
			t.Fatalf("size %d: opened with records missing:\n%s", size, r.out)
		}
	case r.code != exitVault || !strings.Contains(r.errOut, "damaged") || !strings.Contains(r.errOut, "restore a backup"):
		t.Fatalf("size %d: not refused clearly: %+v", size, r)
	default:
		refused = true
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != int64(size) {
		t.Fatalf("size %d: the file was written into (now %v bytes)", size, fi.Size())
	}
	return refused
}
