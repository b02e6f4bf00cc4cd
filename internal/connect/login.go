package connect

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/safetext"
	"golang.org/x/oauth2"
)

// DefaultTimeout is how long a login waits for the browser.
const DefaultTimeout = 5 * time.Minute

// NewState makes a fresh state for one attempt, bound to the profile's app on
// env: sandbox, US, EU and Japan are different authorization servers, so a
// state from one is never valid at another's callback.
func NewState(env dexcom.Environment) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return string(env) + "." + base64.RawURLEncoding.EncodeToString(b)
}

// Stage is a point of a login a person is told about.
type Stage int

// Login stages.
const (
	StageListening  Stage = iota // the callback server is up; the URL is ready
	StageWaiting                 // waiting for the browser
	StageExchanging              // exchanging the code for tokens
	StageVerifying               // calling the API
)

// Login runs one authorization-code login through a loopback callback server.
type Login struct {
	Endpoints dexcom.Endpoints
	Env       dexcom.Environment
	App       dexcom.App
	Timeout   time.Duration
	HTTP      *http.Client
	// Open shows the login URL to the person: opens a browser, prints it, or
	// (demo, tests) walks the login page itself. It runs in its own goroutine.
	Open func(ctx context.Context, loginURL string) error
	// OnStage, when set, is told each stage (for spinners).
	OnStage func(Stage, string)
}

func (l *Login) stage(s Stage, detail string) {
	if l.OnStage != nil {
		l.OnStage(s, detail)
	}
}

// Run listens, sends the person to Dexcom's login page, waits for the code
// and exchanges it. The callback server is gone when Run returns.
func (l *Login) Run(ctx context.Context) (*oauth2.Token, error) {
	state := NewState(l.Env)
	srv, err := Listen(l.App.RedirectURI, state)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	cfg := dexcom.OAuthConfig(l.Endpoints, l.App)
	cfg.RedirectURL = srv.RedirectURI()
	loginURL := cfg.AuthCodeURL(state)
	l.stage(StageListening, loginURL)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	openErr := make(chan error, 1)
	if l.Open != nil {
		go func() { openErr <- l.Open(ctx, loginURL) }()
	}
	l.stage(StageWaiting, loginURL)
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	code, err := waitOrOpenFailure(ctx, srv, timeout, openErr)
	if err != nil {
		return nil, err
	}
	l.stage(StageExchanging, "")
	// Not cancelled with ctx: a token the server issues must reach the
	// caller, who saves it (the HTTP client's timeout bounds the wait).
	tok, err := cfg.Exchange(dexcom.NewHTTPClientContext(context.WithoutCancel(ctx), l.HTTP), code)
	if err != nil {
		return nil, fmt.Errorf("exchange the code for tokens: %w", outsideText{explainTokenError(err)})
	}
	return tok, nil
}

// waitOrOpenFailure waits for the callback; an automated opener that fails
// (the demo's headless login) ends the wait at once with its reason.
func waitOrOpenFailure(ctx context.Context, srv *CallbackServer, timeout time.Duration, openErr <-chan error) (string, error) {
	type res struct {
		code string
		err  error
	}
	done := make(chan res, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		c, e := srv.Wait(wctx, timeout)
		done <- res{c, e}
	}()
	for {
		select {
		case r := <-done:
			return r.code, r.err
		case err := <-openErr:
			if err != nil && !errors.Is(err, ErrShowURLOnly) {
				// The callback's own verdict, if it came, says more.
				select {
				case r := <-done:
					if r.err != nil {
						return "", r.err
					}
					return r.code, nil
				case <-time.After(time.Second):
				}
				cancel()
				<-done
				return "", fmt.Errorf("login: %w", err)
			}
			openErr = nil
		}
	}
}

// outsideText is an error whose text holds an answer from outside (the
// token endpoint's body): it shows it as one clean, bounded line and keeps
// the error for errors.Is and errors.As.
type outsideText struct{ err error }

func (e outsideText) Error() string { return safetext.Cut(safetext.Line(e.err.Error()), maxReportText) }
func (e outsideText) Unwrap() error { return e.err }

// explainTokenError turns the token endpoint's answer into advice.
func explainTokenError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	switch re.ErrorCode {
	case "invalid_client":
		return fmt.Errorf("%w: Dexcom refused the client ID or secret; check them in the developer portal", err)
	case "invalid_grant":
		return fmt.Errorf("%w: the code was refused (used, expired or issued for another redirect URI); start the login again", err)
	}
	return err
}
