package rooksim

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

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
				writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Data source " + o + " is not enabled for this client"})
				return
			}
		}
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Unknown data source"})
		return
	}
	if s.cfg.Faults.DexcomDisabled || c.DexcomClientID == "" { // no app handed over yet: not enabled either
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Data source Dexcom is not enabled for this client"})
		return
	}
	redirect := r.URL.Query().Get("redirect_url")
	if redirect != "" {
		if u, err := url.Parse(redirect); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "redirect_url must be an absolute http(s) URL"})
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
	base := s.base
	s.mu.Unlock()
	q := url.Values{"client_id": {held.DexcomClientID}, "redirect_uri": {base + CallbackPath},
		"response_type": {"code"}, "scope": {dexcom.Scope}, "state": {state}}
	login := strings.TrimRight(s.cfg.DexcomBaseURL, "/") + "/v2/oauth2/login?" + q.Encode()
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

func unknownUser(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "User not found"})
}

func (s *Server) connected(u *user) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return u.connected
}

func (s *Server) authorizedV2(w http.ResponseWriter, r *http.Request, c Client) {
	u, ok := s.known(c.UUID, r.PathValue("user"))
	if !ok {
		unknownUser(w)
		return
	}
	sources := []map[string]any{{"data_source": rook.Dexcom, "authorized": s.connected(u), "image": "https://example.invalid/dexcom.png"}}
	for _, o := range otherSources {
		sources = append(sources, map[string]any{"data_source": o, "authorized": false, "image": nil})
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": u.id, "data_sources": sources})
}

func (s *Server) authorizedV1(w http.ResponseWriter, r *http.Request, c Client) {
	u, ok := s.known(c.UUID, r.PathValue("user"))
	if !ok {
		unknownUser(w)
		return
	}
	sources := map[string]bool{"dexcom": s.connected(u)}
	for _, o := range otherSources {
		sources[strings.ToLower(o)] = false
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": u.id, "sources": sources})
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request, c Client) {
	var body struct {
		DataSource string `json:"data_source"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil || body.DataSource == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "data_source is required"})
		return
	}
	u, ok := s.known(c.UUID, r.PathValue("user"))
	if !ok {
		unknownUser(w)
		return
	}
	if !strings.EqualFold(body.DataSource, rook.Dexcom) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Unknown data source"})
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
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "date must be YYYY-MM-DD"})
		return
	}
	u, ok := s.known(c.UUID, q.Get("user_id"))
	if !ok {
		unknownUser(w)
		return
	}
	s.mu.Lock()
	s.pulls++
	early := s.pulls <= s.cfg.Faults.NoDataPolls
	dc := u.dexcom
	s.mu.Unlock()
	if early || dc == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	doc, n, err := s.document(r.Context(), c, u.id, dc, day)
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]string{"message": "Could not read the data source: " + err.Error()})
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
	samples := rook.SamplesFromEGVs(egvs.Records)
	return rook.NewDocument(c.UUID, userID, start, samples), len(samples), nil
}

func randomToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
