// Package browsertest starts headless Chromium for the real-browser tests,
// the same way in every package: skipped under -short or when no chromium
// is installed, a failure when CI is set (.ci/run installs it). Only tests
// import it.
//
// A browser lives at most Limit (less when the test's own deadline comes
// first): then chromium is killed and every wait on it ends, so a wedged
// browser fails its test instead of hanging the run. When the test ends,
// the browser is closed, whatever chromium process still runs with the
// test's profile folder is killed (Chromium's helpers outlive a killed
// main process), and the folder is removed.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Limit bounds one browser's life; a login through the simulators takes
// seconds.
const Limit = 2 * time.Minute

// closeWait bounds the wait for chromium to close at the end of a test.
const closeWait = 15 * time.Second

// Start returns a browser context for t; the browser closes when t ends.
func Start(t testing.TB) context.Context {
	t.Helper()
	ctx, _ := start(t, Limit)
	return ctx
}

// start is Start with the browser's life bounded by limit; it also
// returns the profile folder, which names the browser's processes.
func start(t testing.TB, limit time.Duration) (context.Context, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a browser") // before looking for one: -short never needs chromium
	}
	exe := chromium(t)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := d.Deadline(); ok {
			limit = min(limit, time.Until(end)-closeWait-5*time.Second) // fail with our words before go test panics
		}
	}
	dir, err := os.MkdirTemp("", "dexonboard-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	life, endLife := context.WithTimeout(context.Background(), limit)
	alloc, cancelAlloc := chromedp.NewExecAllocator(life,
		append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
			chromedp.Flag("disable-gpu", true), chromedp.UserDataDir(dir),
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true))...)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { stop(t, dir, cancelBrowser, cancelAlloc, endLife) })
	return bctx, dir
}

// stop closes the browser (the cancels in order), waiting at most
// closeWait; then kills what still runs with the profile folder, which
// also ends a close that hung, and removes the folder.
func stop(t testing.TB, dir string, cancels ...func()) {
	closed := make(chan struct{})
	go func() {
		for _, cancel := range cancels {
			cancel()
		}
		close(closed)
	}()
	hung := false
	select {
	case <-closed:
	case <-time.After(closeWait):
		hung = true
	}
	if n := killLeftovers(dir); n > 0 {
		t.Logf("killed %d chromium processes left running with %s", n, dir)
	}
	if hung {
		select {
		case <-closed:
			t.Logf("chromium did not close within %s; killing it ended the close", closeWait)
		case <-time.After(closeWait):
			t.Errorf("chromium did not close within %s, even once killed", 2*closeWait)
		}
	}
	var err error
	for range 50 { // a helper killed a moment ago may still be writing
		if err = os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("remove chromium's profile folder: %v", err)
}

// killLeftovers kills, until none shows up for a few passes in a row, the
// processes started with dir as their profile folder; it returns how many.
func killLeftovers(dir string) int {
	total := 0
	for quiet, deadline := 0, time.Now().Add(5*time.Second); quiet < 3 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		n := killUsing(dir)
		total += n
		if n == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}
	return total
}

func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no chromium is installed: .ci/run must install it")
	}
	t.Skip("no chromium on this machine (and CI is not set): skipping the real-browser test")
	return ""
}
