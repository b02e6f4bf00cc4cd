package sandbox

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// LogIn does what a person does on the simulator's login page, over HTTP:
// opens loginURL, picks user, and presses Authorize (or Deny). It returns the
// redirect the browser would follow, without following it. Used by `demo`,
// `check --demo` and tests, so no browser is needed.
func LogIn(ctx context.Context, hc *http.Client, loginURL string, user string, authorize bool) (*url.URL, error) {
	noFollow := *hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	u, page, err := openLogin(ctx, &noFollow, loginURL)
	if err != nil {
		return nil, err
	}
	if page.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("login page answered %d: %s", page.StatusCode, pageError(page.Body))
	}
	form := u.Query()
	form.Set("user", user)
	form.Set("action", "deny")
	if authorize {
		form.Set("action", "authorize")
	}
	u.RawQuery = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noFollow.Do(req)
	if err != nil {
		return nil, fmt.Errorf("submit login: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("login answered %d: %s", resp.StatusCode, pageError(string(body)))
	}
	return url.Parse(resp.Header.Get("Location"))
}

// openLogin opens the login URL and follows the simulator's redirects to
// its identity page (same host, a few at most), as a browser does. It
// returns the page's URL and the page; a redirect elsewhere (an error sent
// back to the app) is returned as an error naming it.
func openLogin(ctx context.Context, noFollow *http.Client, loginURL string) (*url.URL, pageResp, error) {
	u, err := url.Parse(loginURL)
	if err != nil {
		return nil, pageResp{}, err
	}
	for range 5 {
		page, err := get(ctx, noFollow, u.String())
		if err != nil {
			return nil, pageResp{}, err
		}
		if page.StatusCode < 300 || page.StatusCode > 399 {
			return u, page, nil
		}
		next, err := u.Parse(page.Location)
		if err != nil {
			return nil, pageResp{}, fmt.Errorf("login page redirected to an unreadable Location: %w", err)
		}
		if next.Host != u.Host {
			return nil, pageResp{}, fmt.Errorf("login page redirected away to %s (error %q)", next.Host, next.Query().Get("error"))
		}
		u = next
	}
	return nil, pageResp{}, fmt.Errorf("login page redirected too many times")
}

type pageResp struct {
	StatusCode int
	Body       string
	Location   string
}

func get(ctx context.Context, hc *http.Client, u string) (pageResp, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return pageResp{}, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return pageResp{}, fmt.Errorf("open login page: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return pageResp{resp.StatusCode, string(b), resp.Header.Get("Location")}, nil
}

// pageError pulls the message out of the simulator's error page.
func pageError(page string) string {
	const open = `<p class="error" id="error">`
	if i := strings.Index(page, open); i >= 0 {
		rest := page[i+len(open):]
		if j := strings.Index(rest, "</p>"); j >= 0 {
			return html.UnescapeString(strings.TrimSpace(rest[:j]))
		}
	}
	return "unexpected page"
}

// pageText is what a page says, as one short clean line: the error the
// app's (or ROOK's) page shows, for a person reading the failure.
func pageText(page string) string {
	if msg := pageError(page); msg != "unexpected page" {
		return safetext.Brief(msg, 300)
	}
	// ROOK's own result page (the ROOK simulator's) says it in its message.
	const open = `id="message">`
	if i := strings.Index(page, open); i >= 0 {
		if j := strings.Index(page[i:], "</p>"); j >= 0 {
			return safetext.Brief(html.UnescapeString(page[i+len(open):i+j]), 300)
		}
	}
	return safetext.Brief(html.UnescapeString(tagsRE().ReplaceAllString(page, " ")), 300)
}

var tagsRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<style.*?</style>|<[^>]*>`) })

// Autopilot returns a login opener that acts as a browser: it logs user in on
// the simulator's page (or denies) and follows the redirect to the app's
// callback, as a browser would. The demo and tests use it.
func Autopilot(hc *http.Client, user string, authorize bool) func(ctx context.Context, loginURL string) error {
	return func(ctx context.Context, loginURL string) error {
		loc, err := LogIn(ctx, hc, loginURL, user, authorize)
		if err != nil {
			return err
		}
		page, err := get(ctx, hc, loc.String())
		if err != nil {
			return fmt.Errorf("follow the redirect to the app: %w", err)
		}
		// A person reads the page the browser ends on; so does the
		// autopilot, denied or not (ROOK's own page is the only place a
		// failure shows when ROOK has no redirect_url).
		if page.StatusCode != http.StatusOK {
			return fmt.Errorf("the page after the login answered %d: %s", page.StatusCode, pageText(page.Body))
		}
		return nil
	}
}
