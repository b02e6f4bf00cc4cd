// Package service is what every onboarding step does, as a plain Go API:
// validate input, store it in the vault, seal a hand-off, preflight, run the
// check, derive progress and checklists. The full-screen wizard, the line
// mode and the commands all call it; it knows nothing of Bubble Tea or cobra.
//
// Each use case is one call on a Session, taking what differs between the
// front ends as arguments (an opener for the login, an event callback, an
// Apply hook where the session may change): CheckDirect, ConnectThroughROOK,
// PullAndCompare, Preflight, Seal, Handover, ProbeAppWebhook, Recheck. The
// wizard plans a run on its own goroutine (PlanCheckDirect,
// PlanThroughROOK) and runs it in the background. Close stops the runs
// still going, waits for what they received to be saved and closes the
// vault. The demo is not a case here: internal/demo equips a session with
// ordinary pieces (API bases, Prefill, TestLogins, Deliveries, Handoff,
// RegisterRedirect).
package service

import (
	"context"
	"net/http"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

// Session is what every step shares: the vault, the profile and the track
// being worked on, and the edges (clock, HTTP, browser) tests replace.
type Session struct {
	Vault     *vault.Vault
	VaultPath string
	Profile   *onboarding.Profile
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
	// APIBase overrides every environment's API host (a simulator).
	APIBase string
	// Retry paces the direct check's retries of 429 and 5xx (nil: Dexcom
	// client's default).
	Retry *dexcom.Retry
	// OAuthPaths are the OAuth paths of the Dexcom API ("": v2, documented).
	OAuthPaths string
	// ROOKAPIBase overrides ROOK's API host (a simulator); a loopback one
	// allows a loopback http Redirect URL in step 4.
	ROOKAPIBase string
	// Prefill and ProductionPrefill are values typed for the client in a
	// track's fields until they store their own (the demo's).
	Prefill, ProductionPrefill Prefill
	// TestLogins, when set, logs a test user in without a browser.
	TestLogins *TestLogins
	// OpenPortal opens a page of Dexcom's developer portal (nil: Browse).
	OpenPortal func(ctx context.Context, url string) error
	// Throwaway is the folder of a throwaway vault deleted on exit ("": the
	// client's own vault).
	Throwaway string
	// ROOKPoll paces the waits for ROOK (zero: rook.DefaultPoll).
	ROOKPoll rook.Poll
	// Deliveries, when set, tells a run through ROOK what the data webhook
	// received (a local receiver), so step 6 can show the delivery.
	Deliveries DeliverySource
	// Handoff, when set, takes a sealed hand-off here (a CSE on this
	// machine) instead of the client sending the file.
	Handoff HandoffTaker
	// RegisterRedirect, when set, is called after the client confirms that
	// ROOK's Redirect URL is registered in the Dexcom app (step 5), with
	// the app's Client ID, loopback and ROOK's URL.
	RegisterRedirect func(clientID, loopback, url string)
	// LoginTimeout bounds the wait in step 6 (default 5 minutes).
	LoginTimeout time.Duration
	// ExportDir is where exports, reports and sealed hand-offs are written
	// (default: the working directory).
	ExportDir string
	// ROOKHashKey is the ROOK client's secret hash key: the webhook probe
	// signs x-rook-hash with it, as ROOK does.
	ROOKHashKey secret.String
	// Faults, when set, are misconfigurations a front end may switch on
	// and off while it runs (simulators), to show how each is named.
	Faults []Fault

	saves saveQueue
	ops   ops
}

// HandoffTaker opens a sealed hand-off in ROOK's production environment
// or its sandbox and answers with that environment's Redirect URL and the
// verification code it read.
type HandoffTaker interface {
	TakeHandoff(production bool, sealed []byte) (redirectURL, code string, err error)
}

// Prefill are values typed for the client (the demo's; none is a real secret).
type Prefill struct {
	ClientID, ClientSecret, ROOKRedirect, Recipient, Loopback string
	ROOKClientUUID, ROOKSecretKey, WebhookURL                 string
	// ROOKAPIBase is the simulated ROOK environment of the track's app.
	ROOKAPIBase string
}

// prefill is the values typed for the current track's app.
func (s *Session) prefill() Prefill {
	if s.Progress != nil && s.Progress.Track == onboarding.ProductionTrack && s.ProductionPrefill.ClientID != "" {
		return s.ProductionPrefill
	}
	return s.Prefill
}

// TestLogins are test users an opener logs in without a browser (the
// simulator's login page).
type TestLogins struct {
	Users []TestUser
	// LogIn returns an opener that logs user in.
	LogIn func(user string) func(ctx context.Context, url string) error
}

// TestUser is one test user; Default is the one picked first.
type TestUser struct {
	Name, Device string
	Default      bool
}

// LoginOpener opens a login page: the default test user's login without a
// browser when the session has test logins, else Browse (nil: none).
func (s *Session) LoginOpener() func(ctx context.Context, url string) error {
	if t := s.TestLogins; t != nil && len(t.Users) > 0 {
		return t.LogIn(t.Users[t.DefaultUser()].Name)
	}
	return s.Browse
}

// DefaultUser is the index of the default test user.
func (t *TestLogins) DefaultUser() int {
	for i, u := range t.Users {
		if u.Default {
			return i
		}
	}
	return 0
}

// Endpoints are the API URLs of env for this session.
func (s *Session) Endpoints(env dexcom.Environment) (dexcom.Endpoints, error) {
	paths := dexcom.OAuthVersion(s.OAuthPaths)
	if paths == "" {
		paths = dexcom.OAuthV2
	}
	return dexcom.NewEndpoints(env, s.APIBase, paths)
}

// App is the current track's app in the profile (created on first use).
func (s *Session) App() *onboarding.App { return s.Profile.App(s.Progress.Env) }

// Time is the session's clock.
func (s *Session) Time() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// HTTPClient is the session's client, or one with a timeout.
func (s *Session) HTTPClient(timeout time.Duration) *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: timeout}
}

