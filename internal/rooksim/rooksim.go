// Package rooksim simulates ROOK's sandbox API in process, beside the
// Dexcom simulator (internal/sandbox): Basic-auth API calls, the Dexcom
// authorizer, ROOK's Dexcom callback (which exchanges the code at Dexcom
// over HTTP with the credentials ROOK holds for the client), the
// blood_glucose_event pull built from Dexcom's EGVs, and pushes of those
// documents to the client's webhook. Facts and guesses follow
// ../shared/reference/rook-api.md; guesses are marked [I] in comments.
package rooksim

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/httpretry"
)

// Client is one ROOK client as ROOK holds it: its API credentials, the
// Dexcom app credentials it was handed (Step 4) and its data webhook.
type Client struct {
	UUID      string
	SecretKey string // a fake, made for the simulator
	// DexcomClientID and DexcomClientSecret are what ROOK holds for the
	// client's own Dexcom app (bring your own credentials).
	DexcomClientID     string
	DexcomClientSecret string
	// WebhookURL receives blood_glucose_event pushes after a connection;
	// empty: no pushes.
	WebhookURL string
	// HashKey is the client's secret hash key, which signs x-rook-hash.
	// ROOK derives it partly from the secret key [V]; how is not public, so
	// an empty one is derived from SecretKey here [I].
	HashKey string
}

// SecretHashKey is the key that signs the client's deliveries.
func (c Client) SecretHashKey() string {
	if c.HashKey != "" {
		return c.HashKey
	}
	return "hk-" + c.SecretKey
}

// The demo client. Its secret key is not a real ROOK secret.
const (
	DemoClientUUID = "4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13"
	DemoSecretKey  = "rook-demo-secret-3b9e61c04d2a"
	DemoUserID     = "dexonboard-test-user"
	DemoHashKey    = "rook-demo-hash-key-5c1f08e7a2b9"
)

// Faults make the simulator fail the way a misconfigured client or a busy
// ROOK does. Each is a switch of `dexonboard sandbox serve` too.
type Faults struct {
	WrongClientID bool // ROOK holds a Client ID one character off the client's
	WrongSecret   bool // ROOK holds a wrong Dexcom client secret
	// DexcomDisabled: Dexcom is not enabled for the client; the authorizer
	// answers 422 [I: status not documented].
	DexcomDisabled bool
	// RedirectNotRegistered is applied where both simulators are wired
	// together (StartStack, `sandbox serve`): ROOK's Redirect URL is left
	// out of the Dexcom app's registered redirect URIs.
	RedirectNotRegistered bool
	NoDataPolls           int           // the first N glucose pulls answer 204
	RateLimitOnce         bool          // the first API call answers 429
	ServerErrorOnce       bool          // the first (or second) API call answers 503
	RetryAfter            time.Duration // sent with the 429 (0: none)
	Latency               time.Duration // added before every answer
	// ROOK's data differs from Dexcom's: every DropEvery-th reading of a
	// day is left out, every ChangeEvery-th value is 25 mg/dL higher
	// (0: off). Pulls and pushes alike.
	DropEvery   int
	ChangeEvery int
	// DexcomHost, when set, is the Dexcom host the authorization URL sends
	// users to instead of the simulator's (e.g. https://api.dexcom.com:
	// ROOK set up with Dexcom production for a sandbox app).
	DexcomHost string
}

// ExchangeFailure is how ROOK tells the browser that the code exchange at
// Dexcom failed (a wrong Client Secret held by ROOK). Not documented [I]:
// one variant each.
type ExchangeFailure int

// The variants.
const (
	// RelayOwnCode sends error=token_exchange_failed (the simulator's own
	// code) to redirect_url, or shows it on ROOK's page.
	RelayOwnCode ExchangeFailure = iota
	// RelayOAuthCode passes on Dexcom's OAuth error (invalid_client).
	RelayOAuthCode
	// Silent sends the browser to redirect_url with nothing added, or
	// shows a page that names no cause.
	Silent
)

