package vault

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"crypto/rand"

	"github.com/tryrook/dexonboard/internal/secret"
	bolt "go.etcd.io/bbolt"
)

// ChangePassphrase re-wraps the data key under a new passphrase, with a new
// salt, in one transaction: O(1), the records are untouched. Free pages and
// old backups keep the old wrapped key; RotateKey is for a leaked passphrase.
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
	err = v.updateLocked(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketMeta).Put(keyHeader, h.encode()); err != nil {
			return err
		}
		return v.appendAudit(tx, nil, "passphrase changed", "")
	})
	if err == nil {
		v.hdr = &h
	}
	return err
}

// RotateKey makes a new data key (generation + 1), re-seals every record under
// it in one transaction, then compacts the file so free pages holding the old
// wrapped key and old ciphertexts are gone. Backups made before still open
// with the old passphrase: delete them.
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
		return v.appendAudit(tx, nil, "data key rotated", fmt.Sprintf("generation %d", h.KeyGen))
	})
	if err != nil {
		v.seal = prev
		next.wipe()
		return err
	}
	prev.wipe()
	v.hdr = &h
	return v.compact()
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
	r := &Report{Path: path, Created: v.hdr.Created, KDF: v.hdr.KDF, KeyGen: v.hdr.KeyGen}
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
