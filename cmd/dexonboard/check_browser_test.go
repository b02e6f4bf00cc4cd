package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tryrook/dexonboard/internal/browsertest"
	"github.com/tryrook/dexonboard/internal/rooksim"
)

// TestCheckThroughROOKRealBrowser runs `check --via rook` with headless
// Chromium as the test user's browser: ROOK's authorization URL, Dexcom's
// login page (SandboxUser7, Authorize), ROOK's callback and ROOK's own
// connected page (no redirect_url, ROOK's default), while the check learns
// of the connection from ROOK's authorized list.
func TestCheckThroughROOKRealBrowser(t *testing.T) {
	t.Parallel()
	bctx := browsertest.Start(t)
	type landing struct{ at, text string }
	landed := make(chan landing, 1)
	browse := func(_ context.Context, u string) error {
		var landedAt, landedText string
		defer func() { landed <- landing{landedAt, landedText} }()
		ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(u),
			chromedp.WaitVisible(chromedp.ID("user")),
			chromedp.SetValue(chromedp.ID("user"), "SandboxUser7"),
			chromedp.Click(chromedp.ID("authorize")),
			chromedp.WaitVisible(chromedp.ID("done")),
		); err != nil {
			return err
		}
		var err error
		if landedAt, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
			return err
		}
		landedText, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("done")))
		return err
	}
	w := newROOKWorld(t, rooksim.Faults{})
	r := w.checkWith(t, rooksim.DemoSecretKey, browse)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	c := decodeCheck(t, r.out)
	if !c.ROOK.Authorized || len(c.ROOK.Glucose) == 0 {
		t.Fatalf("%s", r.out)
	}
	// The check goes on as soon as the page is served; the browser
	// reports what it shows a moment later.
	var l landing
	select {
	case l = <-landed:
	case <-time.After(2 * time.Minute): // the browser's own limit ends its wait before this
		t.Fatal("the browser never reported where it landed")
	}
	landedAt, landedText := l.at, l.text
	if !strings.HasPrefix(landedAt, w.st.ROOK.RedirectURL()) || landedText != "Connected" {
		t.Fatalf("the browser ended at %s showing %q", landedAt, landedText)
	}
}
