package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// BenchmarkStartup runs `dexonboard version` and `dexonboard --help`
// against the same commands of two yardsticks: a hello-world cobra binary
// (testdata/hellocobra; the target is a ratio of at most 1.2) and the same
// program linked with the libraries of the project's stack
// (testdata/hellostack), which is the floor no program on that stack can
// go under. The three run in turn, so all see the same machine load, and
// the medians are reported: on a shared machine a few runs take several
// times as long. DEXONBOARD_BENCH_CGO=0 builds all three without cgo
// (static binaries), as a release build would be.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	bins := []struct{ name, pkg string }{{"dexonboard", "."}, {"hellocobra", "./testdata/hellocobra"}, {"hellostack", "./testdata/hellostack"}}
	for _, bin := range bins {
		build := exec.Command("go", "build", "-o", filepath.Join(dir, bin.name), bin.pkg)
		if v, ok := os.LookupEnv("DEXONBOARD_BENCH_CGO"); ok {
			build.Env = append(os.Environ(), "CGO_ENABLED="+v)
		}
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", bin.pkg, err, out)
		}
	}
	run := func(bin string, args ...string) time.Duration {
		start := time.Now()
		if out, err := exec.Command(filepath.Join(dir, bin), args...).CombinedOutput(); err != nil {
			b.Fatalf("%s %v: %v\n%s", bin, args, err, out)
		}
		return time.Since(start)
	}
	for _, args := range [][]string{{"version"}, {"--help"}} {
		b.Run(args[0], func(b *testing.B) {
			times := make([][]time.Duration, len(bins))
			for b.Loop() {
				for i, bin := range bins {
					times[i] = append(times[i], run(bin.name, args...))
				}
			}
			dex, hello, stack := median(times[0]), median(times[1]), median(times[2])
			b.ReportMetric(ms(dex), "dexonboard-ms")
			b.ReportMetric(ms(hello), "hellocobra-ms")
			b.ReportMetric(ms(stack), "hellostack-ms")
			b.ReportMetric(float64(dex)/float64(hello), "ratio")
			b.ReportMetric(float64(stack)/float64(hello), "floor-ratio")
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
