package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

type rawRecord struct {
	bucket, key, val []byte
}

func rawRecords(t *testing.T, path string) []rawRecord {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []rawRecord
	_ = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				out = append(out, rawRecord{bytes.Clone(name), bytes.Clone(k), bytes.Clone(v)})
				return nil
			})
		})
	})
	return out
}

func put(t *testing.T, path string, bucket, key, val []byte) {
	tamper(t, path, func(tx *bolt.Tx) {
		if val == nil {
			_ = tx.Bucket(bucket).Delete(key)
		} else {
			_ = tx.Bucket(bucket).Put(key, val)
		}
	})
}

// openAndRead succeeds only if the vault opens and every record reads.
func openAndRead(path string) error {
	v, err := Open(path, testPass, testOpts)
	if err != nil {
		return err
	}
	defer v.Close()
	return readAll(v)
}

// TestFlipEveryByte flips each byte of every stored value (header, manifest
// and records) in turn: each flip must make open or read fail closed.
func TestFlipEveryByte(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	fill(t, v)
	v.Close()
	flips, detected := 0, 0
	classes := map[string]int{}
	for _, r := range rawRecords(t, path) {
		for i := range r.val {
			bad := bytes.Clone(r.val)
			bad[i] ^= 0x01
			put(t, path, r.bucket, r.key, bad)
			err := openAndRead(path)
			flips++
			if err != nil {
				detected++
				classes[errorClass(err)]++
			} else {
				t.Errorf("flip of %s/%x byte %d went unnoticed", r.bucket, r.key, i)
			}
			if string(r.key) == string(keyHeader) && !errors.Is(err, ErrHeaderDamaged) {
				t.Errorf("header byte %d: %v, want 'header is damaged'", i, err)
			}
			put(t, path, r.bucket, r.key, r.val)
		}
	}
	if err := openAndRead(path); err != nil {
		t.Fatalf("restored vault does not open: %v", err)
	}
	t.Logf("%d of %d single-byte flips detected: %v", detected, flips, classes)
	if flips < 1000 {
		t.Errorf("only %d bytes flipped; the vault is smaller than expected", flips)
	}
}

func errorClass(err error) string {
	for _, c := range []error{ErrHeaderDamaged, ErrWrongPassword, ErrModified, ErrDamaged, ErrNotVault, ErrUnsupported, ErrUnsafeKDF} {
		if errors.Is(err, c) {
			return c.Error()
		}
	}
	return "other: " + err.Error()
}