// ProgressSaver snapshots the track's progress now and queues its write,
// which may run elsewhere (a background command) without racing the
// session; DrainSaves finishes it if nothing else did.
func (s *Session) ProgressSaver() func() error {
	if s.Vault == nil || s.Profile == nil || s.Progress == nil {
		return nil
	}
	snap, v, id := s.Progress.Clone(), s.Vault, s.Profile.ID
	return s.saves.add("progress/"+id+"/"+string(snap.Track), func() error { return v.SaveProgress(id, snap) })
}

// ProfileSaver snapshots the profile now and queues its write.
func (s *Session) ProfileSaver() func() error {
	if s.Vault == nil || s.Profile == nil {
		return nil
	}
	p, v := CloneProfile(s.Profile), s.Vault
	return s.saves.add("profile/"+p.ID, func() error { return v.SaveProfile(p) })
}

// Save writes the profile and the progress now (the line mode).
func (s *Session) Save() error {
	for _, save := range []func() error{s.ProfileSaver(), s.ProgressSaver()} {
		if save == nil {
			continue
		}
		if err := save(); err != nil {
			return err
		}
	}
	return nil
}

// CloneProfile is a deep enough copy to save while the original changes.
func CloneProfile(p *onboarding.Profile) *onboarding.Profile {
	c := *p
	c.Apps = make(map[dexcom.Environment]*onboarding.App, len(p.Apps))
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

// SetToday records today's date in a step's field.
func (s *Session) SetToday(step onboarding.Step, field string) {
	s.Progress.SetField(step, field, s.Time().Format("2006-01-02"), s.Time())
}

// Toggle ticks or unticks a checklist item and settles the step.
func (s *Session) Toggle(step onboarding.Step, item string) {
	s.Progress.Toggle(step, item, s.Time())
	if step == onboarding.ConfigureRedirect && item == onboarding.TickRedirectRegistered && s.Progress.Checked(step, item) {
		s.registerRedirect()
	}
	s.Settle(step)
}

// registerRedirect tells the RegisterRedirect hook what the client just
// confirmed: ROOK's Redirect URL is now registered.
func (s *Session) registerRedirect() {
	if s.RegisterRedirect != nil && s.App().ROOKRedirectURL != "" {
		s.RegisterRedirect(s.App().ClientID, s.Loopback(), s.App().ROOKRedirectURL)
	}
}

// Settle records a step as done or to do from what is recorded; steps 5 and
// 6 also need a live result and settle through their own calls.
func (s *Session) Settle(step onboarding.Step) {
	switch step {
	case onboarding.ConfigureRedirect, onboarding.AuthenticateTestUser:
		return
	}
	s.settle(step, Complete(s, step))
}

func (s *Session) settle(step onboarding.Step, complete bool) {
	switch {
	case complete && s.Progress.StatusOf(step) != onboarding.Done:
		s.Progress.MarkDone(step, s.Time())
	case !complete && s.Progress.StatusOf(step) == onboarding.Done:
		s.Progress.State(step).Status = onboarding.Todo
	}
}

// AtVault is a locked session on the vault at path (made on unlock when
// none exists there yet), opened with opts.
func AtVault(path string, opts vault.Options) *Session {
	return &Session{VaultPath: path, Create: !vault.Exists(path),
		Open:        func(p []byte) (*vault.Vault, error) { return vault.Open(path, p, opts) },
		CreateVault: func(p []byte) (*vault.Vault, error) { return vault.Create(path, p, opts) }}
}

// OpenVault opens the vault at VaultPath with pass, or makes it when
// Create is set. It changes nothing on s (Unlocked does), so a front end
// may run it in the background.
func (s *Session) OpenVault(pass []byte) (*vault.Vault, error) {
	if s.Create {
		return s.CreateVault(pass)
	}
	return s.Open(pass)
}

// Unlocked makes v, just opened or made, the session's vault.
func (s *Session) Unlocked(v *vault.Vault) { s.Vault, s.Create = v, false }

// OpenProfile works on p from now on; a track is chosen next.
func (s *Session) OpenProfile(p *onboarding.Profile) { s.Profile, s.Progress = p, nil }

// CreateProfile makes a profile named name in the vault and opens it.
func (s *Session) CreateProfile(name string) error {
	p, err := s.Vault.CreateProfile(name)
	if err != nil {
		return err
	}
	s.OpenProfile(p)
	return nil
}

// StartTrack loads (or begins) the profile's progress on track t in env
// and works on it.
func (s *Session) StartTrack(t onboarding.Track, env dexcom.Environment) error {
	p, err := LoadTrack(s.Vault, s.Profile.ID, t, env)
	s.Progress = p
	return err
}

// UseTrack works on progress, loaded in the background by LoadTrack.
func (s *Session) UseTrack(progress *onboarding.Progress) { s.Progress = progress }
