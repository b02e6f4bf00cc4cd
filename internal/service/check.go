package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/vault"
	"golang.org/x/oauth2"
)

// Check is one self-check: log a test user in (or reuse the saved login)
// and verify that data flows. Every front end and `dexonboard check` run it.
type Check struct {
	Env       dexcom.Environment
	Endpoints dexcom.Endpoints
	App       dexcom.App
	Days      int
	HTTP      *http.Client
	Now       func() time.Time
	Retry     *dexcom.Retry

	// Open shows the login URL (a browser, the screen, the demo's autopilot).
	Open    func(ctx context.Context, url string) error
	Timeout time.Duration
	OnStage func(stage connect.Stage, url string)

	// Vault and ProfileID, when set, keep every new token in the vault.
	Vault     *vault.Vault
	ProfileID string
	// ReuseLogin starts from the saved login; a refused one is forgotten.
	ReuseLogin bool

	// on, set for a session's check, runs it as the session's use case:
	// its token writes go through the session's writer, and Close waits
	// for it. nil writes directly.
	on *Session
}

// CheckResult is what a check found, as the outcome and as a report.
type CheckResult struct {
	Outcome *connect.Outcome // nil when the login failed
	Err     error            // the login's failure
	Report  *connect.Report
}

// OK reports whether every call answered 200 and readings came back.
func (r *CheckResult) OK() bool { return r.Report.OK }

// Run runs the check. An error is returned only when it could not start
// (the vault could not be read); failures are in the result.
func (c Check) Run(ctx context.Context) (*CheckResult, error) {
	if c.on != nil {
		var end func()
		var err error
		if ctx, end, err = c.on.begin(ctx); err != nil {
			return nil, err
		}
		defer end()
	}
	days := max(1, c.Days)
	chk := &connect.Check{Endpoints: c.Endpoints, Env: c.Env, App: c.App, Days: days, HTTP: c.HTTP, Now: c.Now, Retry: c.Retry,
		Login: connect.Login{Open: c.Open, Timeout: c.Timeout, OnStage: c.OnStage}}
	if c.Vault != nil {
		v, id, env := c.Vault, c.ProfileID, c.Env
		chk.Save = func(t *oauth2.Token) error { return v.SaveToken(id, env, t) }
		forget := func() error { return v.DeleteToken(id, env) }
		if c.on != nil {
			// One kind: the newest token wins, and a forgotten login stays
			// before the one that follows it.
			kind, q := "token/"+id+"/"+string(env), &c.on.saves
			save := chk.Save
			chk.Save = func(t *oauth2.Token) error { return q.add(kind, func() error { return save(t) })() }
			// A refresh after the check (the glucose view's) holds the
			// session open too, until its rotated token is saved.
			on := c.on
			chk.Hold = func() (func(), error) {
				_, end, err := on.begin(context.Background())
				return end, err
			}
			forget = func() error { return q.add(kind, func() error { return v.DeleteToken(id, env) })() }
		}
		if c.ReuseLogin {
			saved, err := v.Token(id, env)
			if err != nil {
				return nil, err
			}
			chk.Saved, chk.Forget = saved, forget
		}
	}
	out, err := chk.Run(ctx)
	at := time.Now()
	if c.Now != nil {
		at = c.Now()
	}
	return &CheckResult{Outcome: out, Err: err, Report: connect.NewReport(c.Env, c.Endpoints, c.App, days, at, out, err)}, nil
}

// Record is a check's report as kept on a profile: the verdict, a one-line
// summary and the secret-free report for `dexonboard report`.
func Record(r *connect.Report) *onboarding.CheckResult {
	summary := fmt.Sprintf("verified: %d calls answered 200, %d readings", len(r.Calls), r.EGVCount)
	if !r.OK {
		summary = "failed: " + r.Error
	}
	details, _ := json.Marshal(r) // a Report has no secret to leak
	return &onboarding.CheckResult{At: r.CheckedAt, Env: dexcom.Environment(r.Environment), OK: r.OK, Summary: summary, Report: details}
}

// CheckOf is step 6's check for the session's app, logging in with open.
func (s *Session) CheckOf(open func(context.Context, string) error) (Check, error) {
	if !HasCredentials(s) {
		return Check{}, ErrNoCredentials
	}
	env := s.Progress.Env
	ep, err := s.Endpoints(env)
	if err != nil {
		return Check{}, err
	}
	timeout := s.LoginTimeout
	if timeout <= 0 {
		timeout = connect.DefaultTimeout
	}
	c := Check{Env: env, Endpoints: ep, App: s.App().Credentials(), Days: 1, HTTP: s.HTTPClient(time.Minute), Now: s.Now,
		Open: open, Timeout: timeout, Vault: s.Vault, Retry: s.Retry, on: s}
	if s.Profile != nil {
		c.ProfileID = s.Profile.ID
	}
	return c, nil
}

// RecordCheck keeps a step 6 result on the profile and the step: done when
// verified, else needing attention, with why.
func (s *Session) RecordCheck(r *CheckResult) {
	now := s.Time()
	s.Profile.LastCheck = Record(r.Report)
	if !r.OK() {
		why := s.Profile.LastCheck.Summary
		if r.Outcome != nil && r.Err == nil && r.Outcome.Err == nil {
			why = r.Outcome.Hint()
		}
		s.Progress.MarkAttention(onboarding.AuthenticateTestUser, why, now)
		return
	}
	s.Progress.MarkDone(onboarding.AuthenticateTestUser, now)
	s.Progress.SetField(onboarding.AuthenticateTestUser, "verified_at", now.UTC().Format(time.RFC3339), now)
}

// Recheck verifies a profile again with its saved login, without a browser,
// and records the result on it. It returns the recorded result.
func (s *Session) Recheck(ctx context.Context, p *onboarding.Profile) (*onboarding.CheckResult, error) {
	env := dexcom.Sandbox
	if p.LastCheck != nil {
		env = p.LastCheck.Env
	}
	a, ok := p.Apps[env]
	if !ok || a.ClientID == "" {
		return nil, fmt.Errorf("%s has no %s app: %w", p.Name, env.Label(), ErrNoCredentials)
	}
	if tok, err := s.Vault.Token(p.ID, env); err != nil || tok == nil {
		return nil, fmt.Errorf("%s: %w", p.Name, ErrNoSavedLogin)
	}
	ep, err := s.Endpoints(env)
	if err != nil {
		return nil, err
	}
	refused := errors.New("the saved login was refused")
	c := Check{Env: env, Endpoints: ep, App: a.Credentials(), Days: 1, HTTP: s.HTTPClient(time.Minute), Now: s.Now,
		Vault: s.Vault, ProfileID: p.ID, ReuseLogin: true, on: s,
		Open: func(context.Context, string) error { return refused }}
	res, err := c.Run(ctx)
	if err != nil {
		return nil, err
	}
	rec := Record(res.Report)
	if err := s.saves.add("profile/"+p.ID, recordOn(s.Vault, p.ID, rec))(); err != nil {
		return nil, err
	}
	return rec, nil
}

// recordOn writes rec on the stored profile id: p may be older than what
// the wizard saved meanwhile, and only the check result is the recheck's.
func recordOn(v *vault.Vault, id string, rec *onboarding.CheckResult) func() error {
	return func() error {
		all, err := v.Profiles()
		if err != nil {
			return err
		}
		for _, p := range all {
			if p.ID == id {
				p.LastCheck = rec
				return v.SaveProfile(p)
			}
		}
		return fmt.Errorf("%w: it was deleted during the check", vault.ErrNoProfile)
	}
}
