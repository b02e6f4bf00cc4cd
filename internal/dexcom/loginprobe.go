package dexcom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// IdentityHosts are the hosts Dexcom's sign-in runs on (public listings):
// its login may redirect a browser there before it shows a form.
var IdentityHosts = []string{"keycloak-prod.dexcom.com", "keycloak-prod.dexcom.eu", "uam1.dexcom.com"}

// MaxLoginRedirects bounds how many redirects a login probe follows.
const MaxLoginRedirects = 5

// LoginPage is where a login probe ended: a page that asks the user to log
// in.
type LoginPage struct {
	Status int    // the last answer's status (200)
	URL    string // scheme://host/path of that page, cleaned (no query: it may carry state)
	Hops   int    // redirects followed
}

// LoginRefusal is a login that did not lead to a login page: Dexcom (or
// its identity service) refused the request, or sent the browser
// somewhere that is not Dexcom's.
type LoginRefusal struct {
	Status  int    // status of the answer that refused (3xx for a redirect)
	Code    string // OAuth error code (error=, or a JSON error), cleaned
	Detail  string // Dexcom's words, cleaned
	At      string // scheme://host/path of that answer, cleaned
	OffHost bool   // redirected to a host that is not Dexcom's
	TooMany bool   // more than MaxLoginRedirects redirects
}

func (r *LoginRefusal) Error() string {
	switch {
	case r.TooMany:
		return fmt.Sprintf("Dexcom's login redirected more than %d times (last to %s)", MaxLoginRedirects, r.At)
	case r.OffHost:
		return "Dexcom's login sent the browser to " + r.At + ", which is not a Dexcom host"
	}
	msg := fmt.Sprintf("Dexcom's login answered %d %s", r.Status, http.StatusText(r.Status))
	if r.Status >= 300 && r.Status < 400 {
		msg = "Dexcom's login redirected with an error"
	}
	if r.Code != "" {
		msg += ": " + r.Code
	}
	if r.Detail != "" && r.Detail != r.Code {
		msg += " (" + r.Detail + ")"
	}
	return msg
}

// Names reports whether Dexcom's words mention s (e.g. "redirect_uri").
func (r *LoginRefusal) Names(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(strings.ToLower(r.Code), s) || strings.Contains(strings.ToLower(r.Detail), s)
}

// ErrLoginUnreachable means no answer came from Dexcom's login.
var ErrLoginUnreachable = errors.New("no answer from Dexcom's login")

// UnreachableError is a login that gave no answer: where, and why in
// plain words. It matches ErrLoginUnreachable and its cause.
type UnreachableError struct {
	At     string // scheme://host/path, cleaned
	Reason string // plain words
	Cause  error
}

func (e *UnreachableError) Error() string {
	return ErrLoginUnreachable.Error() + " at " + e.At + ": " + e.Reason
}

// Unwrap gives errors.Is both ErrLoginUnreachable and the cause.
func (e *UnreachableError) Unwrap() []error { return []error{ErrLoginUnreachable, e.Cause} }

// plainCause says why no answer came without Go's transport wording.
func plainCause(err error) string {
	var ne net.Error
	var dns *net.DNSError
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dns):
		return "host name not found (DNS)"
	}
	return safetext.Cut(safetext.Line(err.Error()), 200)
}

