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

// CheckDirect is the direct check with Dexcom for the session's app (step
// 6 without ROOK): a login through open, or the saved login when reuse is
// set and one is stored, then dataRange, devices, EGVs and events. With a
// vault, every token is saved as it arrives and the result is recorded on
// the stored profile. onStage hears the login's stages. err is set only
// when it could not start; failures are in the result.
func (s *Session) CheckDirect(ctx context.Context, open func(context.Context, string) error, days int, timeout time.Duration, reuse bool, onStage func(stage CheckStage, url string)) (*CheckResult, error) {
	c, err := s.CheckOf(open)
	if err != nil {
		return nil, err
	}
	c.Days, c.ReuseLogin, c.OnStage = days, reuse && s.Vault != nil, onStage
	if timeout > 0 {
		c.Timeout = timeout
	}
	res, err := c.Run(ctx)
	if err != nil || s.Vault == nil {
		return res, err
	}
	rec := Record(res.Report)
	s.Profile.LastCheck = rec
	if err := s.saves.add("profile/"+s.Profile.ID, recordOn(s.Vault, s.Profile.ID, rec))(); err != nil {
		return res, fmt.Errorf("%w: %w", ErrNotRecorded, err)
	}
	return res, nil
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
