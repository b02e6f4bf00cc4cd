package rooksim

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
	"golang.org/x/oauth2"
)

// callback is ROOK's Redirect URL: Dexcom sends the user's browser here
// with a code. ROOK checks state first, exchanges the code at Dexcom with
// the credentials it holds, marks the user connected and sends the browser
// on to the authorizer's redirect_url; on failure with error and
// error_description added to it [I: ROOK's own parameters are not
// documented], or an error page when there is no redirect_url.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	p, ok := s.pending[q.Get("state")]
	if ok {
		delete(s.pending, q.Get("state")) // a state works once
	}
	s.mu.Unlock()
	if q.Get("state") == "" || !ok || s.cfg.Now().After(p.expires) {
		page(w, http.StatusBadRequest, pageData{Title: "Connection failed",
			Message: "This link is unknown or expired (state does not match a connection under way). Start the connection again."})
		return
	}
	if e := q.Get("error"); e != "" {
		s.fail(w, p, safetext.Line(e), "Dexcom answered "+safetext.Line(e)+" "+safetext.Line(q.Get("error_description")))
		return
	}
	code := q.Get("code")
	if code == "" {
		s.fail(w, p, "missing_code", "Dexcom's answer carried no authorization code")
		return
	}
	s.mu.Lock()
	c, known := s.clients[p.client]
	held := s.heldLocked(c)
	base := s.base
	s.mu.Unlock()
	if !known {
		s.fail(w, p, "unknown_client", "the ROOK client is no longer configured")
		return
	}
	dc, err := s.exchange(r.Context(), held, base+r.URL.Path, code) // the Redirect URL the login carried
	if err != nil {
		why := "Dexcom refused the code exchange with the credentials ROOK holds: " + err.Error()
		switch s.cfg.ExchangeFailure {
		case RelayOAuthCode:
			s.fail(w, p, oauthCode(err), why)
		case Silent:
			s.failSilently(w, p, why)
		default:
			s.fail(w, p, "token_exchange_failed", why)
		}
		return
	}
	s.mu.Lock()
	u := s.userLocked(p.client, p.userID)
	u.connected, u.dexcom, u.lastError = true, dc, ""
	s.mu.Unlock()
	if c.WebhookURL != "" {
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			s.push(c, p.userID, dc)
		}()
	}
	if p.redirectURL == "" {
		// ROOK's own page: where the browser ends without the Callback URL add-on.
		page(w, http.StatusOK, pageData{Title: "Dexcom connected", Message: "ROOK can now read this user's Dexcom data. You can close this tab.", Done: true})
		return
	}
	http.Redirect(w, r, p.redirectURL, http.StatusFound)
}

// exchange trades code for tokens at Dexcom's token endpoint and returns a
// Dexcom client that ROOK keeps for the user.
func (s *Server) exchange(ctx context.Context, held Client, redirect, code string) (*dexcom.Client, error) {
	ep, err := dexcom.NewEndpoints(dexcom.Custom, s.cfg.DexcomBaseURL, dexcom.OAuthV2)
	if err != nil {
		return nil, err
	}
	cfg := dexcom.OAuthConfig(ep, dexcom.App{ClientID: held.DexcomClientID, ClientSecret: secret.New(held.DexcomClientSecret), RedirectURI: redirect})
	tok, err := cfg.Exchange(dexcom.NewHTTPClientContext(ctx, s.cfg.HTTP), code)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, errors.New(safetext.Line(re.ErrorCode + " " + re.ErrorDescription))
		}
		return nil, errors.New(safetext.Line(err.Error()))
	}
	// The token source outlives this request: ROOK refreshes on its own.
	ts := dexcom.NewTokenSource(dexcom.NewHTTPClientContext(s.ctx, s.cfg.HTTP), cfg, tok, nil)
	return dexcom.NewClient(ep, ts, dexcom.WithHTTPClient(s.cfg.HTTP)), nil
}

// fail records why a connection failed and tells the browser.
func (s *Server) fail(w http.ResponseWriter, p pending, code, why string) {
	s.mu.Lock()
	s.userLocked(p.client, p.userID).lastError = why
	s.mu.Unlock()
	if p.redirectURL == "" { // ROOK's own page [I: its wording is not documented]
		page(w, http.StatusBadGateway, pageData{Title: "Connection failed", Message: code + ": " + why})
		return
	}
	u, err := url.Parse(p.redirectURL)
	if err != nil {
		page(w, http.StatusBadGateway, pageData{Title: "Connection failed", Message: why})
		return
	}
	q := u.Query()
	q.Set("error", code)
	q.Set("error_description", why)
	q.Set("data_source", rook.Dexcom)
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// failSilently records why, then sends the browser on with nothing added
// (or shows a page that names no cause).
func (s *Server) failSilently(w http.ResponseWriter, p pending, why string) {
	s.mu.Lock()
	s.userLocked(p.client, p.userID).lastError = why
	s.mu.Unlock()
	if p.redirectURL == "" {
		page(w, http.StatusOK, pageData{Title: "Something went wrong", Message: "Please try again later."})
		return
	}
	w.Header().Set("Location", p.redirectURL)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// oauthCode is the OAuth error code at the start of an exchange error
// ("invalid_client unknown client…"), else invalid_grant.
func oauthCode(err error) string {
	code, _, _ := strings.Cut(err.Error(), " ")
	if code == "" || strings.ContainsAny(code, ":/") {
		return "invalid_grant"
	}
	return code
}

// LastError is why the user's latest connection failed ("" when it did not).
func (s *Server) LastError(client, userID string) string {
	u, ok := s.known(client, userID)
	if !ok {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return u.lastError
}

type pageData struct {
	Title, Message string
	Done           bool // the connection is made (the page carries #done)
}

func page(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = resultPage().Execute(w, d)
}

// resultPage is parsed on first use, not in every process's init.
var resultPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("result").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ROOK · {{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:520px;margin:48px auto;color:#1d2430}
h1{font-size:22px} .msg{border-left:4px solid #5b4de0;padding:10px 14px;background:#f4f3fd}</style></head>
<body><h1 id="title">{{.Title}}</h1>{{if .Done}}<p id="done">Connected</p>{{end}}<p class="msg" id="message">{{.Message}}</p>
<small>ROOK sandbox · simulated by dexonboard</small></body></html>
`))
})