func TestSwapDeleteAndRollbackAreDetected(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	fill(t, v)
	if _, err := v.CreateProfile("Second Client"); err != nil {
		t.Fatal(err)
	}
	v.Close()
	var profiles []rawRecord
	for _, r := range rawRecords(t, path) {
		if string(r.bucket) == string(bucketProfiles) {
			profiles = append(profiles, r)
		}
	}
	a, b := profiles[0], profiles[1]
	original, _ := os.ReadFile(path)
	restore := func() { _ = os.WriteFile(path, original, 0o600) }

	put(t, path, a.bucket, a.key, b.val)
	put(t, path, b.bucket, b.key, a.val)
	if err := openAndRead(path); !errors.Is(err, ErrModified) || !strings.Contains(err.Error(), "was modified") {
		t.Errorf("swap: %v", err)
	}
	restore()

	put(t, path, a.bucket, a.key, nil)
	if err := openAndRead(path); !errors.Is(err, ErrModified) || !strings.Contains(err.Error(), "was removed") {
		t.Errorf("delete: %v", err)
	}
	restore()

	put(t, path, bucketProfiles, []byte("0123456789abcdef"), a.val)
	if err := openAndRead(path); !errors.Is(err, ErrModified) || !strings.Contains(err.Error(), "was added") {
		t.Errorf("insert: %v", err)
	}
	restore()

	// Rollback: keep a record's old value, update it, then put the old one back.
	v, err := Open(path, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := v.Profile(company)
	p.Notes = "changed after the copy"
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	v.Close()
	changed := 0
	for _, r := range rawRecords(t, path) {
		for _, old := range profiles {
			if bytes.Equal(r.key, old.key) && !bytes.Equal(r.val, old.val) {
				put(t, path, old.bucket, old.key, old.val)
				changed++
			}
		}
	}
	if changed != 1 {
		t.Fatalf("%d profile records changed", changed)
	}
	if err := openAndRead(path); !errors.Is(err, ErrModified) || !strings.Contains(err.Error(), "older version") {
		t.Errorf("rollback: %v", err)
	}
}

// TestSealedRecordsAreBound proves the AEAD binding itself, without the manifest.
func TestSealedRecordsAreBound(t *testing.T) {
	t.Parallel()
	s := &sealer{key: bytes.Repeat([]byte{7}, 32), vaultID: [16]byte{1}, gen: 1}
	sealed, err := s.seal(bucketProfiles, []byte("key-a"), []byte("plain"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.open(bucketProfiles, []byte("key-a"), sealed); err != nil {
		t.Fatal(err)
	}
	other := *s
	other.vaultID = [16]byte{2}
	next := *s
	next.gen = 2
	cases := map[string]func() error{
		"other key":    func() error { _, err := s.open(bucketProfiles, []byte("key-b"), sealed); return err },
		"other bucket": func() error { _, err := s.open(bucketTokens, []byte("key-a"), sealed); return err },
		"other vault":  func() error { _, err := other.open(bucketProfiles, []byte("key-a"), sealed); return err },
		"other gen":    func() error { _, err := next.open(bucketProfiles, []byte("key-a"), sealed); return err },
		"short":        func() error { _, err := s.open(bucketProfiles, []byte("key-a"), sealed[:20]); return err },
		"empty":        func() error { _, err := s.open(bucketProfiles, []byte("key-a"), nil); return err },
	}
	for name, f := range cases {
		if err := f(); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
	// Length prefixes: ("ab","c") must differ from ("a","bc").
	if bytes.Equal(recordAAD([16]byte{}, []byte("ab"), []byte("c"), 1), recordAAD([16]byte{}, []byte("a"), []byte("bc"), 1)) {
		t.Error("associated data is ambiguous")
	}
}

func TestRecordMovedBetweenVaultsIsRefused(t *testing.T) {
	t.Parallel()
	pathA, va := newTestVault(t)
	fill(t, va)
	va.Close()
	pathB, vb := newTestVault(t)
	fill(t, vb)
	vb.Close()
	var fromA rawRecord
	for _, r := range rawRecords(t, pathA) {
		if string(r.bucket) == string(bucketTokens) {
			fromA = r
		}
	}
	// Same passphrase, same bucket; B's manifest is the only thing changed too.
	for _, r := range rawRecords(t, pathB) {
		if string(r.bucket) == string(bucketTokens) {
			put(t, pathB, r.bucket, r.key, fromA.val)
		}
	}
	r, err := Check(pathB, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) < 2 || !strings.Contains(strings.Join(r.Problems, "\n"), "does not decrypt") {
		t.Errorf("moved record: %q", r.Problems)
	}
}

// headerWith rewrites the vault's header through edit, with a correct hash,
// as someone who knows the format would.
func headerWith(t *testing.T, path string, edit func(h *header)) {
	t.Helper()
	for _, r := range rawRecords(t, path) {
		if string(r.key) == string(keyHeader) {
			h, err := parseHeader(r.val)
			if err != nil {
				t.Fatal(err)
			}
			edit(h)
			put(t, path, bucketMeta, keyHeader, h.encode())
			return
		}
	}
	t.Fatal("no header")
}

func TestHostileHeadersRefusedFast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(h *header)
		want error
	}{
		{"memory 4 TiB", func(h *header) { h.KDF.MemoryKiB = 1<<32 - 1 }, ErrUnsafeKDF},
		{"zero passes", func(h *header) { h.KDF.Passes = 0 }, ErrUnsafeKDF},
		{"zero lanes", func(h *header) { h.KDF.Lanes = 0 }, ErrUnsafeKDF},
		{"a billion passes", func(h *header) { h.KDF.Passes = 1e9 }, ErrUnsafeKDF},
		{"empty salt", func(h *header) { h.Salt = nil }, ErrUnsafeKDF},
		{"255 lanes", func(h *header) { h.KDF.Lanes = 255 }, ErrUnsafeKDF},
		{"format 2", func(h *header) { h.Format = 2 }, ErrUnsupported},
		{"unknown cipher", func(h *header) { h.AEAD = 9 }, ErrUnsupported},
		// In bounds but cheaper than written: unwrapping fails, as with a wrong passphrase.
		{"downgrade", func(h *header) { h.KDF = KDFParams{MemoryKiB: 16, Passes: 1, Lanes: 1} }, ErrWrongPassword},
		{"other salt", func(h *header) { h.Salt[0] ^= 1 }, ErrWrongPassword},
		{"wrapped key", func(h *header) { h.WrappedKey[30] ^= 1 }, ErrWrongPassword},
		{"generation", func(h *header) { h.KeyGen = 5 }, ErrWrongPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, v := newTestVault(t)
			v.Close()
			headerWith(t, path, tt.edit)
			start := time.Now()
			_, err := Open(path, testPass, testOpts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			// A key derivation at these costs would take minutes or run out
			// of memory; the bound is loose so a loaded machine passes.
			if d := time.Since(start); d > 2*time.Second && tt.want != ErrWrongPassword {
				t.Errorf("refusal took %v", d)
			}
		})
	}
}

func TestUnknownKDFIDRefused(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	v.Close()
	for _, r := range rawRecords(t, path) {
		if string(r.key) != string(keyHeader) {
			continue
		}
		raw := bytes.Clone(r.val[:len(r.val)-hashLen])
		raw[len(magic)+2+vaultIDLen+8] = 7 // the kdf id byte
		sum := sha256.Sum256(raw)
		put(t, path, bucketMeta, keyHeader, append(raw, sum[:]...))
	}
	if _, err := Open(path, testPass, testOpts); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "Argon2id") {
		t.Fatalf("err = %v", err)
	}
}

func TestTruncatedHeaderAtEveryLength(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	v.Close()
	var full []byte
	for _, r := range rawRecords(t, path) {
		if string(r.key) == string(keyHeader) {
			full = r.val
		}
	}
	for n := 0; n < len(full); n++ {
		if h, err := parseHeader(full[:n]); err == nil {
			t.Fatalf("length %d parsed: %+v", n, h)
		}
		// Also with a valid hash over the cut body: the parser must still refuse.
		if n > len(magic) {
			body := bytes.Clone(full[:n])
			sum := sha256.Sum256(body)
			if _, err := parseHeader(append(body, sum[:]...)); err == nil && n != len(full)-hashLen {
				t.Fatalf("cut body of %d bytes with a fresh hash parsed", n)
			}
		}
	}
}

func TestNotAVault(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("x")); return err })
	db.Close()
	if _, err := Open(path, testPass, testOpts); !errors.Is(err, ErrNotVault) {
		t.Fatalf("err = %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	_ = os.WriteFile(junk, bytes.Repeat([]byte("not a database "), 500), 0o600)
	if _, err := Open(junk, testPass, testOpts); !errors.Is(err, ErrDamaged) {
		t.Fatalf("junk file: %v", err)
	}
}

// TestDamagedPagesNeverPanic overwrites each data page of the file with
// garbage: bbolt may panic reading it; the vault must turn that into an error.
func TestDamagedPagesNeverPanic(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	fill(t, v)
	v.Close()
	original, _ := os.ReadFile(path)
	const page = 4096
	for off := 2 * page; off+page <= len(original); off += page {
		bad := bytes.Clone(original)
		for i := off + 16; i < off+page; i += 8 {
			binary.LittleEndian.PutUint64(bad[i:], 0xdeadbeefcafebabe)
		}
		binary.LittleEndian.PutUint16(bad[off+8:], 0x77) // an unknown page type
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("page at %d: panic escaped: %v", off, r)
				}
			}()
			err := openAndRead(path)
			if errors.Is(err, ErrInUse) {
				t.Fatalf("page at %d: a failed open left the file locked", off)
			}
			if err == nil {
				// An unused (free) page may hold nothing: fine, as long as all reads succeeded.
				return
			}
		}()
	}
	_ = os.WriteFile(path, original, 0o600)
}

