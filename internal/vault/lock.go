package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
)

// The vault's lock is an exclusive lock on a side file, vault.db.lock, held
// for the vault's whole life. bbolt locks the vault file itself, but
// rotate-key renames a new file over it: a process that was waiting on the
// old file's lock would then write into the replaced file and lose the
// write. The side file is never renamed or removed, so every process waits
// on the same inode and, once it has the lock, opens the current vault file.
// It also holds the holder's pid, so a second process can say who.

// lockPath is the vault's lock file.
func lockPath(path string) string { return path + ".lock" }

type fileLock struct{ f *os.File }

// acquireLock takes the vault's lock, waiting up to opts.LockTimeout for
// another process to let go. A read-only vault takes it shared, from a lock
// file opened for reading; where there is none (a copy on read-only media),
// bbolt's shared lock on the vault file itself is the only lock.
func acquireLock(path string, opts Options) (*fileLock, error) {
	var f *os.File
	var err error
	if opts.ReadOnly {
		f, err = openLockForReading(lockPath(path))
		if f == nil && err == nil {
			return &fileLock{}, nil
		}
	} else {
		f, err = openSideFile(lockPath(path))
	}
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(opts.LockTimeout)
	for tries := 0; ; tries++ {
		err := tryLock(f, !opts.ReadOnly)
		if err == nil {
			break
		}
		if !errors.Is(err, errLocked) {
			f.Close()
			return nil, fmt.Errorf("lock the vault: %w", err)
		}
		if time.Now().After(deadline) {
			pid := readPID(f)
			f.Close()
			return nil, &InUseError{Path: path, PID: pid}
		}
		if tries == 0 && opts.LockWait != nil {
			opts.LockWait(readPID(f))
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Best effort: the pid only improves the "in use" message.
	if !opts.ReadOnly && f.Truncate(0) == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())), 0)
	}
	return &fileLock{f: f}, nil
}

// release clears the pid and lets the next process in. The file stays.
func (l *fileLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = l.f.Truncate(0) // fails harmlessly on a lock opened for reading
	l.f.Close()         // closing the descriptor drops the lock
	l.f = nil
}

func readPID(f *os.File) int {
	b := make([]byte, 16)
	n, _ := f.ReadAt(b, 0)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	return pid
}

// openSideFile opens (or creates) a file beside the vault without following
// a symbolic link planted at its name, and checks that it is a plain file of
// ours that nothing else links to, before anything is written into it.
func openSideFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|noFollow, 0o600)
	if err != nil {
		if isSymlink(path) {
			return nil, fmt.Errorf("%w: %s is a symbolic link; dexonboard never writes through one: remove it (and find out who made it)", ErrUnsafePath, path)
		}
		if isReadOnlyFS(err) {
			return nil, fmt.Errorf("%w: the vault is on a read-only file system; vault list, show, check, audit and report read it there, changes need it writable", err)
		}
		return nil, err // an *fs.PathError: it names the path once
	}
	if err := checkOwnFile(f, path); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// openLockForReading opens the lock file of a vault opened read-only; nil
// and no error when there is none to open (never made, or not readable).
func openLockForReading(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|noFollow, 0)
	switch {
	case err != nil && isSymlink(path):
		return nil, fmt.Errorf("%w: %s is a symbolic link: remove it (and find out who made it)", ErrUnsafePath, path)
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission):
		return nil, nil
	case err != nil:
		return nil, err
	}
	if err := checkOwnFile(f, path); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func isSymlink(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

// checkOwnFile refuses anything but a plain file with one name.
func checkOwnFile(f *os.File, path string) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a plain file: remove it", ErrUnsafePath, path)
	}
	if links, ok := linkCount(fi); ok && links != 1 {
		return fmt.Errorf("%w: %s has %d names (hard links): remove it, dexonboard makes a new one", ErrUnsafePath, path, links)
	}
	if !ownedByMe(fi) {
		return fmt.Errorf("%w: %s belongs to another user: remove it, or use a vault of your own", ErrUnsafePath, path)
	}
	return nil
}
