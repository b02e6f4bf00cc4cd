package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
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

	// saves, set for a session's check, queues the token writes there, so
	// that quitting waits for them (see tokenWrites); nil writes directly.
	saves *saveQueue
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
	days := max(1, c.Days)
	chk := &connect.Check{Endpoints: c.Endpoints, Env: c.Env, App: c.App, Days: days, HTTP: c.HTTP, Now: c.Now, Retry: c.Retry,
		Login: connect.Login{Open: c.Open, Timeout: c.Timeout, OnStage: c.OnStage}}
	if c.Vault != nil {
		v, id, env := c.Vault, c.ProfileID, c.Env
		chk.Save = func(t *oauth2.Token) error { return v.SaveToken(id, env, t) }
		forget := func() error { return v.DeleteToken(id, env) }
		if c.saves != nil {
			w := &tokenWrites{q: c.saves, kind: "token/" + id + "/" + string(env)}
			defer w.settle()
			chk.Save, forget = w.save(chk.Save), w.forget(forget)
			chk.HTTP = w.watch(chk.HTTP, dexcom.OAuthConfig(c.Endpoints, c.App).Endpoint.TokenURL)
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
func Record(r *connect.Report) *vault.CheckResult {
	summary := fmt.Sprintf("verified: %d calls answered 200, %d readings", len(r.Calls), r.EGVCount)
	if !r.OK {
		summary = "failed: " + r.Error
	}
	details, _ := json.Marshal(r) // a Report has no secret to leak
	return &vault.CheckResult{At: r.CheckedAt, Env: dexcom.Environment(r.Environment), OK: r.OK, Summary: summary, Report: details}
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
		Open: open, Timeout: timeout, Vault: s.Vault, saves: &s.saves}
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
func (s *Session) Recheck(ctx context.Context, p *vault.Profile) (*vault.CheckResult, error) {
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
		Vault: s.Vault, ProfileID: p.ID, ReuseLogin: true, saves: &s.saves,
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
func recordOn(v *vault.Vault, id string, rec *vault.CheckResult) func() error {
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

// tokenWrites queues a session check's token writes under one kind, so the
// newest token wins and a forgotten login stays before the one that
// follows it. It also holds the queue from the moment a request leaves for
// the token endpoint until its token is queued: quitting right then must
// not lose a login the server has issued (Dexcom rotates refresh tokens, so
// losing a refreshed token loses the saved login).
type tokenWrites struct {
	q        *saveQueue
	kind     string
	mu       sync.Mutex
	arriving []func() // holds of token answers not queued yet
}

func (w *tokenWrites) save(write func(*oauth2.Token) error) func(*oauth2.Token) error {
	return func(t *oauth2.Token) error {
		run := w.q.add(w.kind, func() error { return write(t) })
		w.settle() // queued: drain now waits for the save itself
		return run()
	}
}

func (w *tokenWrites) forget(write func() error) func() error {
	return func() error { return w.q.add(w.kind, write)() }
}

// settle lets go of the holds: their token is queued, or will not come.
func (w *tokenWrites) settle() {
	w.mu.Lock()
	held := w.arriving
	w.arriving = nil
	w.mu.Unlock()
	for _, release := range held {
		release()
	}
}

// watch returns h whose requests to tokenURL hold the queue.
func (w *tokenWrites) watch(h *http.Client, tokenURL string) *http.Client {
	c := http.Client{}
	if h != nil {
		c = *h
	}
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	u, err := url.Parse(tokenURL)
	if err != nil {
		return h
	}
	c.Transport = tokenRequests{base: base, token: u, w: w}
	return &c
}

// tokenRequests holds the queue for each request to the token endpoint:
// the connect and dexcom packages exchange and refresh through the HTTP
// client, which is where a session sees a token coming.
type tokenRequests struct {
	base  http.RoundTripper
	token *url.URL
	w     *tokenWrites
}

func (t tokenRequests) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != t.token.Host || req.URL.Path != t.token.Path {
		return t.base.RoundTrip(req)
	}
	release := t.w.q.hold()
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		release() // refused: no token comes of it
		return resp, err
	}
	t.w.mu.Lock()
	t.w.arriving = append(t.w.arriving, release)
	t.w.mu.Unlock()
	return resp, nil
}
