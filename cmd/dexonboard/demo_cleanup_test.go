//go:build unix

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// signal sends sig to the running binary and waits for its exit, which
// must be 128+sig.
func (r *running) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-r.done:
		r.done <- err
	case <-time.After(20 * time.Second):
		t.Fatalf("still running after %v:\n%s", sig, r.out.String())
	}
	if got := r.cmd.ProcessState.ExitCode(); got != 128+int(sig) {
		t.Errorf("exit code %d, want %d", got, 128+int(sig))
	}
}

// demoDirs lists the demo folders in tmp.
func demoDirs(t *testing.T, tmp string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(tmp, demoDirPrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// startDemo runs the built demo with its temp dir in tmp and waits until it
// asks its first question (no terminal: the accessible wizard).
func startDemo(t *testing.T, tmp string) *running {
	t.Helper()
	cmd := exec.Command(dexonboardBinary(t), "demo")
	cmd.Env = append(envWithout("TMPDIR"), "TMPDIR="+tmp)
	r := startBinary(t, cmd)
	r.waitOutput(t, "")
	return r
}

func TestDemoRemovesItsFolderOnSignal(t *testing.T) {
	t.Parallel() // it waits on child processes, beside the tests that use the CPU
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel() // each waits on its own child process
			tmp := t.TempDir()
			r := startDemo(t, tmp)
			dirs := demoDirs(t, tmp)
			want := demoDirPrefix + strconv.Itoa(r.cmd.Process.Pid) + "-"
			if len(dirs) != 1 || len(filepath.Base(dirs[0])) <= len(want) || filepath.Base(dirs[0])[:len(want)] != want {
				t.Fatalf("demo folders %q, want one named %s*", dirs, want)
			}
			if _, err := os.Stat(filepath.Join(dirs[0], "vault.db")); err != nil {
				t.Fatalf("the demo's vault is not in its folder: %v", err)
			}
			r.signal(t, sig)
			if dirs := demoDirs(t, tmp); len(dirs) != 0 {
				t.Fatalf("left behind after %v: %q", sig, dirs)
			}
		})
	}
}

// TestDemoRemovesStaleFoldersOnly: a folder whose demo was killed (its pid
// is gone) is removed at the next start; a live process's folder, another
// user's, a symlink and folders without a pid in the name are kept.
func TestDemoRemovesStaleFoldersOnly(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	live := exec.Command("sleep", "60")
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Process.Kill(); live.Wait() })
	stale := filepath.Join(tmp, demoDirPrefix+strconv.Itoa(gone.Process.Pid)+"-123456")
	kept := []string{
		filepath.Join(tmp, demoDirPrefix+strconv.Itoa(live.Process.Pid)+"-654321"),
		filepath.Join(tmp, demoDirPrefix+"987654321"), // the old naming: no pid
		filepath.Join(tmp, demoDirPrefix+"x-1"),
		filepath.Join(tmp, "other-"+strconv.Itoa(gone.Process.Pid)),
	}
	for _, d := range append([]string{stale}, kept...) {
		if err := os.MkdirAll(filepath.Join(d, "sub"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "sub", "vault.db"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Another user's folder is not ours to remove, dead pid or not.
	if os.Getuid() == 0 {
		theirs := filepath.Join(tmp, demoDirPrefix+strconv.Itoa(gone.Process.Pid)+"-theirs")
		if err := os.Mkdir(theirs, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(theirs, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, theirs)
	}
	// A symlink named like a stale folder is not followed or removed.
	target := t.TempDir()
	link := filepath.Join(tmp, demoDirPrefix+strconv.Itoa(gone.Process.Pid)+"-link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	kept = append(kept, link)

	r := startDemo(t, tmp)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale folder of a dead pid kept: %v", err)
	}
	for _, d := range kept {
		if _, err := os.Lstat(d); err != nil {
			t.Errorf("removed %s: %v", filepath.Base(d), err)
		}
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("the symlink's target was removed: %v", err)
	}
	own := filepath.Join(tmp, demoDirPrefix+strconv.Itoa(r.cmd.Process.Pid)+"-*")
	if m, _ := filepath.Glob(own); len(m) != 1 {
		t.Fatalf("own folder: %q", m)
	}
	_ = r.exit(t)
	if m, _ := filepath.Glob(own); len(m) != 0 {
		t.Fatalf("own folder left after a normal exit: %q", m)
	}
}

// TestWizardEndsOnSignalAtAPrompt: a signal ends the wizard even while it
// waits for a line on standard input, which never sees the cancellation.
func TestWizardEndsOnSignalAtAPrompt(t *testing.T) {
	t.Parallel() // most of it is the program's grace after a signal
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel() // each waits on its own child process
			cmd := exec.Command(dexonboardBinary(t), "--vault", filepath.Join(t.TempDir(), "v.db"), "--accessible")
			cmd.Env = envWithout(secretVars...)
			r := startBinary(t, cmd)
			r.waitOutput(t, "")
			r.signal(t, sig)
		})
	}
}

// TestDemoInTmuxRemovesItsFolderWhenTmuxCloses: the full-screen demo in a
// real terminal; killing the tmux server hangs the terminal up (SIGHUP).
func TestDemoInTmuxRemovesItsFolderWhenTmuxCloses(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but tmux is not installed: .ci/run must install it")
		}
		t.Skip("no tmux on this machine (and CI is not set)")
	}
	bin := dexonboardBinary(t)
	tmp := t.TempDir()
	s := &tmuxSession{t: t, socket: "dexonboard-hup-" + strconv.Itoa(os.Getpid()), name: "demo"}
	s.tmux("new-session", "-d", "-s", s.name, "-x", "120", "-y", "40", "-c", tmp, "-e", "NO_COLOR=1", "-e", "TMPDIR="+tmp, bin, "demo")
	defer exec.Command("tmux", "-L", s.socket, "kill-server").Run()
	s.expect("the demo opens", "Prerequisites", "demo: throwaway vault in")
	pid := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_pid}"))
	if m, _ := filepath.Glob(filepath.Join(tmp, demoDirPrefix+pid+"-*")); len(m) != 1 {
		t.Fatalf("no folder of the demo (pid %s) in %s: %q", pid, tmp, demoDirs(t, tmp))
	}
	s.tmux("kill-server")
	deadline := time.Now().Add(20 * time.Second)
	for len(demoDirs(t, tmp)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("left behind after tmux closed: %q", demoDirs(t, tmp))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSignalAsTheFirstLineShows: a signal sent the moment the program first
// prints is handled (the exit code names the signal), not met by the
// default action, which kills the process without any clean-up. The
// handler used to be installed by a goroutine that, with one P, ran only
// after the first prompt was printed.
func TestSignalAsTheFirstLineShows(t *testing.T) {
	t.Parallel() // most of it is the program's grace after a signal
	for i := range 4 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(dexonboardBinary(t), "--vault", filepath.Join(t.TempDir(), "v.db"), "--accessible")
			cmd.Env = append(envWithout(secretVars...), "GOMAXPROCS=1")
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			cmd.Stdout, cmd.Stderr = pw, pw
			stdin, err := cmd.StdinPipe() // open: the prompt waits for a line
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			pw.Close()
			if _, err := pr.Read(make([]byte, 1)); err != nil {
				t.Fatalf("no output: %v", err)
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			go io.Copy(io.Discard, pr)
			_ = cmd.Wait()
			if got := cmd.ProcessState.ExitCode(); got != 128+int(syscall.SIGTERM) {
				t.Fatalf("exit code %d (%v), want %d: the signal was not handled", got, cmd.ProcessState, 128+int(syscall.SIGTERM))
			}
		})
	}
}
