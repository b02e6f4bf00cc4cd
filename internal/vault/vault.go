// Package vault keeps what onboarding collects (client profiles, app
// credentials, OAuth tokens, step progress, an audit trail) in one bbolt file
// that is useless without the passphrase.
//
// A random 256-bit data key seals every record with XChaCha20-Poly1305; the
// data key is stored wrapped by a key derived from the passphrase with
// Argon2id. An encrypted manifest over every record detects deleted, added
// and rolled-back records. See shared/reference/secure-store.md.
package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/tryrook/dexonboard/internal/secret"
)

// Errors callers branch on.
var (
	ErrNoVault  = errors.New("no vault here")
	ErrExists   = errors.New("a vault already exists here")
	ErrInUse    = errors.New("vault is in use by another dexonboard")
	ErrDamaged  = errors.New("vault is damaged")
	ErrModified = errors.New("vault contents were modified")
	ErrClosed   = errors.New("vault is closed (dexonboard is quitting; this change was not saved)")
	// ErrNoDefaultPath: no vault path was given and there is no home folder
	// to keep it in.
	ErrNoDefaultPath = errors.New("no default place for the vault")
	// ErrUnsafePath: a symbolic link, a shared folder or a foreign file
	// where the vault or its side files belong.
	ErrUnsafePath = errors.New("unsafe vault location")
	// ErrCompactPending: a key change is saved but the compaction after it
	// failed (see CompactPendingError).
	ErrCompactPending = errors.New("compaction pending")
)

// InUseError says which process holds the vault, when known.
type InUseError struct {
	Path string
	PID  int
}

func (e *InUseError) Error() string {
	who := "another dexonboard"
	if e.PID > 0 {
		who += " (pid " + strconv.Itoa(e.PID) + ")"
	}
	return "vault is in use by " + who + ": close it, or wait for it to finish"
}

// Is makes errors.Is(err, ErrInUse) work.
func (e *InUseError) Is(t error) bool { return t == ErrInUse }

// WrongFileError is a vault path that is not the vault file itself: a
// symbolic link, or not a plain file. It is an ErrUnsafePath; front ends
// say how to give the right path.
type WrongFileError struct {
	Path string
	Link bool // a symbolic link (else not a plain file)
}

func (e *WrongFileError) Error() string {
	if e.Link {
		return ErrUnsafePath.Error() + ": " + e.Path + " is a symbolic link; dexonboard does not follow links to its vault"
	}
	return ErrUnsafePath.Error() + ": " + e.Path + " is not a plain file"
}

// Is makes errors.Is(err, ErrUnsafePath) work.
func (e *WrongFileError) Is(t error) bool { return t == ErrUnsafePath }

// Options tune a vault. The zero value is right for real use.
type Options struct {
	KDF          KDFParams     // for new vaults and new passphrases; zero: DefaultKDF
	AllowWeakKDF bool          // accept InsecureTestKDF; tests only
	Demo         bool          // a throwaway demo vault: DemoKDF by default, and accepted on open
	LockTimeout  time.Duration // how long to wait for another process; zero: 1 s; negative: no wait
	Now          func() time.Time
	// LockWait, if set, is called once when another process holds the vault
	// and this one starts waiting for it (pid 0: not known).
	LockWait func(pid int)
	// ReadOnly opens the vault for reading only: a shared lock, no file
	// created, changed or repaired, so a vault on read-only media (a backup)
	// opens; every change then fails.
	ReadOnly bool
}

func (o Options) withDefaults() Options {
	if o.KDF == (KDFParams{}) {
		o.KDF = DefaultKDF
		if o.Demo {
			o.KDF = DemoKDF
		}
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Bucket names.
var (
	bucketMeta     = []byte("meta")
	bucketProfiles = []byte("profiles")
	bucketTokens   = []byte("tokens")
	bucketProgress = []byte("progress")
	bucketAudit    = []byte("audit")
	bucketHandoffs = []byte("handoffs")
	keyHeader      = []byte("header")
	keyManifest    = []byte("manifest")
	dataBuckets    = [][]byte{bucketProfiles, bucketTokens, bucketProgress, bucketAudit, bucketHandoffs}
)

// Vault is an unlocked vault. It holds the bbolt file open (and locked) until
// Close. Its methods are safe for concurrent use.
//
// One lock discipline: every read and write holds mu for reading for its
// whole transaction (bbolt orders the transactions themselves); Close,
// ChangePassphrase and RotateKey, which replace db, hdr or seal, hold it for
// writing. So Close waits for the writes in flight, and a write that comes
// after Close gets ErrClosed instead of sealing with a wiped key.
type Vault struct {
	path string
	opts Options

	mu       sync.RWMutex
	lock     *fileLock
	db       *bolt.DB // nil once closed
	hdr      *header
	seal     *sealer
	warnings []string

	// pending is the manifest the current write transaction changes. bbolt
	// runs one write transaction at a time, and its lock orders them.
	pending *manifestWrite
}

// DefaultPath follows XDG: $XDG_DATA_HOME/dexonboard/vault.db, else
// ~/.local/share/dexonboard/vault.db. DEXONBOARD_VAULT overrides it.
func DefaultPath() (string, error) {
	if p := os.Getenv("DEXONBOARD_VAULT"); p != "" {
		return p, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "dexonboard", "vault.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoDefaultPath, err)
	}
	return filepath.Join(home, ".local", "share", "dexonboard", "vault.db"), nil
}

// Exists reports whether a vault file is at path.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Create makes a new vault at path, protected by pass.
func Create(path string, pass []byte, opts Options) (*Vault, error) {
	opts = opts.withDefaults()
	if err := CheckPassphrase(string(pass)); err != nil {
		return nil, err
	}
	if isSymlink(path) {
		return nil, symlinkError(path)
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrExists, path)
	}
	if err := makeDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if err := checkDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	lock, err := acquireLock(path, opts)
	if err != nil {
		return nil, err
	}
	// O_EXCL: two creators cannot both believe they made the file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("create vault: %w", err)
	}
	f.Close()
	v, err := create(path, pass, opts)
	if err != nil {
		os.Remove(path)
		lock.release()
		return nil, err
	}
	v.lock = lock
	return v, nil
}

