package vault

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"crypto/rand"

	bolt "go.etcd.io/bbolt"

	"github.com/tryrook/dexonboard/internal/secret"
)

// ChangePassphrase re-wraps the data key under a new passphrase, with a new
// salt, in one transaction (the records are untouched), then compacts the
// file so its free pages no longer hold the key wrapped under the old
// passphrase. Old backups still do; RotateKey is for a leaked passphrase.
// A *CompactPendingError means the new passphrase is saved and the
// compaction is left for later.
func (v *Vault) ChangePassphrase(oldPass, newPass []byte) error {
	if err := CheckPassphrase(string(newPass)); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.db == nil {
		return ErrClosed
	}
	kek := deriveKEK(oldPass, v.hdr.Salt, v.hdr.KDF)
	dek, err := unwrapKey(kek, v.hdr.WrappedKey, v.hdr.wrapAAD())
	secret.Wipe(kek)
	if err != nil {
		return fmt.Errorf("current passphrase: %w", err)
	}
	defer secret.Wipe(dek)
	h := *v.hdr
	if err := h.rewrap(newPass, dek, v.opts); err != nil {
		return err
	}
	const change = "passphrase changed"
	err = v.updateLocked(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketMeta).Put(keyHeader, h.encode()); err != nil {
			return err
		}
		if err := markCompactPending(tx, change); err != nil {
			return err
		}
		return v.appendAudit(tx, nil, change, "")
	})
	if err != nil {
		return err
	}
	v.hdr = &h
	return v.compactAfter(change)
}

// RotateKey makes a new data key (generation + 1), re-seals every record under
// it in one transaction, then compacts the file so free pages holding the old
// wrapped key and old ciphertexts are gone. Backups made before still open
// with the old passphrase: delete them. A *CompactPendingError means the
// rotation is saved and the compaction is left for later.
func (v *Vault) RotateKey(pass []byte) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.db == nil {
		return ErrClosed
	}
	kek := deriveKEK(pass, v.hdr.Salt, v.hdr.KDF)
	old, err := unwrapKey(kek, v.hdr.WrappedKey, v.hdr.wrapAAD())
	secret.Wipe(kek)
	if err != nil {
		return fmt.Errorf("passphrase: %w", err)
	}
	secret.Wipe(old)
	dek := make([]byte, keyLen)
	if _, err := rand.Read(dek); err != nil {
		return err
	}
	defer secret.Wipe(dek)
	h := *v.hdr
	h.KeyGen++
	if err := h.rewrap(pass, dek, v.opts); err != nil {
		return err
	}
	next, err := newSealer(dek, &h)
	if err != nil {
		return err
	}
	prev := v.seal
	change := fmt.Sprintf("data key rotated (generation %d)", h.KeyGen)
	err = v.updateLocked(func(tx *bolt.Tx) error {
		if err := reseal(tx, prev, next); err != nil {
			return err
		}
		v.seal = next // the manifest and audit entry below are sealed with the new key
		if err := v.rebuildIndex(tx, v.pending); err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeta).Put(keyHeader, h.encode()); err != nil {
			return err
		}
		if err := markCompactPending(tx, change); err != nil {
			return err
		}
		return v.appendAudit(tx, nil, "data key rotated", fmt.Sprintf("generation %d", h.KeyGen))
	})
	if err != nil {
		v.seal = prev
		next.wipe()
		return err
	}
	prev.wipe()
	v.hdr = &h
	return v.compactAfter(change)
}

// keyCompactPending, in the meta bucket, names a key change saved before
// its compaction succeeded. It is no secret; the next Open or Compact with
// room on the disk finishes the compaction and removes it.
var keyCompactPending = []byte("compact-pending")

func markCompactPending(tx *bolt.Tx, change string) error {
	return tx.Bucket(bucketMeta).Put(keyCompactPending, []byte(change))
}

// CompactPendingError is a key change (rotate-key, a new passphrase) that is
// saved, followed by a compaction that failed (a full disk): until one
// succeeds, the file's free pages may still hold old key material. It is an
// ErrCompactPending.
type CompactPendingError struct {
	Change string // what is saved: "data key rotated (generation 2)"
	Err    error  // why the compaction failed
}

func (e *CompactPendingError) Error() string {
	return e.Change + "; old key material may remain in the vault file's free pages until compaction succeeds (" + e.Err.Error() + ")"
}

func (e *CompactPendingError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrCompactPending) work.
func (e *CompactPendingError) Is(t error) bool { return t == ErrCompactPending }

// Compact rewrites the vault file with its live data only, so free pages
// (old key material after a key change, deleted records) are gone, and
// clears a pending compaction.
func (v *Vault) Compact() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.db == nil {
		return ErrClosed
	}
	if err := v.compact(); err != nil {
		return err
	}
	return v.clearCompactPending()
}

// compactAfter compacts after change was saved; a failure is a
// *CompactPendingError. Callers hold mu.
func (v *Vault) compactAfter(change string) error {
	if err := v.compact(); err != nil {
		return &CompactPendingError{Change: change, Err: err}
	}
	return v.clearCompactPending()
}

