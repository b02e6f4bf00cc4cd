package rooksim

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/rook"
)

// otherSources are data sources ROOK knows but this simulator does not
// enable for any client [I: the portal's list is longer].
var otherSources = []string{"Oura", "Garmin", "Fitbit", "Polar", "Withings", "Whoop"}

// stateTTL bounds how long an authorization link works [I].
const stateTTL = 15 * time.Minute

func (s *Server) authorizer(w http.ResponseWriter, r *http.Request, c Client) {
	userID, source := r.PathValue("user"), r.PathValue("source")
	if !strings.EqualFold(source, rook.Dexcom) {
		for _, o := range otherSources {
			if strings.EqualFold(o, source) {
				rookError(w, r, http.StatusUnprocessableEntity, "Data source "+o+" is not enabled for this client")
				return
			}
		}
		rookError(w, r, http.StatusUnprocessableEntity, "Unknown data source")
		return
	}
	if s.Faults().DexcomDisabled || c.DexcomClientID == "" { // no app handed over yet: not enabled either
		rookError(w, r, http.StatusUnprocessableEntity, "Data source Dexcom is not enabled for this client")
		return
	}
	redirect := r.URL.Query().Get("redirect_url")
	if redirect != "" {
		if problem := s.checkRedirectURL(redirect); problem != "" {
			rookError(w, r, http.StatusUnprocessableEntity, problem)
			return
		}
	}
	s.mu.Lock()
	u := s.userLocked(c.UUID, userID) // ROOK creates a user on first contact [I]
	if u.connected {
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"authorized": true, "authorization_url": nil})
		return
	}
	held := s.heldLocked(c)
	now := s.cfg.Now()
	for k, p := range s.pending { // forget links nobody followed
		if now.After(p.expires) {
			delete(s.pending, k)
		}
	}
	state := randomToken()
	s.pending[state] = pending{client: c.UUID, userID: userID, redirectURL: redirect, expires: now.Add(stateTTL)}
	redirectURL, loginBase := s.base+s.callbackPathLocked(), s.loginBaseLocked()
	s.mu.Unlock()
	q := url.Values{"client_id": {held.DexcomClientID}, "redirect_uri": {redirectURL},
		"response_type": {"code"}, "scope": {dexcom.Scope}, "state": {state}}
	login := strings.TrimRight(loginBase, "/") + "/v2/oauth2/login?" + q.Encode()
	writeJSON(w, http.StatusOK, map[string]any{"authorized": false, "authorization_url": login})
}

// userLocked finds or makes a user; s.mu is held.
func (s *Server) userLocked(client, id string) *user {
	k := userKey(client, id)
	u, ok := s.users[k]
	if !ok {
		u = &user{id: id, client: client}
		s.users[k] = u
	}
	return u
}

// known finds a user; false when ROOK has never seen it.
func (s *Server) known(client, id string) (*user, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userKey(client, id)]
	return u, ok
}

// checkRedirectURL applies ROOK's OpenAPI rule for redirect_url
// (^https://.+, at most 50 characters), or with Config.LenientRedirectURL
// any absolute http(s) URL.
func (s *Server) checkRedirectURL(redirect string) string {
	u, err := url.Parse(redirect)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "redirect_url must be an absolute URL"
	}
	if s.cfg.LenientRedirectURL {
		return ""
	}
	if !redirectPattern().MatchString(redirect) || utf8.RuneCountInString(redirect) > rook.MaxRedirectURL {
		return fmt.Sprintf("redirect_url: string does not match pattern '^https://.+' or is longer than %d characters", rook.MaxRedirectURL)
	}
	return ""
}

var redirectPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^https://.+`) })

// unknownUser answers for a user ROOK has never seen. What ROOK answers is
// not documented [I]; by default as for a user with nothing connected (the
// caller says how), with Config.UnknownUser404 a 404.
func (s *Server) unknownUser(w http.ResponseWriter, r *http.Request, asNothing func()) {
	if s.cfg.UnknownUser404 {
		rookError(w, r, http.StatusNotFound, "User not found")
		return
	}
	asNothing()
}

func (s *Server) connected(u *user) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return u.connected
}

