package main

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

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
