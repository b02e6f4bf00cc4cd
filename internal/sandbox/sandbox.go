// Package sandbox simulates the Dexcom sandbox API in process: the OAuth
// login page and token endpoint, and every v3 data endpoint, with generated,
// deterministic data for SandboxUser1 … SandboxUser7. Tests start it with
// httptest; `dexonboard sandbox serve` serves it for people.
package sandbox

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/httpretry"
)

// App is a registered developer application.
type App struct {
	Name         string
	ClientID     string
	ClientSecret string // a fake, made for the simulator
	RedirectURIs []string
}

// The built-in demo app. Its secret is not a real Dexcom secret.
const (
	DemoClientID     = "dexonboard-demo-app"
	DemoClientSecret = "demo-secret-7f3c9a1e5b2d4f60"
	DemoRedirectURI  = "http://localhost:8765/callback"
)

// The demo's production app: another Client ID, so the production track of
// the demo is a second app as it is at Dexcom.
const (
	DemoProductionClientID     = "dexonboard-demo-production-app"
	DemoProductionClientSecret = "demo-secret-production-2b8e61d04c93a7f5"
)

// DemoProductionApp is the demo's production app, registered for redirectURIs.
func DemoProductionApp(redirectURIs ...string) App {
	return App{Name: "dexonboard demo (production)", ClientID: DemoProductionClientID, ClientSecret: DemoProductionClientSecret, RedirectURIs: redirectURIs}
}

// DemoApp is the built-in demo app, registered for redirectURIs (the default
// loopback URIs when none are given).
func DemoApp(redirectURIs ...string) App {
	if len(redirectURIs) == 0 {
		redirectURIs = []string{DemoRedirectURI, "http://127.0.0.1:8765/callback"}
	}
	return App{Name: "dexonboard demo", ClientID: DemoClientID, ClientSecret: DemoClientSecret, RedirectURIs: redirectURIs}
}

// Faults makes the simulator misbehave like a busy or broken API, on data
// endpoints only. Shares are probabilities from 0 to 1.
type Faults struct {
	RateLimit    float64       // answer 429
	RetryAfter   time.Duration // Retry-After sent with 429 (0: none, the client backs off itself)
	ServerErrors float64       // answer 503
	ExpireTokens float64       // revoke the access token and answer 401
	Latency      time.Duration // added before every answer
}

// Config sets up a simulator. The zero value serves the demo app with seed 1.
type Config struct {
	Seed        uint64
	Apps        []App
	Now         func() time.Time
	History     time.Duration // how far back data goes (default 100 days)
	UploadDelay time.Duration // how far behind "now" the newest reading is
	TokenTTL    time.Duration // access token lifetime (default 7200 s, as Dexcom)
	CodeTTL     time.Duration // authorization code lifetime (default 5 minutes)
	MaxWindow   time.Duration // longest startDate–endDate span (default 30 days)
	// LenientDates accepts startDate/endDate with a zone or fractions. The real
	// API is reported to refuse them; that is not confirmed, so it is a switch.
	LenientDates bool
	// Quirks serves valid but unusual answers (see quirks.go): fractional
	// and mmol/L values, a malformed record and an unreadable time each day,
	// updated and deleted events, a numeric event value, mmol/L alert
	// settings. Off, the answers are as documented.
	Quirks bool
	// HostileText gives one reading an hour a recordId and a status that a
	// spreadsheet would run as a formula (see hostile.go). Off by default:
	// Dexcom sends ids and statuses of its own.
	HostileText bool
	// LoginInPlace shows the login form at /v2/oauth2/login itself (200).
	// Off (the default), that URL redirects (302) to a separate identity
	// page, as Dexcom's sign-in on its identity hosts most likely does
	// (reference §2: not documented either way).
	LoginInPlace bool
	Faults       Faults
}

// Server is the simulator. It is safe for concurrent use.
type Server struct {
	cfg Config
	mux *http.ServeMux

	mu      sync.Mutex
	rng     *rand.Rand
	apps    map[string]App
	codes   map[string]*grant
	access  map[string]*grant
	refresh map[string]*grant
	forced  []int // statuses to answer the next data calls with
	flying  int   // data calls being answered
	stats   Stats
}

