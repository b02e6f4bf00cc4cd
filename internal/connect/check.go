package connect

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"golang.org/x/oauth2"
)

// Check connects an app (reusing a saved login when it still works) and
// verifies the connection.
type Check struct {
	Endpoints dexcom.Endpoints
	Env       dexcom.Environment
	App       dexcom.App
	Days      int
	Now       func() time.Time
	HTTP      *http.Client
	Retry     *dexcom.Retry

	Saved  *oauth2.Token             // a login saved earlier, or nil
	Save   func(*oauth2.Token) error // persists every new token (may be nil)
	Forget func() error              // drops a saved login that was refused
	// Hold, when set, is called before each refresh of the verified
	// client's token, after the check too (see dexcom.TokenSource.Hold).
	Hold  func() (release func(), err error)
	Login Login // how to log in when needed
}

// Outcome is what a check found.
type Outcome struct {
	Reused bool // the saved login was used; nobody had to log in
	*Verification
}

// Run logs in if needed and verifies. A login failure is returned as the
// error; API failures are in the outcome's Verification.
func (c *Check) Run(ctx context.Context) (*Outcome, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	if c.Saved != nil && c.Saved.RefreshToken != "" {
		out := &Outcome{Reused: true, Verification: c.verify(ctx, c.Saved, now())}
		if !errors.Is(out.Err, dexcom.ErrLoginExpired) {
			return out, nil
		}
		if c.Forget != nil {
			if err := c.Forget(); err != nil {
				return nil, err
			}
		}
	}
	l := c.Login
	l.Endpoints, l.Env, l.App, l.HTTP = c.Endpoints, c.Env, c.App, c.HTTP
	tok, err := l.Run(ctx)
	if err != nil {
		return nil, err
	}
	if c.Save != nil {
		if err := c.Save(tok); err != nil {
			return nil, err
		}
	}
	return &Outcome{Verification: c.verify(ctx, tok, now())}, nil
}

func (c *Check) verify(ctx context.Context, tok *oauth2.Token, now time.Time) *Verification {
	c.Login.stage(StageVerifying, "")
	ctx = dexcom.NewHTTPClientContext(ctx, c.HTTP)
	// Refreshes are not cancelled with ctx: Dexcom rotates refresh tokens,
	// so a refreshed token must reach Save (the client's timeout bounds it).
	src := dexcom.NewTokenSource(context.WithoutCancel(ctx), dexcom.OAuthConfig(c.Endpoints, c.App), tok, c.Save)
	if c.Hold != nil {
		src.Hold(c.Hold)
	}
	opts := []dexcom.Option{}
	if c.HTTP != nil {
		opts = append(opts, dexcom.WithHTTPClient(c.HTTP))
	}
	if c.Retry != nil {
		opts = append(opts, dexcom.WithRetry(*c.Retry))
	}
	return Verify(ctx, c.Env, dexcom.NewClient(c.Endpoints, src, opts...), c.Days, now)
}
