package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// built is the dexonboard binary, built once for the tests that run it.
var built struct {
	once      sync.Once
	dir, path string
	err       error
	out       []byte
}

// dexonboardBinary builds the program (once per test run) and returns its path.
func dexonboardBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	built.once.Do(buildBinary)
	if built.err != nil {
		t.Fatalf("build: %v\n%s", built.err, built.out)
	}
	return built.path
}

func buildBinary() {
	built.dir, built.err = os.MkdirTemp("", "dexonboard-bin-")
	if built.err != nil {
		return
	}
	_ = os.Chmod(built.dir, 0o755) // another user may run it (the dumpable test)
	built.path = filepath.Join(built.dir, "dexonboard")
	built.out, built.err = exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
}

// prebuildBinary starts the build while the in-process tests run, when the
// whole package runs (not -short, no -run): the tests that need the binary
// then wait less, or not at all.
func prebuildBinary() {
	if !testing.Short() && flag.Lookup("test.run").Value.String() == "" {
		go built.once.Do(buildBinary)
	}
}

func removeBuiltBinary() {
	built.once.Do(func() {}) // waits for a build still running
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// running is the binary started with a standard input the test holds open.
type running struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *syncBuffer
	done  chan error
}

func startBinary(t *testing.T, cmd *exec.Cmd) *running {
	t.Helper()
	r := &running{cmd: cmd, out: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = r.out, r.out
	var err error
	if r.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-r.done
	})
	return r
}

// waitOutput waits until there is output and it holds want; the child
// must still run.
func (r *running) waitOutput(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if out := r.out.String(); out != "" && strings.Contains(out, want) {
			return
		}
		select {
		case err := <-r.done:
			r.done <- err
			t.Fatalf("exited (%v) before printing %q:\n%s", err, want, r.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("never printed %q:\n%s", want, r.out.String())
}

// exit closes standard input and waits for the exit.
func (r *running) exit(t *testing.T) error {
	t.Helper()
	r.stdin.Close()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("still running after its input closed:\n%s", r.out.String())
	}
	return nil
}

// envWithout is this process's environment without the named variables.
func envWithout(names ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		keep := true
		for _, n := range names {
			keep = keep && !strings.HasPrefix(kv, n+"=")
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}
