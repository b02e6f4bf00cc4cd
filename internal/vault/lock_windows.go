//go:build windows

package vault

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// Windows has no O_NOFOLLOW; openSideFile's checks still refuse a link.
const noFollow = 0

var errLocked = errors.New("locked by another process")

func tryLock(f *os.File) error {
	ol := new(windows.Overlapped)
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLocked
	}
	return err
}

func linkCount(fs.FileInfo) (uint64, bool) { return 0, false }

func ownedByMe(fs.FileInfo) bool { return true }
