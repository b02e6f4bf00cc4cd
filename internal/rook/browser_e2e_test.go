package rook_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tryrook/dexonboard/internal/browsertest"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
)

// TestRealBrowserThroughROOK drives headless Chromium through the whole
// hop as ROOK has it by default: ROOK's authorization URL, Dexcom's login
// (redirected to its identity page; SandboxUser7, Authorize), ROOK's
// callback and ROOK's own connected page, while the client waits on the
// authorized list.
func TestRealBrowserThroughROOK(t *testing.T) {
	t.Parallel()
	bctx := browsertest.Start(t)
	st := stack(t, rooksim.Faults{})
	c := client(t, st, func(cfg *rook.Config) { cfg.Sleep = nil })
	a, err := c.AuthorizationLink(context.Background(), "browser-user", rook.Dexcom)
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() {
		waited <- c.WaitUntilAuthorized(bctx, "browser-user", rook.Dexcom, rook.Watch{Every: 100 * time.Millisecond, Timeout: 90 * time.Second})
	}()

	ctx, cancelTimeout := context.WithTimeout(bctx, 90*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.AuthorizationURL),
		chromedp.WaitVisible(chromedp.ID("user")),
		chromedp.SetValue(chromedp.ID("user"), "SandboxUser7"),
		chromedp.Click(chromedp.ID("authorize")),
		chromedp.WaitVisible(chromedp.ID("done")),
	); err != nil {
		t.Fatalf("browser: %v", err)
	}
	where, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(where, st.ROOK.RedirectURL()) {
		t.Fatalf("browser ended at %s, want ROOK's own page", where)
	}
	if err := <-waited; err != nil {
		t.Fatalf("ROOK after the browser: %v", err)
	}
}