// pendingCompaction is the key change whose compaction is pending, or "".
func (v *Vault) pendingCompaction() (change string) {
	_ = v.viewLocked(func(tx *bolt.Tx) error {
		change = string(tx.Bucket(bucketMeta).Get(keyCompactPending))
		return nil
	})
	return change
}

// clearCompactPending removes the mark in the compacted file. The pages it
// frees hold only the current header.
func (v *Vault) clearCompactPending() (err error) {
	defer recoverDamage(&err)
	if v.db == nil {
		return ErrClosed
	}
	return v.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Delete(keyCompactPending)
	})
}

// finishPendingCompaction compacts, at open, after a key change whose
// compaction failed; failing again, it leaves a warning and the mark.
func (v *Vault) finishPendingCompaction() error {
	change := v.pendingCompaction()
	if change == "" {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	err := v.compactAfter(change)
	if err != nil && v.db == nil {
		return err // the reopen failed: the vault is closed
	}
	if err != nil {
		v.warnings = append(v.warnings, err.Error()+": free space on the disk; the next open finishes it")
	}
	return nil
}

// reseal opens every record with prev and seals it again with next.
func reseal(tx *bolt.Tx, prev, next *sealer) error {
	for _, name := range dataBuckets {
		b := tx.Bucket(name)
		type kv struct{ k, v []byte }
		var all []kv
		err := b.ForEach(func(k, val []byte) error {
			plain, err := prev.open(name, k, val)
			if err != nil {
				return fmt.Errorf("%w: record %s/%x (%v)", ErrModified, name, k[:min(6, len(k))], err)
			}
			sealed, err := next.seal(name, k, plain)
			secret.Wipe(plain)
			if err != nil {
				return err
			}
			all = append(all, kv{bytes.Clone(k), sealed})
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range all {
			if err := b.Put(e.k, e.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// compact copies the live data into a new file and renames it over the old,
// while holding the old file's lock.
func (v *Vault) compact() error {
	tmp := v.path + ".compact"
	os.Remove(tmp) // a leftover of a crash; O_EXCL below refuses anything else
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: v.opts.LockTimeout,
		OpenFile: func(name string, flag int, mode os.FileMode) (*os.File, error) {
			return os.OpenFile(name, flag|os.O_EXCL|noFollow, mode)
		}})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := bolt.Compact(dst, v.db, 1<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := os.Rename(tmp, v.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	syncDir(filepath.Dir(v.path))
	// Reopen the compacted file; the old handle still locks the old inode.
	v.db.Close()
	db, err := openDB(v.path, v.opts, false)
	if err != nil {
		v.db = nil // the vault is closed now; later calls get ErrClosed
		return fmt.Errorf("reopen after compaction: %w", err)
	}
	v.db = db
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Backup writes a consistent copy of the open vault to path: 0600, never
// through a symlink, never over an existing file. The copy is just as
// encrypted and opens with the same passphrase.
func (v *Vault) Backup(path string) error {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("backup: %s is a symbolic link; choose a plain file path", path)
		}
		return fmt.Errorf("backup: %s exists; choose a new file name", path)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".dexonboard-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if err := v.view(func(tx *bolt.Tx) error { _, err := tx.WriteTo(f); return err }); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	// Link, not rename: it fails if path appeared meanwhile (even as a symlink).
	if err := os.Link(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	os.Remove(tmp)
	syncDir(dir)
	return v.update(func(tx *bolt.Tx) error {
		return v.appendAudit(tx, nil, "backup written", path)
	})
}

// Report is what Check found.
type Report struct {
	Path     string
	Created  time.Time
	KDF      KDFParams
	KeyGen   uint32
	Records  int
	Profiles int
	Problems []string
	// CompactPending names a key change whose compaction has not succeeded
	// yet (old key material may remain in free pages); "" when none.
	CompactPending string
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Check unlocks the vault read-only in effect (nothing is written, whatever
// it finds) and reports every damaged, modified, missing or added record. An
// error means it could not get as far as the records.
func Check(path string, pass []byte, opts Options) (*Report, error) {
	opts.ReadOnly = true
	v, err := unlock(path, pass, opts)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	r := &Report{Path: path, Created: v.hdr.Created, KDF: v.hdr.KDF, KeyGen: v.hdr.KeyGen, CompactPending: v.pendingCompaction()}
	r.Problems, err = v.verifyManifest()
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	err = v.view(func(tx *bolt.Tx) error {
		for _, name := range dataBuckets {
			_ = tx.Bucket(name).ForEach(func(k, val []byte) error {
				r.Records++
				if name := string(name); name == string(bucketProfiles) {
					r.Profiles++
				}
				if _, err := v.seal.open(name, k, val); err != nil {
					r.Problems = append(r.Problems, fmt.Sprintf("record %s/%x does not decrypt: damaged or modified", name, k[:min(6, len(k))]))
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	return r, nil
}
