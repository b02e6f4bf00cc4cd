package connect_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tryrook/dexonboard/internal/browsertest"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// TestRealBrowserLogin drives headless Chromium through the simulator's
// login page: pick SandboxUser7, Authorize, land on the success page; the
// check then completes with EGVs.
func TestRealBrowserLogin(t *testing.T) {
	t.Parallel()
	browserCtx := browsertest.Start(t)
	w := newWorld(t, sandbox.Config{})
	ctx, cancelTimeout := context.WithTimeout(browserCtx, 90*time.Second)
	defer cancelTimeout()

	var title, message, options string
	var walk func(string) error
	var shot []byte
	browsed := make(chan error, 1)
	browse := func(_ context.Context, loginURL string) error {
		err := walk(loginURL)
		browsed <- err
		return err
	}
	walk = func(loginURL string) error {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(loginURL),
			chromedp.WaitVisible(chromedp.ID("user")),
		); err != nil {
			return err
		}
		var err error
		if options, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("user"))); err != nil {
			return err
		}
		if err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("user"), "SandboxUser7"),
			chromedp.Click(chromedp.ID("authorize")),
			chromedp.WaitVisible(chromedp.ID("result-success")),
		); err != nil {
			return err
		}
		if title, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1"))); err != nil {
			return err
		}
		if message, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p"))); err != nil {
			return err
		}
		shot, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
		return err
	}
	s := &saver{}
	c := w.check(s, nil, browse)
	c.Login.Timeout = 60 * time.Second
	out, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The browser goes on to read the result page while the check runs.
	select {
	case err := <-browsed:
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the browser never finished")
	}
	if !strings.Contains(options, "SandboxUser7 · G7 · iOS app") {
		t.Errorf("dropdown: %q", options)
	}
	if title != "Connected to Dexcom" || !strings.Contains(message, "close this tab") {
		t.Errorf("success page: %q %q", title, message)
	}
	if !out.OK() || len(out.EGVs) == 0 || out.Device().Name() != "G7 on iOS" {
		t.Fatalf("check after browser login: ok=%v err=%v", out.OK(), out.Err)
	}
	if dir := os.Getenv("DEXONBOARD_SCREENSHOTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "browser-success.png"), shot, 0o644)
	}
}
