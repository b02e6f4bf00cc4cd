// Package browsertest starts headless Chromium for the real-browser tests,
// the same way in every package: skipped under -short or when no chromium
// is installed, a failure when CI is set (.ci/run installs it). Only tests
// import it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Start returns a browser context for t; the browser closes when t ends.
func Start(t testing.TB) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a browser") // before looking for one: -short never needs chromium
	}
	exe := chromium(t)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
			chromedp.Flag("disable-gpu", true), chromedp.UserDataDir(t.TempDir()),
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true))...)
	t.Cleanup(cancel)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	return bctx
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
