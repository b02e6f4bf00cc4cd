package browsertest

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// killUsing kills the processes whose command line holds
// --user-data-dir=dir (Chromium passes it to the helpers that write
// there) and returns how many it found.
func killUsing(dir string) int {
	return len(signalUsing(dir, syscall.SIGKILL))
}

// running lists the processes that still run with dir as their profile.
func running(dir string) []int { return signalUsing(dir, 0) }

func signalUsing(dir string, sig syscall.Signal) []int {
	want := []byte("--user-data-dir=" + dir)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		if hasArg(cmdline, want) && (sig == 0 || syscall.Kill(pid, sig) == nil) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// hasArg reports whether cmdline holds arg as a whole argument. The
// helpers a zygote forks rewrite their command line into one string
// with spaces, so a space ends an argument as well as a NUL.
func hasArg(cmdline, arg []byte) bool {
	for rest := cmdline; ; {
		i := bytes.Index(rest, arg)
		if i < 0 {
			return false
		}
		startOK := i == 0 || rest[i-1] == 0 || rest[i-1] == ' '
		rest = rest[i+len(arg):]
		if startOK && (len(rest) == 0 || rest[0] == 0 || rest[0] == ' ') {
			return true
		}
	}
}
