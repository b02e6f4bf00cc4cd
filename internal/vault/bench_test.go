package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/oauth2"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// BenchmarkUnlockDefaultKDF is the cost of opening a vault at the default
// Argon2id parameters (64 MiB, 3 passes, 4 lanes).
func BenchmarkUnlockDefaultKDF(b *testing.B) {
	path := filepath.Join(b.TempDir(), "vault.db")
	v, err := Create(path, testPass, Options{})
	if err != nil {
		b.Fatal(err)
	}
	v.Close()
	b.ReportAllocs()
	for b.Loop() {
		v, err := Open(path, testPass, Options{})
		if err != nil {
			b.Fatal(err)
		}
		v.Close()
	}
}

func BenchmarkProfileRead(b *testing.B) {
	_, v := newTestVault(b)
	fill(b, v)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Profile(company); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProfileWrite(b *testing.B) {
	_, v := newTestVault(b)
	p := fill(b, v)
	b.ReportAllocs()
	for b.Loop() {
		p.App(dexcom.Sandbox).Name = "bench"
		if err := v.SaveProfile(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveToken saves a refreshed token into a vault whose audit trail
// already holds 100 or 10,000 entries (a year of refreshes for many
// clients): the cost must not grow with it. "disk" is the test's temp dir,
// where bbolt's two fsyncs per commit set the floor; "tmpfs" (/dev/shm, when
// there is one) leaves the vault's own work.
func BenchmarkSaveToken(b *testing.B) {
	dirs := map[string]string{"disk": ""}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		dirs["tmpfs"] = "/dev/shm"
	}
	for _, prior := range []int{100, 10_000} {
		for _, fs := range []string{"disk", "tmpfs"} {
			base, ok := dirs[fs]
			if !ok {
				continue
			}
			b.Run(fmt.Sprintf("audit-%d/%s", prior, fs), func(b *testing.B) { benchSaveToken(b, base, prior) })
		}
	}
}

func benchSaveToken(b *testing.B, base string, prior int) {
	dir, err := os.MkdirTemp(base, "vault-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	v, err := Create(filepath.Join(dir, "vault.db"), testPass, testOpts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { v.Close() })
	p := fill(b, v)
	if err := v.update(func(tx *bolt.Tx) error {
		for range prior {
			if err := v.appendAudit(tx, p, "sandbox login refreshed", ""); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	tok := &oauth2.Token{AccessToken: accessTok, RefreshToken: refreshTk, TokenType: "Bearer", Expiry: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.SaveToken(p.ID, dexcom.Sandbox, tok); err != nil {
			b.Fatal(err)
		}
	}
}
