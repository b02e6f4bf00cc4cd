package rook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tryrook/dexonboard/internal/browsertest"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
)

// TestRealBrowserThroughROOK drives headless Chromium through the whole
// hop: ROOK's authorization URL, Dexcom's login page (SandboxUser7,
// Authorize), ROOK's callback and on to the client's redirect_url.
func TestRealBrowserThroughROOK(t *testing.T) {
	bctx := browsertest.Start(t)
	st := stack(t, rooksim.Faults{})
	c := client(t, st, nil)
	done := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		msg := "connected"
		if e := r.URL.Query().Get("error"); e != "" {
			msg = "failed: " + e
		}
		_, _ = w.Write([]byte(`<!doctype html><h1 id="done">` + msg + `</h1>`))
	}))
	defer done.Close()
	a, err := c.Authorizer(context.Background(), "browser-user", rook.Dexcom, done.URL+"/done")
	if err != nil {
		t.Fatal(err)
	}

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
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("done")))
	if err != nil {
		t.Fatal(err)
	}
	where, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if text != "connected" || !strings.HasPrefix(where, done.URL+"/done") {
		t.Fatalf("browser ended at %s showing %q", where, text)
	}
	s, err := c.AuthorizedSources(context.Background(), "browser-user")
	if err != nil || !rook.IsAuthorized(s, rook.Dexcom) {
		t.Fatalf("ROOK after the browser: %v %v", s, err)
	}
}
