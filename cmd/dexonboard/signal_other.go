//go:build !unix

package main

import (
	"os"
	"syscall"
)

// exitSignals are the signals that end the demo (and clean up after it).
var exitSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

func signalNumber(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return int(s)
	}
	return 1
}

// processAlive: a process that cannot be found is gone; when unsure, alive.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}

// ownedByMe: the temp dir is the user's own here.
func ownedByMe(os.FileInfo) bool { return true }
