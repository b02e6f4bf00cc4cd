//go:build !windows

package connect

import (
	"errors"
	"syscall"
)

// exclusivePort clears SO_REUSEADDR, which Go sets on listeners.
func exclusivePort(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 0)
	})
	if err != nil {
		return err
	}
	return serr
}

func isAddrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }

// isNoIPv6 is the error of binding ::1 on a machine without IPv6.
func isNoIPv6(err error) bool {
	return errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT)
}
