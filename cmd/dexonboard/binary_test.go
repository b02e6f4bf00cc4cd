package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// built is the dexonboard binary, built once for the tests that run it, as
// the release builds it: -trimpath, from a git checkout (a copy of this
// tree committed in a fresh repository, since Go reads the VCS only where
// .git is a folder), so it records a revision. Without git it is built in
// place and records none.
var built struct {
	once      sync.Once
	dir, path string
	rev       string // the checkout's commit; "" without git
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

// checkoutTime is the commit time of the checkout the binary is built from.
const checkoutTime = "2026-12-01T10:00:00Z"

func buildBinary() {
	built.dir, built.err = os.MkdirTemp("", "dexonboard-bin-")
	if built.err != nil {
		return
	}
	_ = os.Chmod(built.dir, 0o755) // another user may run it (the dumpable test)
	built.path = filepath.Join(built.dir, "dexonboard")
	build := exec.Command("go", "build", "-trimpath", "-o", built.path, ".")
	if _, err := exec.LookPath("git"); err == nil {
		src := filepath.Join(built.dir, "src")
		if built.rev, built.out, built.err = commitCopy(src); built.err != nil {
			return
		}
		build = exec.Command("go", "build", "-trimpath", "-buildvcs=true", "-o", built.path, "./cmd/dexonboard")
		build.Dir = src
	}
	built.out, built.err = build.CombinedOutput()
}

// commitCopy copies the source tree to dst and commits it in a new
// repository; it returns the commit.
func commitCopy(dst string) (rev string, out []byte, err error) {
	if err := copySourceTree(dst); err != nil {
		return "", nil, err
	}
	env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_COMMITTER_DATE="+checkoutTime, "GIT_AUTHOR_DATE="+checkoutTime)
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "--no-gpg-sign", "-m", "checkout"}, {"rev-parse", "HEAD"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dst, env
		if out, err = cmd.CombinedOutput(); err != nil {
			return "", out, fmt.Errorf("git %s: %w", args[0], err)
		}
	}
	return strings.TrimSpace(string(out)), nil, nil
}

// copySourceTree copies the files git knows of (tracked, and new ones not
// ignored) from the repository root into dst.
func copySourceTree(dst string) error {
	root, err := filepath.Abs("../..")
	if err != nil {
		return err
	}
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, name := range bytes.Split(bytes.TrimRight(out, "\x00"), []byte{0}) {
		data, err := os.ReadFile(filepath.Join(root, string(name)))
		if os.IsNotExist(err) {
			continue // deleted, not yet committed
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dst, string(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
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