// authorizedV2 serves the flag as `status`, as ROOK's changelog shows the
// v2 list, or with Config.AuthorizedField as `authorized`, as SDKs read it.
func (s *Server) authorizedV2(w http.ResponseWriter, r *http.Request, c Client) {
	id := r.PathValue("user")
	connected := false
	if u, ok := s.known(c.UUID, id); ok {
		connected = s.connected(u)
	} else if s.cfg.UnknownUser404 {
		s.unknownUser(w, r, nil)
		return
	}
	field := "status"
	if s.cfg.AuthorizedField {
		field = "authorized"
	}
	sources := []map[string]any{{"data_source": rook.Dexcom, field: connected, "image": "https://example.invalid/dexcom.png"}}
	for _, o := range otherSources {
		sources = append(sources, map[string]any{"data_source": o, field: false, "image": nil})
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "data_sources": sources})
}

func (s *Server) authorizedV1(w http.ResponseWriter, r *http.Request, c Client) {
	id := r.PathValue("user")
	connected := false
	if u, ok := s.known(c.UUID, id); ok {
		connected = s.connected(u)
	} else if s.cfg.UnknownUser404 {
		s.unknownUser(w, r, nil)
		return
	}
	sources := map[string]bool{"dexcom": connected}
	for _, o := range otherSources {
		sources[strings.ToLower(o)] = false
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "sources": sources})
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request, c Client) {
	var body struct {
		DataSource string `json:"data_source"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil || body.DataSource == "" {
		rookError(w, r, http.StatusBadRequest, "data_source is required")
		return
	}
	if !strings.EqualFold(body.DataSource, rook.Dexcom) {
		rookError(w, r, http.StatusUnprocessableEntity, "data_source: Must be one of: "+strings.Join(append([]string{rook.Dexcom}, otherSources...), ", "))
		return
	}
	u, ok := s.known(c.UUID, r.PathValue("user"))
	if !ok {
		s.unknownUser(w, r, func() { writeJSON(w, http.StatusOK, map[string]string{"message": "Authorization revoked"}) })
		return
	}
	s.mu.Lock()
	u.connected, u.dexcom = false, nil
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"message": "Authorization revoked"})
}

func (s *Server) bloodGlucose(w http.ResponseWriter, r *http.Request, c Client) {
	q := r.URL.Query()
	day, err := time.Parse(rook.DateLayout, q.Get("date"))
	if err != nil || day.Format(rook.DateLayout) != q.Get("date") {
		rookError(w, r, http.StatusBadRequest, "date must be YYYY-MM-DD")
		return
	}
	u, ok := s.known(c.UUID, q.Get("user_id"))
	if !ok {
		s.unknownUser(w, r, func() { w.WriteHeader(http.StatusNoContent) })
		return
	}
	s.mu.Lock()
	s.pulls++
	early := s.pulls <= s.live.faults.NoDataPolls
	dc := u.dexcom
	s.mu.Unlock()
	if early || dc == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	doc, n, err := s.document(r.Context(), c, u.id, dc, day)
	if err != nil {
		rookError(w, r, http.StatusBadGateway, "Could not read the data source: "+err.Error())
		return
	}
	if n == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// document fetches the user's EGVs for one UTC day from Dexcom, over HTTP
// with the token ROOK holds, and builds the ROOK document from them.
func (s *Server) document(ctx context.Context, c Client, userID string, dc *dexcom.Client, day time.Time) (rook.Document, int, error) {
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	egvs, err := dc.EGVs(ctx, start, start.Add(24*time.Hour))
	if err != nil {
		return rook.Document{}, 0, err
	}
	samples := s.differ(rook.SamplesFromEGVs(egvs.Records))
	return rook.NewDocument(c.UUID, userID, start, samples), len(samples), nil
}

// differ applies the data faults: readings left out, values changed.
func (s *Server) differ(samples []rook.Sample) []rook.Sample {
	f := s.Faults()
	if f.DropEvery <= 0 && f.ChangeEvery <= 0 {
		return samples
	}
	out := samples[:0:0]
	for i, smp := range samples {
		n := i + 1
		if f.DropEvery > 0 && n%f.DropEvery == 0 {
			continue
		}
		if f.ChangeEvery > 0 && n%f.ChangeEvery == 0 {
			smp.MgDL += 25
		}
		out = append(out, smp)
	}
	return out
}

func randomToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
