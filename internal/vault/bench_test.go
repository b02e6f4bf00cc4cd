package vault

import (
	"path/filepath"
	"testing"

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