// ProbeLogin opens loginURL as a browser would: it follows at most
// MaxLoginRedirects redirects, only to Dexcom's hosts (the login's own
// host; for a public Dexcom host also the other public ones and
// IdentityHosts), and judges where it ends. A login page passes. An OAuth
// error (a 4xx or 5xx, an error page, a redirect carrying error=) is a
// *LoginRefusal; no answer wraps ErrLoginUnreachable. Dexcom does not
// document what its login answers, so a 200 in place and a 302 to an
// identity page both pass.
func ProbeLogin(ctx context.Context, hc *http.Client, loginURL string) (LoginPage, error) {
	start, err := url.Parse(loginURL)
	if err != nil || (start.Scheme != "https" && start.Scheme != "http") || start.Host == "" {
		return LoginPage{}, fmt.Errorf("the login URL %q is not an http(s) URL", safetext.Cut(safetext.Line(loginURL), 80))
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if c.Jar == nil { // identity services keep their session in a cookie across the hops
		c.Jar, _ = cookiejar.New(nil)
	}
	allowed := loginHosts(start)
	cur := start
	for hop := 0; ; hop++ {
		resp, err := get(ctx, &c, cur.String())
		if err != nil {
			return LoginPage{}, &UnreachableError{At: where(cur), Reason: plainCause(err), Cause: err}
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			next, err := cur.Parse(resp.Header.Get("Location"))
			if err != nil || next.Host == "" {
				return LoginPage{}, &LoginRefusal{Status: resp.StatusCode, Detail: "a redirect without a readable Location", At: where(cur)}
			}
			if q := next.Query(); q.Get("error") != "" {
				return LoginPage{}, &LoginRefusal{Status: resp.StatusCode, Code: clean(q.Get("error")), Detail: clean(q.Get("error_description")), At: where(next)}
			}
			if !allowed(next) {
				return LoginPage{}, &LoginRefusal{Status: resp.StatusCode, OffHost: true, At: where(next)}
			}
			if hop+1 > MaxLoginRedirects {
				return LoginPage{}, &LoginRefusal{Status: resp.StatusCode, TooMany: true, At: where(next)}
			}
			cur = next
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			if code, detail, bad := errorPage(body); bad {
				return LoginPage{}, &LoginRefusal{Status: resp.StatusCode, Code: code, Detail: detail, At: where(cur)}
			}
			return LoginPage{Status: resp.StatusCode, URL: where(cur), Hops: hop}, nil
		default:
			code, detail, _ := errorPage(body)
			if detail == "" {
				detail = safetext.Brief(html.UnescapeString(tags().ReplaceAllString(string(body), " ")), 300)
			}
			return LoginPage{}, &LoginRefusal{Status: resp.StatusCode, Code: code, Detail: detail, At: where(cur)}
		}
	}
}

func get(ctx context.Context, c *http.Client, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/html,application/json;q=0.9,*/*;q=0.8")
	return c.Do(req)
}

// loginHosts is the rule for where a login may redirect: its own scheme
// and host; from a public Dexcom host, https to any public Dexcom host or
// identity host as well.
func loginHosts(start *url.URL) func(*url.URL) bool {
	public := slices.ContainsFunc(Environments, func(e Environment) bool {
		u, _ := url.Parse(e.BaseURL())
		return strings.EqualFold(u.Host, start.Host)
	})
	return func(u *url.URL) bool {
		if strings.EqualFold(u.Scheme, start.Scheme) && strings.EqualFold(u.Host, start.Host) {
			return true
		}
		if !public || u.Scheme != "https" || u.Port() != "" {
			return false
		}
		h := strings.ToLower(u.Hostname())
		if slices.Contains(IdentityHosts, h) {
			return true
		}
		return slices.ContainsFunc(Environments, func(e Environment) bool {
			b, _ := url.Parse(e.BaseURL())
			return b.Hostname() == h
		})
	}
}

// Compiled on first use, not in every process's init.
var (
	// The simulator marks its error paragraph; Keycloak (Dexcom's identity
	// service) puts its message in #kc-error-message.
	errorMark = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?is)<(p|div|span)[^>]*(?:class="error"|id="kc-error-message")[^>]*>(.*?)</(?:p|div|span)>`)
	})
	tags = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<[^>]*>`) })
)

// errorPage reads an error out of a page: a marked HTML error, or a JSON
// {"error", "error_description"}. bad is false for a page without one.
func errorPage(body []byte) (code, detail string, bad bool) {
	var j struct {
		Error       any    `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"`
	}
	if json.Unmarshal(body, &j) == nil && j.Error != nil {
		code = clean(fmt.Sprint(j.Error))
		detail = clean(j.Description)
		if detail == "" {
			detail = clean(j.Message)
		}
		return code, detail, true
	}
	if m := errorMark().FindSubmatch(body); m != nil {
		text := html.UnescapeString(tags().ReplaceAllString(string(m[2]), " "))
		return "", safetext.Brief(text, 300), true
	}
	return "", "", false
}

func clean(s string) string { return safetext.Brief(s, 300) }

// where is scheme://host/path, cleaned: the query may carry state.
func where(u *url.URL) string {
	return safetext.Cut(safetext.Line(u.Scheme+"://"+u.Host+u.EscapedPath()), 200)
}