func create(path string, pass []byte, opts Options) (*Vault, error) {
	db, err := openDB(path, opts, true)
	if err != nil {
		return nil, err
	}
	h := &header{Format: formatVersion, Created: opts.Now().UTC().Truncate(time.Second), KDF: opts.KDF, AEAD: aeadXChaCha, KeyGen: 1}
	dek := make([]byte, keyLen)
	if _, err := rand.Read(h.VaultID[:]); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := rand.Read(dek); err != nil {
		db.Close()
		return nil, err
	}
	defer secret.Wipe(dek)
	if err := h.rewrap(pass, dek, opts); err != nil {
		db.Close()
		return nil, err
	}
	v := &Vault{path: path, opts: opts, db: db, hdr: h}
	if v.seal, err = newSealer(dek, h); err != nil {
		db.Close()
		return nil, err
	}
	err = v.update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keyHeader, h.encode()); err != nil {
			return err
		}
		for _, b := range append(dataBuckets, bucketIndex) {
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("create vault: %w", err)
	}
	return v, nil
}

// rewrap gives h a fresh salt and the given KDF costs, and wraps dek under pass.
func (h *header) rewrap(pass, dek []byte, opts Options) error {
	h.KDF = opts.KDF
	h.Salt = make([]byte, saltLen)
	if _, err := rand.Read(h.Salt); err != nil {
		return err
	}
	if err := h.KDF.check(len(h.Salt), opts); err != nil {
		return err
	}
	kek := deriveKEK(pass, h.Salt, h.KDF)
	defer secret.Wipe(kek)
	w, err := wrapKey(kek, dek, h.wrapAAD())
	if err != nil {
		return err
	}
	h.WrappedKey = w
	return nil
}

func newSealer(dek []byte, h *header) (*sealer, error) {
	k, err := recordKey(dek, h.VaultID)
	if err != nil {
		return nil, err
	}
	mk, err := manifestKey(dek, h.VaultID)
	if err != nil {
		return nil, err
	}
	return &sealer{key: k, macKey: mk, vaultID: h.VaultID, gen: h.KeyGen}, nil
}

func makeDir(dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create vault folder: %w", err)
		}
	}
	return nil
}

// openDB opens bbolt with a lock timeout, turning its errors into ours.
// bbolt panics on some damage while opening and then never unmaps the file,
// which keeps its lock for the rest of the process; preflight catches that
// damage first, and the recover is the last line.
// fresh is set only for the empty file Create has just made.
func openDB(path string, opts Options, fresh bool) (db *bolt.DB, err error) {
	if err := preflight(path, fresh); err != nil {
		return nil, err
	}
	var file *os.File
	defer func() {
		if r := recover(); r != nil {
			if file != nil {
				file.Close()
			}
			db, err = nil, errDamagedPage
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{
		Timeout:  opts.LockTimeout,
		ReadOnly: opts.ReadOnly,
		OpenFile: func(name string, flag int, mode os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag|noFollow, mode)
			file = f
			return f, err
		},
	})
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, &InUseError{Path: path}
	case errors.As(err, &pathErr):
		return nil, fmt.Errorf("open vault: %w", err) // not damage: permissions, a read-only disk
	case err != nil:
		return nil, fmt.Errorf("%w: %v (restore a backup, or run dexonboard vault check)", ErrDamaged, err)
	}
	return db, nil
}

// Open unlocks the vault at path. Nothing is written unless it succeeds.
func Open(path string, pass []byte, opts Options) (*Vault, error) {
	v, err := unlock(path, pass, opts)
	if err != nil {
		return nil, err
	}
	problems, err := v.verifyManifest()
	if err != nil {
		v.Close()
		return nil, err
	}
	if len(problems) > 0 {
		v.Close()
		return nil, fmt.Errorf("%w: %s (restore a backup; run dexonboard vault check for the full list)", ErrModified, problems[0])
	}
	if !v.opts.ReadOnly {
		v.fixPermissions()
		if err := v.finishPendingCompaction(); err != nil {
			v.Close()
			return nil, err
		}
	}
	return v, nil
}

