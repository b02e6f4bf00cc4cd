package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// tokenError answers like Dexcom's token endpoint: {"error": "..."}.
func tokenError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the form could not be read")
		return
	}
	f := r.PostForm
	id, sec := f.Get("client_id"), f.Get("client_secret")
	if bid, bsec, ok := r.BasicAuth(); ok && id == "" {
		id, sec = bid, bsec
	}
	s.mu.Lock()
	app, known := s.apps[id]
	s.mu.Unlock()
	if !known || subtle.ConstantTimeCompare([]byte(sec), []byte(app.ClientSecret)) != 1 {
		tokenError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong client secret")
		return
	}
	switch f.Get("grant_type") {
	case "authorization_code":
		s.exchangeCode(w, app, f.Get("code"), f.Get("redirect_uri"))
	case "refresh_token":
		s.refreshToken(w, app, f.Get("refresh_token"))
	case "":
		tokenError(w, http.StatusBadRequest, "invalid_request", "grant_type is missing")
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
}

func (s *Server) exchangeCode(w http.ResponseWriter, app App, code, redirectURI string) {
	if code == "" {
		tokenError(w, http.StatusBadRequest, "invalid_request", "code is missing")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.codes[code]
	switch {
	case !ok || g.clientID != app.ClientID:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "unknown authorization code")
	case g.used:
		delete(s.codes, code)
		tokenError(w, http.StatusBadRequest, "invalid_grant", "authorization code was already used")
	case s.cfg.Now().After(g.expires):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "authorization code expired")
	case g.redirectURI != redirectURI:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
	default:
		g.used = true
		s.stats.TokenExchange++
		s.issueLocked(w, *g)
	}
}

func (s *Server) refreshToken(w http.ResponseWriter, app App, rt string) {
	if rt == "" {
		tokenError(w, http.StatusBadRequest, "invalid_request", "refresh_token is missing")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.refresh[rt]
	if !ok || g.clientID != app.ClientID {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "refresh token is invalid or was already used")
		return
	}
	delete(s.refresh, rt) // rotation: each refresh token works once
	s.stats.TokenRefresh++
	s.issueLocked(w, *g)
}

// issueLocked writes a new access and refresh token; s.mu is held.
func (s *Server) issueLocked(w http.ResponseWriter, g grant) {
	at, rt := opaqueToken(), opaqueToken()
	ag := g
	ag.expires = s.cfg.Now().Add(s.cfg.TokenTTL)
	s.access[at] = &ag
	rg := g
	s.refresh[rt] = &rg
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":       at,
		"expires_in":         int(s.cfg.TokenTTL.Seconds()),
		"token_type":         "Bearer",
		"refresh_token":      rt,
		"refresh_expires_in": 0,
		"not-before-policy":  0,
		"session_state":      randomUUID(),
		"scope":              "offline_access",
	})
}

func opaqueToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// bearer finds the grant behind the request's access token.
func (s *Server) bearer(r *http.Request) (*grant, string) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return nil, "missing bearer token"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.access[tok]
	if !ok {
		return nil, "invalid access token"
	}
	if s.cfg.Now().After(g.expires) {
		return nil, "access token expired"
	}
	return g, ""
}

func (s *Server) revoke(r *http.Request) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	delete(s.access, tok)
	s.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
