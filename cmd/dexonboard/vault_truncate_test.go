package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestTruncatedVaultIsRefused truncates a real vault to many sizes and runs
// `vault list` as its own process: it must say the vault is damaged and what
// to do, never crash (SIGSEGV, "fatal error: fault") or print bbolt's
// internals, and never write into the file.
func TestTruncatedVaultIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	path := dir + "/v.db"
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	if r := runBinary(t, "", "--vault", path, "vault", "init"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	// Enough records that the file spans many pages.
	for i := range 40 {
		name := fmt.Sprintf("Client %02d %s", i, strings.Repeat("x", 60))
		if r := runCmd(t, "secret-0123456789abcdef\n", nil, "--vault", path, "vault", "add", name, "--client-id", fmt.Sprintf("client-%d", i)); r.code != 0 {
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
	sizes := []int{0, 1, 100, 4095, len(whole) - 1}
	for size := 4096; size < len(whole); size += 4096 {
		sizes = append(sizes, size)
	}
	refused := 0
	for _, size := range sizes {
		for run := range 2 {
			if err := os.WriteFile(path, whole[:size], 0o600); err != nil {
				t.Fatal(err)
			}
			r := runBinary(t, "", "--vault", path, "vault", "list")
			msg := r.errOut + r.out
			switch {
			case strings.Contains(msg, "fatal error") || strings.Contains(msg, "SIGSEGV") || strings.Contains(msg, "goroutine "):
				t.Fatalf("size %d run %d: crashed:\n%s", size, run, msg)
			case strings.Contains(msg, "self identifies") || strings.Contains(msg, "Page expected"):
				t.Fatalf("size %d run %d: bbolt's internals shown:\n%s", size, run, msg)
			case r.code == 0:
				// Only unused tail pages were cut: everything must still be there.
				if strings.Count(r.out, "Client ") != 40 {
					t.Fatalf("size %d run %d: opened with records missing:\n%s", size, run, r.out)
				}
			case r.code != exitVault || !strings.Contains(r.errOut, "damaged") || !strings.Contains(r.errOut, "restore a backup"):
				t.Fatalf("size %d run %d: not refused clearly: %+v", size, run, r)
			default:
				refused++
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() != int64(size) {
				t.Fatalf("size %d: the file was written into (now %v bytes)", size, fi.Size())
			}
		}
	}
	if refused < len(sizes) {
		t.Logf("%d of %d truncations refused; the others cut only unused pages", refused/2, len(sizes))
	}
	if err := os.WriteFile(path, whole, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, "", "--vault", path, "vault", "list"); r.code != 0 {
		t.Fatalf("the whole file no longer opens: %+v", r)
	}
}
