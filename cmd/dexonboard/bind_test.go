package main

import (
	"bufio"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// startServer runs a long-running command as its own process and returns
// its first stdout line; the process is interrupted when the test ends.
func startServer(t *testing.T, args ...string) (first string, errOut *syncBuffer) {
	t.Helper()
	cmd := binary(t, "", args...)
	errOut = &syncBuffer{}
	cmd.Stderr = errOut
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		go func() { _, _ = io.Copy(io.Discard, out) }()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Scan()
		line <- sc.Text()
	}()
	select {
	case first = <-line:
	case <-time.After(30 * time.Second):
		t.Fatalf("%v printed nothing: %s", args, errOut.String())
	}
	return first, errOut
}

func TestServersRefuseAddressesBeyondLoopback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"--addr", []string{"webhook", "listen", "--addr", "0.0.0.0:0"}},
		{"--addr", []string{"webhook", "listen", "--addr", ":0"}},
		{"--addr", []string{"webhook", "listen", "--addr", "[::]:0"}},
		{"--addr", []string{"sandbox", "serve", "--addr", "0.0.0.0:0", "--rook-addr", "127.0.0.1:0"}},
		{"--rook-addr", []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", "0.0.0.0:0"}},
		{"--rook-addr", []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", ":0"}},
	} {
		r := runBounded(t, binary(t, "", tc.args...), 30*time.Second)
		if r.code != exitUsage || !strings.Contains(r.errOut, "error: "+tc.flag+" ") || r.out != "" {
			t.Errorf("%v: exit %d, want 2 naming %s: %q %q", tc.args, r.code, tc.flag, r.out, r.errOut)
		}
	}
}

func TestWebhookListenPublicWarns(t *testing.T) {
	t.Parallel()
	first, errOut := startServer(t, "webhook", "listen", "--addr", "0.0.0.0:0", "--public")
	if !strings.HasPrefix(first, "listening: ") {
		t.Fatalf("stdout %q, stderr %q", first, errOut.String())
	}
	const warning = "warning: --public: listening on 0.0.0.0:0, not loopback only"
	for end := time.Now().Add(10 * time.Second); !strings.Contains(errOut.String(), warning); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) { // stderr arrives through its own pipe
			t.Fatalf("no warning: %q", errOut.String())
		}
	}
	// loopback needs no switch, and says nothing
	first, errOut = startServer(t, "webhook", "listen", "--addr", "localhost:0")
	if !strings.HasPrefix(first, "listening: http://127.0.0.1:") || strings.Contains(errOut.String(), "warning") {
		t.Fatalf("stdout %q, stderr %q", first, errOut.String())
	}
}