// Config sets up a simulator.
type Config struct {
	Clients []Client
	// DexcomBaseURL is the Dexcom host ROOK sends users to and exchanges
	// codes at (the Dexcom simulator's URL).
	DexcomBaseURL string
	// HTTP is ROOK's client for Dexcom and webhooks (default 30 s timeout).
	HTTP *http.Client
	Now  func() time.Time
	// PushDays is how many UTC days, ending today, are pushed after a
	// connection (default 2: yesterday and today).
	PushDays int
	Faults   Faults
	// LenientRedirectURL accepts any absolute http(s) redirect_url. Off (the
	// default), ROOK's OpenAPI rule holds: ^https://.+ and at most 50
	// characters, else 422.
	LenientRedirectURL bool
	// AuthorizedField serves the v2 authorized list's flag as `authorized`
	// (as SDKs read it) instead of `status` (as ROOK's changelog shows it).
	AuthorizedField bool
	// UnknownUser404 answers 404 for a user ROOK has never seen [I]; by
	// default the user has nothing connected (list all false, pull 204).
	UnknownUser404 bool
	// SignMetadataDatetime signs webhook deliveries with the event
	// metadata's datetime instead of the document's top-level datetime
	// (which one ROOK means is not spelled out).
	SignMetadataDatetime bool
	// ExchangeFailure picks how a failed code exchange is reported.
	ExchangeFailure ExchangeFailure
	// OnDelivery, when set, hears of every webhook delivery as it ends.
	OnDelivery func(Delivery)
}

// Server is the simulator. It is safe for concurrent use.
type Server struct {
	cfg  Config
	mux  *http.ServeMux
	ctx  context.Context
	stop context.CancelFunc
	bg   sync.WaitGroup

	mu         sync.Mutex
	base       string
	clients    map[string]Client
	users      map[string]*user // key: client uuid + "\x00" + user id
	pending    map[string]pending
	apiCalls   int
	pulls      int
	deliveries []Delivery
	live       live
}

// user is one end user of one client.
type user struct {
	id        string
	client    string
	connected bool
	dexcom    *dexcom.Client
	lastError string
}

// pending is an authorization under way, keyed by its state.
type pending struct {
	client, userID, redirectURL string
	expires                     time.Time
}

// DemoClient is the demo ROOK client, holding the demo Dexcom app.
func DemoClient(dexcomClientID, dexcomSecret string) Client {
	return Client{UUID: DemoClientUUID, SecretKey: DemoSecretKey, HashKey: DemoHashKey, DexcomClientID: dexcomClientID, DexcomClientSecret: dexcomSecret}
}

// New makes a simulator; Start serves it.
func New(cfg Config) *Server {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PushDays <= 0 {
		cfg.PushDays = 2
	}
	ctx, stop := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, mux: http.NewServeMux(), ctx: ctx, stop: stop,
		clients: map[string]Client{}, users: map[string]*user{}, pending: map[string]pending{}}
	s.live.faults = cfg.Faults
	for _, c := range cfg.Clients {
		s.clients[c.UUID] = c
	}
	s.routes()
	return s
}

// CallbackPath is where ROOK's Redirect URL points on the simulator [I: the
// real path is ROOK's own].
const CallbackPath = "/api/v1/oauth/dexcom/callback"

func (s *Server) routes() {
	s.mux.HandleFunc("GET /api/v1/user_id/{user}/data_source/{source}/authorizer", s.api(s.authorizer))
	s.mux.HandleFunc("GET /api/v2/user_id/{user}/data_sources/authorized", s.api(s.authorizedV2))
	s.mux.HandleFunc("GET /api/v1/user_id/{user}/data_sources/authorized", s.api(s.authorizedV1))
	s.mux.HandleFunc("POST /api/v1/user_id/{user}/data_sources/revoke_auth", s.api(s.revoke))
	s.mux.HandleFunc("GET /v2/processed_data/body_health/events/blood_glucose", s.api(s.bloodGlucose))
	s.mux.HandleFunc("GET "+CallbackPath, s.callback)
	s.mux.HandleFunc("GET "+AltCallbackPath, s.callback)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rookError(w, r, http.StatusNotFound, "The URL does not exist")
	})
}

