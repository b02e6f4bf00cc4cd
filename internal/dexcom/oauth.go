package dexcom

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/secret"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
)

// Scope is the only scope Dexcom accepts.
const Scope = "offline_access"

// App is a Dexcom developer application's credentials.
type App struct {
	ClientID     string
	ClientSecret secret.String
	RedirectURI  string
}

// OAuthConfig builds the authorization-code config for app on ep. Dexcom
// wants the client credentials in the form body.
func OAuthConfig(ep Endpoints, app App) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     app.ClientID,
		ClientSecret: app.ClientSecret.Reveal(),
		RedirectURL:  app.RedirectURI,
		Scopes:       []string{Scope},
		Endpoint: oauth2.Endpoint{
			AuthURL:   ep.AuthURL(),
			TokenURL:  ep.TokenURL(),
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// ErrLoginExpired means the refresh token was refused: the user must log in again.
var ErrLoginExpired = errors.New("the saved login was refused (refresh token invalid or expired): log the test user in again")

// TokenSaver persists a new token. It is called before the token is used,
// because Dexcom's refresh tokens rotate: losing the newest one loses the login.
type TokenSaver func(*oauth2.Token) error

// TokenSource refreshes tokens, keeps the newest refresh token and hands each
// new token to a saver. Refreshes are shared: callers that need one at the
// same time (parallel windows that all got 401) wait for a single refresh,
// because Dexcom rotates refresh tokens and a second refresh would spend the
// new one.
type TokenSource struct {
	ctx     context.Context
	cfg     *oauth2.Config
	save    TokenSaver
	hold    func() (release func(), err error)
	now     func() time.Time
	flights singleflight.Group

	mu  sync.Mutex
	tok *oauth2.Token
}

// NewTokenSource starts from tok (which may be expired). ctx carries the HTTP
// client used for refreshes (oauth2.HTTPClient).
func NewTokenSource(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token, save TokenSaver) *TokenSource {
	return &TokenSource{ctx: ctx, cfg: cfg, tok: tok, save: save, now: time.Now}
}

// Hold is called before each refresh and its release after the new token
// is saved: the owner of the saver (a session) waits for it before closing
// its store, or refuses the refresh (err) when it is closing already.
func (s *TokenSource) Hold(hold func() (release func(), err error)) { s.hold = hold }

// Token returns a valid access token, refreshing when needed.
func (s *TokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	tok := s.tok
	s.mu.Unlock()
	if s.usable(tok) {
		return tok, nil
	}
	v, err, _ := s.flights.Do("refresh", s.refresh)
	if err != nil {
		return nil, err
	}
	return v.(*oauth2.Token), nil
}

func (s *TokenSource) usable(t *oauth2.Token) bool {
	return t != nil && t.AccessToken != "" && (t.Expiry.IsZero() || t.Expiry.After(s.now().Add(30*time.Second)))
}

// refresh runs once per flight. A caller that joins after another flight
// already replaced the token gets that token without a new refresh.
func (s *TokenSource) refresh() (any, error) {
	s.mu.Lock()
	old := s.tok
	s.mu.Unlock()
	if s.usable(old) {
		return old, nil
	}
	if old == nil || old.RefreshToken == "" {
		return nil, ErrLoginExpired
	}
	if s.hold != nil {
		release, err := s.hold()
		if err != nil {
			return nil, fmt.Errorf("refresh token: %w", err)
		}
		defer release()
	}
	fresh, err := s.cfg.TokenSource(s.ctx, &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || (re.Response != nil && re.Response.StatusCode == 401)) {
			return nil, fmt.Errorf("%w (%s)", ErrLoginExpired, re.ErrorCode)
		}
		return nil, fmt.Errorf("refresh token: %w", err)
	}
	if fresh.RefreshToken == "" {
		fresh.RefreshToken = old.RefreshToken
	}
	if s.save != nil {
		if err := s.save(fresh); err != nil {
			return nil, fmt.Errorf("save refreshed token: %w", err)
		}
	}
	s.mu.Lock()
	s.tok = fresh
	s.mu.Unlock()
	return fresh, nil
}

// Rejected reports that the API refused the access token rejected (a 401).
// Only if it is still the current token is it invalidated: when another
// caller already refreshed, the new token stands and no second refresh runs.
func (s *TokenSource) Rejected(rejected string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && s.tok.AccessToken == rejected {
		t := *s.tok
		t.AccessToken = ""
		s.tok = &t
	}
}

// Current is the newest token held, without refreshing.
func (s *TokenSource) Current() *oauth2.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok
}
