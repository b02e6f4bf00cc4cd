//go:build unix && !linux

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// noCoreDumps keeps the passphrase and the profiles' secrets out of core
// files: no core at any size, hard limit too.
func noCoreDumps() error {
	return unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
}

// scrubEnv removes name from the environment, so child processes do not
// inherit it.
func scrubEnv(name string) { _ = os.Unsetenv(name) }
