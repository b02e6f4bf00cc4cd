package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/vault"
)

// Session is what every screen shares: the vault, the profile and the track
// being worked on, and the edges (clock, HTTP, browser) tests replace.
type Session struct {
	Vault     *vault.Vault
	VaultPath string
	Profile   *vault.Profile
	Progress  *onboarding.Progress

	// Create is set when no vault exists yet: the unlock screen makes one.
	Create bool
	// Open and CreateVault unlock or make the vault at VaultPath.
	Open        func(pass []byte) (*vault.Vault, error)
	CreateVault func(pass []byte) (*vault.Vault, error)

	Now  func() time.Time
	HTTP *http.Client
	// Browse opens a login or portal URL; it returns connect.ErrShowURLOnly
	// when it could only show the URL.
	Browse func(ctx context.Context, url string) error
	// APIBase overrides every environment's API host (the demo's simulator).
	APIBase string
	Demo    *Demo
	// LoginTimeout bounds the wait in step 6 (default 5 minutes).
	LoginTimeout time.Duration
	// ExportDir is where the glucose view writes exports (default: the
	// working directory).
	ExportDir string

	saves saveQueue
}

// Demo is set by `dexonboard demo`: a throwaway vault and the simulator.
type Demo struct {
	TempDir string
	// LogIn returns an opener that logs user in on the simulator's page
	// without a browser.
	LogIn   func(user string) func(ctx context.Context, url string) error
	Users   []DemoUser
	Prefill Prefill
}

// Prefill are values the demo types for the presenter (none is a real secret).
type Prefill struct {
	ClientID, ClientSecret, ROOKRedirect, Recipient string
}

// DemoUser is one entry of the demo's test-user picker.
type DemoUser struct{ Name, Device string }

// Endpoints are the API URLs of env for this session.
func (s *Session) Endpoints(env dexcom.Environment) (dexcom.Endpoints, error) {
	return dexcom.NewEndpoints(env, s.APIBase, dexcom.OAuthV2)
}

// App is the current track's app in the profile (created on first use).
func (s *Session) App() *vault.App { return s.Profile.App(s.Progress.Env) }

func (s *Session) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Messages from the session's commands.
type (
	savedMsg      struct{ what string }
	saveFailedMsg struct{ err error }
)

// saveProgress writes a snapshot of the track's progress.
func (s *Session) saveProgress() tea.Cmd {
	if s.Vault == nil || s.Profile == nil || s.Progress == nil {
		return nil
	}
	snap, v, id := s.Progress.Clone(), s.Vault, s.Profile.ID
	return s.saves.add("progress/"+id+"/"+string(snap.Track), "progress", func() error { return v.SaveProgress(id, snap) })
}

// saveProfile writes a copy of the profile (credentials, redirect URLs).
func (s *Session) saveProfile(what string) tea.Cmd {
	if s.Vault == nil || s.Profile == nil {
		return nil
	}
	p := cloneProfile(s.Profile)
	v := s.Vault
	return s.saves.add("profile/"+p.ID, what, func() error { return v.SaveProfile(p) })
}

// DrainSaves finishes every save the wizard has queued: it runs those the
// program had no time to start (it quit first) and waits for those running.
// Call it after the program ends and before closing the vault.
func (s *Session) DrainSaves() { s.saves.drain() }

func cloneProfile(p *vault.Profile) *vault.Profile {
	c := *p
	c.Apps = make(map[dexcom.Environment]*vault.App, len(p.Apps))
	for e, a := range p.Apps {
		cp := *a
		c.Apps[e] = &cp
	}
	if p.LastCheck != nil {
		lc := *p.LastCheck
		c.LastCheck = &lc
	}
	return &c
}

// PreflightResult is one authorization-URL probe.
type PreflightResult struct {
	RedirectURI string
	Status      int
	Err         error
}

// OK reports whether Dexcom's login page accepted the app and redirect URI.
func (r PreflightResult) OK() bool { return r.Err == nil && r.Status == http.StatusOK }

type preflightDoneMsg struct {
	results []PreflightResult
}

// preflight asks the login page whether it accepts the app with each
// redirect URI: 200 means the client ID and the URI are registered, 400 not.
func (s *Session) preflight(redirects ...string) tea.Cmd {
	ep, err := s.Endpoints(s.Progress.Env)
	app := s.App().Credentials()
	hc := s.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	return func() tea.Msg {
		var out []PreflightResult
		for _, r := range redirects {
			res := PreflightResult{RedirectURI: r, Err: err}
			if err == nil {
				res.Status, res.Err = probe(hc, ep, app.ClientID, r)
			}
			out = append(out, res)
		}
		return preflightDoneMsg{out}
	}
}

func probe(hc *http.Client, ep dexcom.Endpoints, clientID, redirect string) (int, error) {
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {dexcom.Scope}, "state": {"preflight"}}
	noFollow := *hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Get(ep.AuthURL() + "?" + q.Encode())
	if err != nil {
		return 0, fmt.Errorf("could not reach %s: %w", ep.BaseURL, err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Messages of a login in step 6.
type (
	loginStageMsg struct {
		stage connect.Stage
		url   string
	}
	checkDoneMsg struct {
		outcome *connect.Outcome
		err     error
		at      time.Time
	}
)

// CheckResultOf records a check's report on a profile: the verdict, a one-line
// summary and the secret-free report for `dexonboard report`.
func CheckResultOf(r *connect.Report) *vault.CheckResult {
	summary := fmt.Sprintf("verified: %d calls answered 200, %d readings", len(r.Calls), r.EGVCount)
	if !r.OK {
		summary = "failed: " + r.Error
	}
	details, _ := json.Marshal(r) // a Report has no secret to leak
	return &vault.CheckResult{At: r.CheckedAt, Env: dexcom.Environment(r.Environment), OK: r.OK, Summary: summary, Report: details}
}

// today records today's date in a step's field (the d key).
func (s *Session) today(step onboarding.Step, field string) {
	s.Progress.SetField(step, field, s.now().Format("2006-01-02"), s.now())
}
