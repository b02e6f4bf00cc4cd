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

// tryLock takes f's lock, exclusive or shared, without waiting.
func tryLock(f *os.File, exclusive bool) error {
	ol := new(windows.Overlapped)
	how := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		how |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	err := windows.LockFileEx(windows.Handle(f.Fd()), how, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLocked
	}
	return err
}

func linkCount(fs.FileInfo) (uint64, bool) { return 0, false }

func ownedByMe(fs.FileInfo) bool { return true }

func isReadOnlyFS(err error) bool { return errors.Is(err, windows.ERROR_WRITE_PROTECT) }