// unlock opens the file and the data key, checking nothing beyond the header.
func unlock(path string, pass []byte, opts Options) (*Vault, error) {
	opts = opts.withDefaults()
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w: %s (create one with dexonboard vault init)", ErrNoVault, path)
	case err != nil:
		return nil, fmt.Errorf("open vault: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, symlinkError(path)
	case !fi.Mode().IsRegular():
		return nil, &WrongFileError{Path: path}
	}
	if err := checkDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	lock, err := acquireLock(path, opts)
	if err != nil {
		return nil, err
	}
	db, err := openDB(path, opts, false)
	if err != nil {
		lock.release()
		return nil, err
	}
	v := &Vault{path: path, opts: opts, db: db, lock: lock}
	var raw []byte
	err = v.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return ErrNotVault
		}
		raw = bytes.Clone(meta.Get(keyHeader))
		return nil
	})
	if err == nil {
		v.hdr, err = parseHeader(raw)
	}
	if err == nil {
		err = v.hdr.KDF.check(len(v.hdr.Salt), opts)
	}
	if err == nil {
		err = v.openKey(pass)
	}
	if err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

func (v *Vault) openKey(pass []byte) error {
	kek := deriveKEK(pass, v.hdr.Salt, v.hdr.KDF)
	defer secret.Wipe(kek)
	dek, err := unwrapKey(kek, v.hdr.WrappedKey, v.hdr.wrapAAD())
	if err != nil {
		return err
	}
	defer secret.Wipe(dek)
	v.seal, err = newSealer(dek, v.hdr)
	return err
}

// Path is the vault file.
func (v *Vault) Path() string { return v.path }

// Warnings are things a person should know, such as repaired permissions.
func (v *Vault) Warnings() []string { return v.warnings }

// Close waits for reads and writes in flight, closes the file, then wipes
// the data key. Later calls on the vault return ErrClosed.
func (v *Vault) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.db == nil {
		return nil
	}
	err := v.db.Close()
	v.db = nil
	if v.seal != nil {
		v.seal.wipe()
	}
	v.lock.release()
	return err
}

// fixPermissions repairs group/other access to the file and, when it is
// dexonboard's own, the folder. The file is changed through a descriptor
// opened without following links, so a link's target is never touched.
func (v *Vault) fixPermissions() {
	if runtime.GOOS == "windows" {
		return // mode bits there only mirror the read-only attribute; ACLs decide
	}
	if f, err := os.OpenFile(v.path, os.O_RDONLY|noFollow, 0); err == nil {
		if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 && f.Chmod(0o600) == nil {
			v.warnings = append(v.warnings, fmt.Sprintf("%s was readable by others (%v); changed to %v", v.path, fi.Mode().Perm(), fs.FileMode(0o600)))
		}
		f.Close()
	}
	dir := filepath.Dir(v.path)
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o077 == 0 || !strings.Contains(dir, "dexonboard") {
		return // a shared folder the user chose is not ours to change
	}
	if err := os.Chmod(dir, 0o700); err == nil {
		v.warnings = append(v.warnings, fmt.Sprintf("%s was readable by others (%v); changed to %v", dir, fi.Mode().Perm(), fs.FileMode(0o700)))
	}
}

// checkDir refuses a vault folder others can write to: they could replace
// the vault, or plant links at its side files' names.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("vault folder: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0 { // Windows reports 0777 for every folder
		return fmt.Errorf("%w: the vault folder %s is writable by other users (%v): run chmod go-w %s, or keep the vault in a folder only you can write to",
			ErrUnsafePath, dir, fi.Mode().Perm(), dir)
	}
	return nil
}

func symlinkError(path string) error {
	return &WrongFileError{Path: path, Link: true}
}

// view runs fn in a read transaction; bbolt's panics on damaged pages become errors.
func (v *Vault) view(fn func(*bolt.Tx) error) error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.viewLocked(fn)
}

// viewLocked is view for callers that already hold mu.
func (v *Vault) viewLocked(fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	if v.db == nil {
		return ErrClosed
	}
	return v.db.View(fn)
}

// update runs fn in a write transaction and rewrites the manifest in it.
func (v *Vault) update(fn func(*bolt.Tx) error) error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.updateLocked(fn)
}

// updateLocked is update for callers that already hold mu.
func (v *Vault) updateLocked(fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	if v.db == nil {
		return ErrClosed
	}
	return v.db.Update(func(tx *bolt.Tx) error {
		w, err := v.beginManifest(tx)
		if err != nil {
			return err
		}
		v.pending = w
		defer func() { v.pending = nil }()
		if err := fn(tx); err != nil {
			return err
		}
		return v.commitManifest(tx, w)
	})
}

func recoverDamage(err *error) {
	if r := recover(); r != nil {
		*err = errDamagedPage
	}
}

// errDamagedPage stands for bbolt's panics on damaged pages, whose own
// words ("page expected to be…") help no one.
var errDamagedPage = fmt.Errorf("%w: a page of the vault file is damaged (restore a backup, or run dexonboard vault check)", ErrDamaged)
