package connect_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/tryrook/dexonboard/internal/sandbox"
)

// BenchmarkCheckDemo is the whole `check --demo` flow in process: callback
// server, login on the simulator's page, code exchange, and the four
// verification calls for one day of data. No vault, so no key derivation.
func BenchmarkCheckDemo(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		w := newWorldB(b)
		b.StartTimer()
		out, err := w.check(&saver{}, nil, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)).Run(context.Background())
		if err != nil || !out.OK() {
			b.Fatalf("%v", err)
		}
	}
}
