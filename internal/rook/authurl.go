package rook

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

// Expected is what a Dexcom authorization URL from ROOK must carry for one
// client: the Dexcom host of the track's environment, the client's own
// Dexcom Client ID (Step 3) and ROOK's Redirect URL (Step 4).
type Expected struct {
	DexcomBase  string // e.g. https://sandbox-api.dexcom.com
	ClientID    string
	RedirectURL string
}

// Mismatch names what is wrong with an authorization URL.
type Mismatch int

// Each misconfiguration an authorization URL can show.
const (
	NotAURL           Mismatch = iota + 1 // not an http(s) URL
	WrongDexcomHost                       // points elsewhere than the track's Dexcom host
	NotDexcomLogin                        // not /v2 or /v3 /oauth2/login
	WrongClientID                         // client_id differs from the expected one
	WrongRedirectURI                      // redirect_uri differs from ROOK's Redirect URL
	BadOAuthParams                        // response_type or scope not as Dexcom wants
	DexcomRefused                         // Dexcom's login page did not answer 200
	DexcomUnreachable                     // no answer from Dexcom
)

// AuthURLProblem is one mismatch, with what was found and what was wanted.
// Client IDs and URLs are not secrets: both are kept whole.
type AuthURLProblem struct {
	Mismatch Mismatch
	Got      string // cleaned of control characters
	Want     string
	Status   int    // DexcomRefused: the status
	Detail   string // Dexcom's message when it refused, cleaned
}

func (p *AuthURLProblem) Error() string {
	switch p.Mismatch {
	case NotAURL:
		return fmt.Sprintf("the authorization URL %q is not an http(s) URL", p.Got)
	case WrongDexcomHost:
		return fmt.Sprintf("the authorization URL points at %s, not at Dexcom's %s", p.Got, p.Want)
	case NotDexcomLogin:
		return fmt.Sprintf("the authorization URL's path %s is not Dexcom's login (/v2/oauth2/login)", p.Got)
	case WrongClientID:
		return fmt.Sprintf("the authorization URL carries Client ID %q, not %q", p.Got, p.Want)
	case WrongRedirectURI:
		return fmt.Sprintf("the authorization URL carries redirect_uri %q, not %q", p.Got, p.Want)
	case BadOAuthParams:
		return "the authorization URL's OAuth parameters are not Dexcom's: " + p.Got
	case DexcomRefused:
		msg := fmt.Sprintf("Dexcom's login page answered %d %s", p.Status, http.StatusText(p.Status))
		if p.Detail != "" {
			msg += ": " + p.Detail
		}
		return msg
	case DexcomUnreachable:
		return "Dexcom's login page could not be reached: " + p.Detail
	}
	return "the authorization URL is wrong"
}

// InspectAuthorizationURL checks raw against want without a network call,
// then (when hc is not nil) asks Dexcom's login page, without following
// redirects, whether it accepts the URL (200). It returns the first
// problem, or nil.
func InspectAuthorizationURL(ctx context.Context, hc *http.Client, raw string, want Expected) *AuthURLProblem {
	if p := inspectStatic(raw, want); p != nil {
		return p
	}
	if hc == nil {
		return nil
	}
	return askDexcom(ctx, hc, raw)
}

func inspectStatic(raw string, want Expected) *AuthURLProblem {
	u, err := url.Parse(raw)
	if safetext.Has(raw) || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &AuthURLProblem{Mismatch: NotAURL, Got: clip(safetext.Line(raw))}
	}
	if want.DexcomBase != "" {
		w, err := url.Parse(want.DexcomBase)
		if err != nil || !strings.EqualFold(w.Scheme, u.Scheme) || !strings.EqualFold(w.Host, u.Host) {
			return &AuthURLProblem{Mismatch: WrongDexcomHost, Got: u.Scheme + "://" + u.Host, Want: strings.TrimRight(want.DexcomBase, "/")}
		}
	}
	if p := strings.TrimRight(u.Path, "/"); p != "/v2/oauth2/login" && p != "/v3/oauth2/login" {
		return &AuthURLProblem{Mismatch: NotDexcomLogin, Got: clip(safetext.Line(u.Path)), Want: "/v2/oauth2/login"}
	}
	q := u.Query()
	if got := q.Get("client_id"); want.ClientID != "" && got != want.ClientID {
		return &AuthURLProblem{Mismatch: WrongClientID, Got: clip(safetext.Line(got)), Want: want.ClientID}
	}
	if got := q.Get("redirect_uri"); want.RedirectURL != "" && got != want.RedirectURL {
		return &AuthURLProblem{Mismatch: WrongRedirectURI, Got: clip(safetext.Line(got)), Want: want.RedirectURL}
	}
	var bad []string
	if q.Get("response_type") != "code" {
		bad = append(bad, fmt.Sprintf("response_type is %q, not code", clip(safetext.Line(q.Get("response_type")))))
	}
	if q.Get("scope") != "offline_access" {
		bad = append(bad, fmt.Sprintf("scope is %q, not offline_access", clip(safetext.Line(q.Get("scope")))))
	}
	if len(bad) > 0 {
		return &AuthURLProblem{Mismatch: BadOAuthParams, Got: strings.Join(bad, "; ")}
	}
	return nil
}

// askDexcom opens the login page as a browser would and reads a refusal.
func askDexcom(ctx context.Context, hc *http.Client, raw string) *AuthURLProblem {
	noFollow := *hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return &AuthURLProblem{Mismatch: NotAURL, Got: clip(safetext.Line(raw))}
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		return &AuthURLProblem{Mismatch: DexcomUnreachable, Detail: safetext.Line(err.Error())}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return &AuthURLProblem{Mismatch: DexcomRefused, Status: resp.StatusCode, Detail: refusal(body)}
}

// Compiled on first use, not in every process's init.
var (
	errorPara = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<p[^>]*class="error"[^>]*>(.*?)</p>`) })
	tags      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<[^>]*>`) })
)

// refusal pulls a readable reason from a login page's error: the marked
// paragraph of an HTML page, a JSON error, else the text.
func refusal(body []byte) string {
	s := string(body)
	if m := errorPara().FindStringSubmatch(s); m != nil {
		s = m[1]
	} else if msg := bodyMessage(body); msg != "" && !strings.Contains(msg, "<") {
		return msg
	}
	return safetext.Brief(html.UnescapeString(tags().ReplaceAllString(s, " ")), maxMessage)
}