func FuzzParseHeader(f *testing.F) {
	h := &header{Format: 1, Created: time.Unix(1700000000, 0).UTC(), KDF: DefaultKDF, Salt: bytes.Repeat([]byte{1}, 16),
		AEAD: aeadXChaCha, KeyGen: 1, WrappedKey: bytes.Repeat([]byte{2}, 72)}
	f.Add(h.encode())
	f.Add([]byte(magic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		h, err := parseHeader(raw)
		if err != nil {
			return
		}
		// Whatever parses must re-encode byte-identical (no malleability).
		if !bytes.Equal(h.encode(), raw) {
			t.Fatalf("re-encoding differs")
		}
		_ = h.KDF.check(len(h.Salt), Options{})
	})
}

func FuzzOpenRecord(f *testing.F) {
	s := &sealer{key: bytes.Repeat([]byte{3}, 32), vaultID: [16]byte{9}, gen: 1}
	good, _ := s.seal([]byte("b"), []byte("k"), []byte("hello"))
	f.Add(good)
	f.Add([]byte{1, 0, 0, 0, 1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		plain, err := s.open([]byte("b"), []byte("k"), raw)
		if err == nil && !bytes.Equal(raw, good) && string(plain) != "hello" {
			t.Fatalf("forged record opened: %q", plain)
		}
	})
}