// Stats counts what the simulator was asked, for tests and the demo.
type Stats struct {
	DataCalls     int
	TokenExchange int
	TokenRefresh  int
	Faults        int
	MaxWindowSeen time.Duration
	MaxInFlight   int // most data calls answered at the same time
}

// grant is what a code or token stands for.
type grant struct {
	clientID    string
	user        User
	redirectURI string
	expires     time.Time
	used        bool
}

// New makes a simulator.
func New(cfg Config) *Server {
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if len(cfg.Apps) == 0 {
		cfg.Apps = []App{DemoApp()}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.History == 0 {
		cfg.History = 100 * 24 * time.Hour
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 7200 * time.Second
	}
	if cfg.CodeTTL == 0 {
		cfg.CodeTTL = 5 * time.Minute
	}
	if cfg.MaxWindow == 0 {
		cfg.MaxWindow = dexcom.MaxWindow
	}
	s := &Server{
		cfg:     cfg,
		mux:     http.NewServeMux(),
		rng:     rand.New(rand.NewPCG(cfg.Seed, 0x5eed)),
		apps:    map[string]App{},
		codes:   map[string]*grant{},
		access:  map[string]*grant{},
		refresh: map[string]*grant{},
	}
	for _, a := range cfg.Apps {
		s.apps[a.ClientID] = a
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	for _, v := range []string{"v2", "v3"} {
		s.mux.HandleFunc("GET /"+v+"/oauth2/login", s.handleLoginPage)
		s.mux.HandleFunc("POST /"+v+"/oauth2/login", s.handleLoginSubmit)
		s.mux.HandleFunc("POST /"+v+"/oauth2/token", s.handleToken)
	}
	s.mux.HandleFunc("GET "+IdentityLoginPath, s.handleIdentityPage)
	s.mux.HandleFunc("POST "+IdentityLoginPath, s.handleLoginSubmit)
	s.mux.HandleFunc("GET /v3/users/self/egvs", s.dataRoute(s.serveEGVs))
	s.mux.HandleFunc("GET /v3/users/self/calibrations", s.dataRoute(s.serveCalibrations))
	s.mux.HandleFunc("GET /v3/users/self/events", s.dataRoute(s.serveEvents))
	s.mux.HandleFunc("GET /v3/users/self/alerts", s.dataRoute(s.serveAlerts))
	s.mux.HandleFunc("GET /v3/users/self/devices", s.dataRoute(s.serveDevices))
	s.mux.HandleFunc("GET /v3/users/self/dataRange", s.dataRoute(s.serveDataRange))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found", "error_description": "no such endpoint: " + r.URL.Path})
	})
}

// ServeHTTP serves the simulated API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/v3/users/self/") {
		s.mu.Lock()
		s.flying++
		s.stats.MaxInFlight = max(s.stats.MaxInFlight, s.flying)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.flying--
			s.mu.Unlock()
		}()
	}
	if d := s.cfg.Faults.Latency; d > 0 && httpretry.Sleep(r.Context(), d) != nil {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// RegisterApp adds or replaces an app (the demo registers its free port).
func (s *Server) RegisterApp(a App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[a.ClientID] = a
}

// FailNext makes the next data calls answer these statuses, in order, before
// the configured shares apply. Tests use it for exact fault sequences.
func (s *Server) FailNext(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forced = append(s.forced, statuses...)
}

// ExpireAccessTokens makes every access token issued so far expire now.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.access {
		g.expires = s.cfg.Now().Add(-time.Second)
	}
}

// RevokeRefreshTokens makes every refresh token issued so far invalid.
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.refresh)
}

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// UserID is the id the simulator gives user for the app clientID.
func UserID(clientID, user string) string { return userID(clientID, user) }

func sortByTime[T interface{ At() time.Time }](rs []T) {
	slices.SortStableFunc(rs, func(a, b T) int { return a.At().Compare(b.At()) })
}
