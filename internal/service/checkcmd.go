package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

// NewSession is a session on an in-memory profile named name, at the track
// of env: what `check` runs on when its credentials come from flags.
func NewSession(name string, env dexcom.Environment) *Session {
	track := onboarding.SandboxTrack
	if env.IsProduction() {
		track = onboarding.ProductionTrack
	}
	return &Session{Profile: &onboarding.Profile{Name: name}, Progress: onboarding.NewProgress(track, env)}
}

// OnProfile is a session on the stored profile p of vault v, at the track
// of env. Use cases record on the stored profile, never write p back.
func OnProfile(v *vault.Vault, p *onboarding.Profile, env dexcom.Environment) *Session {
	s := NewSession(p.Name, env)
	s.Vault, s.Profile = v, p
	return s
}

// AppValues are an app's values given outside the steps (`check`'s flags
// and environment variables); an empty one leaves what the app holds.
type AppValues struct {
	ClientID, ClientSecret, RedirectURI            string
	ROOKRedirectURL, ROOKClientUUID, ROOKSecretKey string
	ROOKUserID, WebhookURL                         string
}

// Override sets the track's app's values from v, in memory only.
func (s *Session) Override(v AppValues) {
	a := s.App()
	set := func(dst *string, val string) {
		if val != "" {
			*dst = val
		}
	}
	set(&a.ClientID, v.ClientID)
	set(&a.RedirectURI, v.RedirectURI)
	set(&a.ROOKRedirectURL, v.ROOKRedirectURL)
	set(&a.ROOKUserID, v.ROOKUserID)
	set(&a.WebhookURL, v.WebhookURL)
	if v.ClientSecret != "" {
		a.ClientSecret = secret.New(v.ClientSecret)
	}
	// The ROOK key goes with its client UUID: a UUID given alone does not
	// borrow the stored key of another.
	if v.ROOKClientUUID != "" {
		a.ROOKClientUUID, a.ROOKSecretKey = v.ROOKClientUUID, secret.New(v.ROOKSecretKey)
	}
}

// CheckRun is what differs between the front ends running the direct
// check: how the login is opened, where its stages go, where the session
// may change.
type CheckRun struct {
	// Open shows the login URL (a browser, the screen, a test user's
	// automatic login).
	Open func(ctx context.Context, url string) error
	// Days of readings to fetch (0: 1); Timeout bounds the wait for the
	// login (0: LoginWait).
	Days    int
	Timeout time.Duration
	// Reuse starts from the saved login, when the vault holds one.
	Reuse   bool
	OnStage func(stage CheckStage, url string)
	// Apply runs a change to the session (recording the result on step 6
	// and the profile) where the front end owns it; nil applies it at once.
	Apply func(change func())
}

// CheckDirect is the direct check with Dexcom for the session's app (step
// 6 without ROOK): a login, or the saved login, then dataRange, devices,
// EGVs and events. With a vault, every token is saved as it arrives and
// the result is kept on the stored profile too. err is set when it could
// not start (ErrNoCredentials, the vault), or with the result when it
// could not be kept (ErrNotRecorded); failures are in the result.
func (s *Session) CheckDirect(ctx context.Context, run CheckRun) (*CheckResult, error) {
	plan, err := s.PlanCheckDirect(run)
	if err != nil {
		return nil, err
	}
	return plan(ctx)
}

// PlanCheckDirect builds the direct check from the session now, on the
// caller's goroutine (the wizard's Update), and returns it to run, which
// may go on in the background (see CheckDirect).
func (s *Session) PlanCheckDirect(run CheckRun) (func(context.Context) (*CheckResult, error), error) {
	c, err := s.CheckOf(run.Open)
	if err != nil {
		return nil, err
	}
	c.Days, c.ReuseLogin, c.OnStage = max(run.Days, 1), run.Reuse && s.Vault != nil, run.OnStage
	if run.Timeout > 0 {
		c.Timeout = run.Timeout
	}
	var id string
	if s.Profile != nil {
		id = s.Profile.ID
	}
	return func(ctx context.Context) (*CheckResult, error) { return s.checkDirect(ctx, c, run, id) }, nil
}

func (s *Session) checkDirect(ctx context.Context, c Check, run CheckRun, profileID string) (*CheckResult, error) {
	res, err := c.Run(ctx)
	if err != nil {
		return nil, err
	}
	apply := run.Apply
	if apply == nil {
		apply = func(change func()) { change() }
	}
	apply(func() { s.RecordCheck(res) })
	if c.Vault == nil {
		return res, nil
	}
	rec := Record(res.Report)
	if err := s.saves.add("profile/"+profileID, recordOn(c.Vault, profileID, rec))(); err != nil {
		return res, fmt.Errorf("%w: %w", ErrNotRecorded, err)
	}
	return res, nil
}

// LoginWait is how long a login waits for the browser.
func (s *Session) LoginWait() time.Duration {
	if s.LoginTimeout > 0 {
		return s.LoginTimeout
	}
	return connect.DefaultTimeout
}

// ErrNotRecorded means the check ran but its result could not be kept on
// the stored profile.
var ErrNotRecorded = errors.New("the check could not be recorded in the vault")

// CheckStage is a stage of the direct check's login.
type CheckStage = connect.Stage

// The direct check's stages, in the order they run.
const (
	StageListening  = connect.StageListening
	StageWaiting    = connect.StageWaiting
	StageExchanging = connect.StageExchanging
	StageVerifying  = connect.StageVerifying
)
