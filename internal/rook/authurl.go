package rook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/tryrook/dexonboard/internal/dexcom"
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
	DexcomRefused                         // Dexcom's login refused (error page, 4xx, error= redirect, off Dexcom)
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
	// Refusal is Dexcom's refusal as the login probe read it (DexcomRefused).
	Refusal *dexcom.LoginRefusal
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
		if p.Detail != "" {
			return p.Detail
		}
		return fmt.Sprintf("Dexcom's login page answered %d %s", p.Status, http.StatusText(p.Status))
	case DexcomUnreachable:
		return "Dexcom's login page could not be reached: " + p.Detail
	}
	return "the authorization URL is wrong"
}

// InspectAuthorizationURL checks raw against want without a network call,
// then (when hc is not nil) opens Dexcom's login as a browser would
// (following its redirects to Dexcom's own hosts) and checks that it ends
// on a login page. It returns the first problem, or nil.
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

// askDexcom opens the login as a browser would (dexcom.ProbeLogin: bounded
// redirects, Dexcom's hosts only) and reads a refusal.
func askDexcom(ctx context.Context, hc *http.Client, raw string) *AuthURLProblem {
	_, err := dexcom.ProbeLogin(ctx, hc, raw)
	var r *dexcom.LoginRefusal
	var u *dexcom.UnreachableError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &r):
		return &AuthURLProblem{Mismatch: DexcomRefused, Status: r.Status, Detail: r.Error(), Refusal: r}
	case errors.As(err, &u):
		return &AuthURLProblem{Mismatch: DexcomUnreachable, Detail: u.At + ": " + u.Reason}
	}
	return &AuthURLProblem{Mismatch: NotAURL, Got: clip(safetext.Line(raw))}
}

// Names reports which part Dexcom's refusal blames: WrongClientID when
// the client is the unknown part (invalid_client, "client not found",
// "client_id … is not registered"), even when the redirect URI is named
// too; WrongRedirectURI when only the redirect URI is; 0 when neither, or
// when both are named together ("client_id and redirect_uri do not
// match") and the words do not say which.
func (p *AuthURLProblem) Names() Mismatch {
	if p.Mismatch != DexcomRefused {
		return 0
	}
	d := strings.ToLower(p.Detail)
	if p.Refusal != nil {
		d = strings.ToLower(p.Refusal.Code + " " + p.Refusal.Detail)
	}
	return blames(d)
}

func blames(d string) Mismatch {
	for _, w := range []string{"invalid_client", "client not found", "unknown client", "unknown_client"} {
		if strings.Contains(d, w) {
			return WrongClientID
		}
	}
	ci := firstIndex(d, "client_id", "client id")
	ri := firstIndex(d, "redirect_uri", "redirect uri")
	if ci >= 0 {
		seg := d[ci:]
		if ri > ci {
			seg = d[ci:ri]
		}
		if negative().MatchString(seg) {
			return WrongClientID
		}
		if joined := strings.Trim(seg[len("client_id"):], " ,"); ri > ci && (joined == "and" || joined == "or") {
			return 0 // named together: the words do not say which
		}
	}
	if ri >= 0 {
		return WrongRedirectURI
	}
	return 0
}

func firstIndex(s string, words ...string) int {
	at := -1
	for _, w := range words {
		if i := strings.Index(s, w); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	return at
}

// negative finds words that say the thing before them is wrong.
var negative = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b(not|unknown|invalid|missing|no such)\b`)
})
