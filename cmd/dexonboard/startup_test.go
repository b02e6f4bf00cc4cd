package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNoHeavyInit runs `dexonboard version` with the runtime's init trace:
// no package may allocate much in its init, since every process (even
// --help) pays for it. The strength estimator's dictionaries used to take
// 11 MB there; now they are built on first use.
func TestNoHeavyInit(t *testing.T) {
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
	seen := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init PKG @T ms, C ms clock, B bytes, N allocs
		f := strings.Fields(sc.Text())
		if len(f) < 9 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		seen++
		if b, err := strconv.Atoi(f[7]); err == nil && b > limit {
			t.Errorf("init of %s allocates %d bytes (limit %d): build it on first use", f[1], b, limit)
		}
	}
	if seen < 10 {
		t.Fatalf("no init trace read (%d lines):\n%s", seen, stderr.String())
	}
}

// BenchmarkStartup runs `dexonboard version` and `dexonboard --help` against
// the same commands of a hello-world cobra binary (testdata/hellocobra),
// alternating so both see the same machine load. The target is a ratio of
// at most 1.2: nothing heavy may run in package init.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	dex, hello := filepath.Join(dir, "dexonboard"), filepath.Join(dir, "hellocobra")
	for bin, pkg := range map[string]string{dex: ".", hello: "./testdata/hellocobra"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", pkg, err, out)
		}
	}
	run := func(bin string, args ...string) time.Duration {
		start := time.Now()
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			b.Fatalf("%s %v: %v\n%s", bin, args, err, out)
		}
		return time.Since(start)
	}
	for _, args := range [][]string{{"version"}, {"--help"}} {
		b.Run(args[0], func(b *testing.B) {
			var d, h time.Duration
			for b.Loop() {
				d += run(dex, args...)
				h += run(hello, args...)
			}
			n := float64(b.N)
			b.ReportMetric(float64(d.Microseconds())/n/1000, "dexonboard-ms")
			b.ReportMetric(float64(h.Microseconds())/n/1000, "hellocobra-ms")
			b.ReportMetric(float64(d)/float64(h), "ratio")
		})
	}
}
