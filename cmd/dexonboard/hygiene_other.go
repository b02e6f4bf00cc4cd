//go:build !unix

package main

import "os"

// noCoreDumps has nothing to set here: Windows writes no core files unless
// Windows Error Reporting is configured to keep full dumps.
func noCoreDumps() error { return nil }

// scrubEnv removes name from the environment, so child processes do not
// inherit it.
func scrubEnv(name string) { _ = os.Unsetenv(name) }
