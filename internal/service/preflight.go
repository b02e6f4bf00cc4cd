package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// PreflightResult is one authorization-URL probe.
type PreflightResult struct {
	RedirectURI string
	Status      int
	Detail      string // Dexcom's words when it refused, cleaned
	Err         error
}

// OK reports whether Dexcom's login page accepted the app and redirect URI.
func (r PreflightResult) OK() bool { return r.Err == nil && r.Status == http.StatusOK }

// Preflight snapshots what a preflight needs and returns the probe, which
// may run in the background: Dexcom's login leads to a login page (200,
// after its redirects) when the client ID and each redirect URI are
// registered, and refuses (400, an error page or an error redirect) when
// not.
func (s *Session) Preflight(redirects ...string) func() []PreflightResult {
	ep, err := s.Endpoints(s.Progress.Env)
	clientID := s.App().ClientID
	hc := s.HTTPClient(20 * time.Second)
	return func() []PreflightResult {
		var out []PreflightResult
		for _, r := range redirects {
			res := PreflightResult{RedirectURI: r, Err: err}
			if err == nil {
				res.Status, res.Detail, res.Err = probe(hc, ep, clientID, r)
			}
			out = append(out, res)
		}
		return out
	}
}

// PreflightPassed reports whether every result is a 200.
func PreflightPassed(rs []PreflightResult) bool {
	ok := len(rs) > 0
	for _, r := range rs {
		ok = ok && r.OK()
	}
	return ok
}

// SettleRedirect records step 5: done when its URLs are ticked as
// registered and the preflight accepted every one of them.
func (s *Session) SettleRedirect(rs []PreflightResult) {
	ok := len(rs) == len(s.RedirectURLs()) && PreflightPassed(rs)
	s.settle(onboarding.ConfigureRedirect, ok && onboarding.AllTicked(s.Progress, onboarding.ConfigureRedirect))
}

// probe opens Dexcom's login for clientID and redirect as a browser would
// (dexcom.ProbeLogin: redirects to Dexcom's own hosts followed, bounded)
// and reports the status where it ended: 200 for a login page, else the
// refusal's status and Dexcom's words.
func probe(hc *http.Client, ep dexcom.Endpoints, clientID, redirect string) (int, string, error) {
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {dexcom.Scope}, "state": {"preflight"}}
	login := dexcom.JoinURL(ep.BaseURL, string(ep.OAuth)+"/oauth2/login", q.Encode()) // net/url, never "?"+query
	page, err := dexcom.ProbeLogin(context.Background(), hc, login)
	var refused *dexcom.LoginRefusal
	switch {
	case errors.As(err, &refused):
		return refused.Status, refused.Error(), nil
	case err != nil:
		return 0, "", fmt.Errorf("could not reach %s: %w", ep.BaseURL, err)
	}
	return page.Status, "", nil
}
