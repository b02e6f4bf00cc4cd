package onboarding

import (
	"encoding/json"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Profile is one client's onboarding: its Dexcom apps, per environment.
type Profile struct {
	ID        string // random; the file never shows the client's name
	Name      string
	Company   string
	Notes     string
	Created   time.Time
	Updated   time.Time
	Apps      map[dexcom.Environment]*App
	LastCheck *CheckResult
}

// App is one Dexcom developer application's details and credentials.
type App struct {
	Env             dexcom.Environment
	Name            string
	Description     string
	ClientID        string
	ClientSecret    secret.String
	RedirectURI     string // the loopback URI used for the self-check
	ROOKRedirectURL string // the redirect URL ROOK returned
	// ROOK's API credentials for the ROOK environment of this app's track
	// (sandbox or production), the test user connected through ROOK, and
	// the client's data webhook.
	ROOKClientUUID string
	ROOKSecretKey  secret.String
	ROOKUserID     string
	WebhookURL     string
}

// CheckResult is the outcome of the last verification, without secrets.
type CheckResult struct {
	At      time.Time          `json:"at"`
	Env     dexcom.Environment `json:"env"`
	OK      bool               `json:"ok"`
	Summary string             `json:"summary"`
	// Report is the check's secret-free JSON report (calls, data range,
	// device, figures), kept for the onboarding report.
	Report json.RawMessage `json:"report,omitempty"`
}

// App returns the app for env, creating an empty one.
func (p *Profile) App(env dexcom.Environment) *App {
	if p.Apps == nil {
		p.Apps = map[dexcom.Environment]*App{}
	}
	a, ok := p.Apps[env]
	if !ok {
		a = &App{Env: env}
		p.Apps[env] = a
	}
	return a
}

// Credentials are the app's client credentials for the Dexcom client.
func (a *App) Credentials() dexcom.App {
	return dexcom.App{ClientID: a.ClientID, ClientSecret: a.ClientSecret, RedirectURI: a.RedirectURI}
}
