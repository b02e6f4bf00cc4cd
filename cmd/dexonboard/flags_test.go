package main

import (
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tryrook/dexonboard/internal/iostreams"
)

// allCommands builds the root with every command and returns them all.
func allCommands(t *testing.T) []*cobra.Command {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	e := &env{ios: ios, prompt: &fakePrompter{}}
	root := newRootCmdWith(e)
	for _, s := range e.subcommands() {
		root.AddCommand(s.build())
	}
	var all []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		all = append(all, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return all
}

// A duration flag added without a range would be refused at every run; this
// finds it at once, and proves each default is in its own range.
func TestEveryDurationFlagHasARange(t *testing.T) {
	n := 0
	for _, c := range allCommands(t) {
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			if fl.Value.Type() != "duration" {
				return
			}
			n++
			r, ok := rangeOf(fl)
			if !ok {
				t.Errorf("%s --%s has no range: add boundDuration", c.CommandPath(), fl.Name)
				return
			}
			d, _ := time.ParseDuration(fl.DefValue)
			if err := r.check(fl.Name, d); err != nil {
				t.Errorf("%s: the default is refused: %v", c.CommandPath(), err)
			}
		})
	}
	if n < 10 {
		t.Fatalf("found only %d duration flags", n)
	}
}

// silentServer accepts connections and never answers.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String() + "/rook"
}

// runBounded runs the command as its own process and fails the test if it
// is still waiting after limit.
func runBounded(t *testing.T, cmd *exec.Cmd, limit time.Duration) result {
	t.Helper()
	var out, errOut syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(limit, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() {
		t.Fatalf("%v still waited after %v: %s %s", cmd.Args[1:], limit, out.String(), errOut.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errOut.String()}
}

func TestDurationFlagsOutOfRangeAreUsageErrors(t *testing.T) {
	t.Parallel()
	silent := silentServer(t)
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"--timeout", []string{"webhook", "probe", "--timeout", "0", silent}},
		{"--timeout", []string{"webhook", "probe", "--timeout=-1s", silent}},
		{"--timeout", []string{"webhook", "probe", "--timeout", "11m", silent}},
		{"--timeout", []string{"check", "--demo", "--timeout", "0"}},
		{"--timeout", []string{"check", "--demo", "--timeout=-1s"}},
		{"--timeout", []string{"check", "--client-id", "abc", "--no-browser", "--timeout", "0"}},
		{"--rook-timeout", []string{"check", "--demo", "--rook-timeout", "0"}},
		{"--wait", []string{"vault", "list", "--wait=-1s", "--vault", "/nonexistent/vault.db"}},
		{"--wait", []string{"--wait", "2h", "vault", "list"}},
		{"--expires", []string{"handoff", "seal", "--to", "age1x", "--profile", "p", "--expires=-1h"}},
		{"--latency", []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", "127.0.0.1:0", "--latency=-1ms"}},
		{"--rook-retry-after", []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", "127.0.0.1:0", "--rook-retry-after", "1000h"}},
		{"--history", []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", "127.0.0.1:0", "--history", "0"}},
	} {
		r := runBounded(t, binary(t, "", tc.args...), 30*time.Second)
		if r.code != exitUsage || !strings.Contains(r.errOut, "error: "+tc.flag+" ") || r.out != "" {
			t.Errorf("%v: exit %d, want 2 naming %s: %q %q", tc.args, r.code, tc.flag, r.out, r.errOut)
		}
	}
}

// A server that never answers: the probe gives up at its timeout.
func TestWebhookProbeEndsAgainstASilentServer(t *testing.T) {
	t.Parallel()
	r := runBounded(t, binary(t, "", "webhook", "probe", "--timeout", "500ms", silentServer(t)), 30*time.Second)
	if r.code != exitFailure || !strings.Contains(r.out, "answer: none") {
		t.Fatalf("%+v", r)
	}
}

// A base URL with a password is refused and the password never printed; one
// with a query or fragment is refused before a login URL is built from it.
func TestBaseURLFlagsRefused(t *testing.T) {
	t.Setenv("DEXCOM_CLIENT_SECRET", "s3cret-for-the-test")
	id := "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"--api-base", []string{"check", "--client-id", id, "--no-browser", "--api-base", "http://u:PASSWORD@127.0.0.1:1/"}},
		{"--api-base", []string{"check", "--client-id", id, "--no-browser", "--api-base", "http://127.0.0.1:1/?x=1#f"}},
		{"--rook-api-base", []string{"check", "--via", "rook", "--rook-api-base", "http://u:PASSWORD@127.0.0.1:1/"}},
		{"--rook-api-base", []string{"check", "--via", "rook", "--rook-api-base", "http://127.0.0.1:1/?x=1#f"}},
		{"--api-base", []string{"--api-base", "https://u:PASSWORD@127.0.0.1:1/"}},
	} {
		r := runBounded(t, binary(t, "", tc.args...), 30*time.Second)
		if r.code != exitUsage || !strings.Contains(r.errOut, "error: "+tc.flag+": ") || strings.Contains(r.out+r.errOut, "PASSWORD") {
			t.Errorf("%v: exit %d, want 2 naming %s without the password: %q %q", tc.args, r.code, tc.flag, r.out, r.errOut)
		}
	}
}
