package browsertest

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const page = "data:text/html,<p id=greeting>hello</p>"

// A browser ends with its test, even when chromium's main process died
// midway (a crash, the OOM killer) and a helper outlives it: the end of
// the test kills every process still started with the test's profile
// folder and removes the folder. The straggler is a shell carrying the
// folder's flag, as a zygote's helper does, that would otherwise never end.
func TestBrowserEndsWithItsTest(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("finds chromium's processes in /proc")
	}
	var dir string
	var straggler *exec.Cmd
	t.Run("browse, then chromium's main process dies", func(t *testing.T) {
		ctx, d := start(t, Limit)
		dir = d
		if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("greeting")))
		if err != nil || text != "hello" {
			t.Fatalf("%q, %v", text, err)
		}
		straggler = exec.Command("sh", "-c", "while :; do sleep 1; done", "--user-data-dir="+dir)
		if err := straggler.Start(); err != nil {
			t.Fatal(err)
		}
		main := childOf(os.Getpid(), running(dir), straggler.Process.Pid)
		if main == 0 {
			t.Fatalf("no chromium of ours among %v", running(dir))
		}
		proc, err := os.FindProcess(main)
		if err == nil {
			err = proc.Kill()
		}
		if err != nil {
			t.Fatal(err)
		}
	})
	if straggler != nil {
		defer func() {
			_ = straggler.Process.Kill() // when the test fails
			_ = straggler.Wait()
		}()
	}
	if left := running(dir); len(left) > 0 {
		t.Fatalf("processes %v still run with %s after their test", left, dir)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the profile folder stays: %v", err)
	}
}

// A browser's life is bounded: a wait for what never comes ends when the
// limit does, instead of hanging the run.
func TestBrowserLifeIsBounded(t *testing.T) {
	t.Parallel()
	t.Run("a wait for what never comes", func(t *testing.T) {
		ctx, _ := start(t, 3*time.Second)
		done := make(chan error, 1)
		go func() {
			done <- chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("never")))
		}()
		select {
		case err := <-done:
			if err == nil {
				t.Fatal("an element that is never there was found")
			}
		case <-time.After(Limit):
			t.Fatal("the wait outlived the browser's limit")
		}
	})
}

// childOf is the one of pids, but not, whose parent is parent, or 0.
func childOf(parent int, pids []int, not int) int {
	for _, pid := range pids {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || pid == not {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces, so read after the last ')'
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(parent) {
			return pid
		}
	}
	return 0
}