// ServeHTTP serves the simulated API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d := s.Faults().Latency; d > 0 && httpretry.Sleep(r.Context(), d) != nil {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// SetBaseURL sets the URL people and Dexcom reach the simulator at; Start
// sets it.
func (s *Server) SetBaseURL(u string) {
	s.mu.Lock()
	s.base = u
	s.mu.Unlock()
}

// RedirectURL is ROOK's Redirect URL (Step 4): the one the client registers
// in its Dexcom app (Step 5).
func (s *Server) RedirectURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.base + s.callbackPathLocked()
}

// AddClient adds or replaces a client (the demo adds one from a hand-off).
func (s *Server) AddClient(c Client) {
	s.mu.Lock()
	s.clients[c.UUID] = c
	s.mu.Unlock()
}

// SetWebhookURL points client uuid's data webhook at u (the demo's local
// listener, known once it listens); "" stops pushes.
func (s *Server) SetWebhookURL(uuid, u string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[uuid]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownClient, uuid)
	}
	c.WebhookURL = u
	s.clients[uuid] = c
	return nil
}

// HeldClientID is the Dexcom Client ID ROOK holds for client uuid, after
// faults: what its authorization URLs carry.
func (s *Server) HeldClientID(uuid string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heldLocked(s.clients[uuid]).DexcomClientID
}

// heldLocked applies the credential faults to what ROOK holds.
func (s *Server) heldLocked(c Client) Client {
	if s.live.faults.WrongClientID {
		c.DexcomClientID = offByOne(c.DexcomClientID)
	}
	if s.live.faults.WrongSecret {
		c.DexcomClientSecret = offByOne(c.DexcomClientSecret)
	}
	return c
}

// offByOne changes one character, as a mistyped copy does.
func offByOne(s string) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'z' {
		b[i] = 'a'
	} else {
		b[i] = 'z'
	}
	return string(b)
}

// api checks faults and Basic auth, then serves.
func (s *Server) api(h func(http.ResponseWriter, *http.Request, Client)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.injectFault(w) {
			return
		}
		id, key, ok := r.BasicAuth()
		s.mu.Lock()
		c, known := s.clients[id]
		s.mu.Unlock()
		if !ok || !known || subtle.ConstantTimeCompare([]byte(key), []byte(c.SecretKey)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="ROOK"`)
			rookError(w, r, http.StatusUnauthorized, "Invalid client credentials")
			return
		}
		h(w, r, c)
	}
}

// injectFault answers the first API calls with the once-faults.
func (s *Server) injectFault(w http.ResponseWriter) bool {
	s.mu.Lock()
	f := s.live.faults
	s.apiCalls++
	n := s.apiCalls
	s.mu.Unlock()
	switch {
	case f.RateLimitOnce && n == 1:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter.Round(time.Second).Seconds())))
		}
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too Many Requests", "exception": "Too many requests"})
		return true
	case f.ServerErrorOnce && (n == 1 && !f.RateLimitOnce || n == 2 && f.RateLimitOnce):
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("<html><body><h1>503 Service Unavailable</h1></body></html>"))
		return true
	}
	return false
}

// rookError answers in ROOK's documented error shape (OpenAPI Unauth,
// WrongData, UrlNoExists): exception carries the reason.
func rookError(w http.ResponseWriter, r *http.Request, status int, exception string) {
	writeJSON(w, status, map[string]string{"error": http.StatusText(status), "exception": exception, "path": r.URL.Path, "method": r.Method})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func userKey(client, id string) string { return client + "\x00" + id }
