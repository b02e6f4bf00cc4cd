package main

import (
	"bytes"
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// noCoreDumps keeps the passphrase and the profiles' secrets out of core
// files: no core at any size (hard limit too, so nothing below can raise
// it), and not dumpable, which also keeps other processes of the same user
// from attaching a debugger or reading /proc/<pid>/mem and environ.
func noCoreDumps() error {
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0}); err != nil {
		return err
	}
	return unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
}

// scrubEnv removes name from the environment, then zeroes its "NAME=value"
// in the block the process started with: Go works on a copy, but the
// kernel shows that block in /proc/<pid>/environ for the life of the process.
func scrubEnv(name string) {
	_ = os.Unsetenv(name)
	_ = scrubStartEnv(name)
}

func scrubStartEnv(name string) error {
	start, end, err := startEnvBlock()
	if err != nil {
		return err
	}
	mem, err := os.OpenFile("/proc/self/mem", os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer mem.Close()
	block := make([]byte, end-start)
	if _, err := mem.ReadAt(block, start); err != nil {
		return err
	}
	prefix := []byte(name + "=")
	off := 0
	for _, kv := range bytes.Split(block, []byte{0}) {
		if bytes.HasPrefix(kv, prefix) {
			if _, err := mem.WriteAt(make([]byte, len(kv)), start+int64(off)); err != nil {
				return err
			}
		}
		off += len(kv) + 1
	}
	return nil
}

// startEnvBlock reads env_start and env_end (fields 50 and 51) of /proc/self/stat.
func startEnvBlock() (start, end int64, err error) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, 0, err
	}
	// Fields count from 1; the command name (field 2) may hold spaces, so
	// count from the ')' that ends it: what follows is field 3 on.
	f := bytes.Fields(stat[bytes.LastIndexByte(stat, ')')+1:])
	if len(f) < 51-2 {
		return 0, 0, errors.New("/proc/self/stat has no env_start/env_end")
	}
	start, err1 := strconv.ParseInt(string(f[50-3]), 10, 64)
	end, err2 := strconv.ParseInt(string(f[51-3]), 10, 64)
	if err1 != nil || err2 != nil || end < start || end-start > 1<<24 {
		return 0, 0, errors.New("/proc/self/stat: unreadable env_start/env_end")
	}
	return start, end, nil
}
