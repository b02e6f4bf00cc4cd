package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestNoHeavyInit runs `dexonboard version` with the runtime's init trace:
// no package of ours may allocate much in its init, since every process
// (even --help) pays for it. Dependencies are not held to it: the strength
// estimator builds its dictionaries (about 11 MB) in its init, a cost the
// project accepts rather than keep a copy of it.
func TestNoHeavyInit(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dexonboardBinary(t) // built once for every test that runs it
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("version: %v\n%s", err, stderr.String())
	}
	const limit = 256 << 10
	const ownModule = "github.com/tryrook/dexonboard/"
	seen := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init PKG @T ms, C ms clock, B bytes, N allocs
		f := strings.Fields(sc.Text())
		if len(f) < 9 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		seen++
		if !strings.HasPrefix(f[1], ownModule) {
			continue
		}
		if b, err := strconv.Atoi(f[7]); err == nil && b > limit {
			t.Errorf("init of %s allocates %d bytes (limit %d): build it on first use", f[1], b, limit)
		}
	}
	if seen < 10 {
		t.Fatalf("no init trace read (%d lines):\n%s", seen, stderr.String())
	}
}
