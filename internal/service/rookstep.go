package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/webhook"
)

// Step 6's and the prerequisites' actions through ROOK.
const (
	ActConnectROOK  = "connect_rook"
	ActProbeWebhook = "probe_webhook"
)

// DefaultROOKUserID is the test user id suggested for step 6.
const DefaultROOKUserID = "dexonboard-test-user"

// SimulatedROOK reports whether ROOK is the demo's simulator (its Redirect
// URL is loopback http) rather than a real ROOK environment.
func (s *Session) SimulatedROOK() bool { return s.Demo != nil && s.Demo.ROOK != nil }

// ROOKEnv is the ROOK environment of the track.
func (s *Session) ROOKEnv() rook.Environment { return ROOKEnvironment(s.Progress.Env) }

var rookClientUUIDRow = Row{Kind: Field, ID: "rook_client_uuid", Label: "ROOK client UUID", Limit: 100, Optional: true,
	Placeholder: "from ROOK's client portal, {rookenv} environment", Hint: "not secret; each ROOK environment has its own",
	Get: func(s *Session) string {
		if d := s.Demo; d != nil && s.App().ROOKClientUUID == "" {
			return s.prefill().ROOKClientUUID
		}
		return s.App().ROOKClientUUID
	},
	Check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if err := onboarding.ValidateROOKClientUUID(v); err != nil {
			return "", &InputError{Field: "the ROOK client UUID", Problem: BadValue, Detail: err.Error()}
		}
		return v, nil
	},
	Set: func(s *Session, v string) { s.App().ROOKClientUUID = v },
}

var rookSecretKeyRow = Row{Kind: Field, ID: "rook_secret_key", Label: "ROOK secret key", Limit: 200, Secret: true, Optional: true,
	Placeholder: "{rookenv} secret key (hidden; paste works)", Hint: "shown as dots; stored only in the encrypted vault",
	Get: func(s *Session) string {
		if d := s.Demo; d != nil && s.App().ROOKSecretKey.Empty() {
			return s.prefill().ROOKSecretKey
		}
		return s.App().ROOKSecretKey.Reveal()
	},
	Check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if err := onboarding.ValidateROOKSecretKey(v); err != nil {
			return "", &InputError{Field: "the ROOK secret key", Problem: BadValue, Detail: err.Error()}
		}
		return v, nil
	},
	Set: func(s *Session, v string) { s.App().ROOKSecretKey = secret.New(v) },
}

var rookUserIDRow = Row{Kind: Field, ID: "rook_user_id", Label: "Test user id at ROOK", Limit: onboarding.MaxROOKUserIDLen, Optional: true,
	Placeholder: DefaultROOKUserID, Hint: "any id of yours; ROOK creates the user when it is first used",
	Get: func(s *Session) string {
		if id := s.App().ROOKUserID; id != "" {
			return id
		}
		return DefaultROOKUserID
	},
	Check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return DefaultROOKUserID, nil
		}
		if err := ValidateROOKUserID(v); err != nil {
			return "", &InputError{Field: "the test user id", Problem: BadValue, Detail: err.Error()}
		}
		return v, nil
	},
	Set: func(s *Session, v string) { s.App().ROOKUserID = v },
}

var webhookRow = Row{Kind: Field, ID: "webhook_url", Label: "Data webhook URL (ROOK delivers here)", Limit: 300, Optional: true,
	Placeholder: "https://api.example.com/rook/webhook", Hint: "ROOK POSTs JSON without authentication; the guide asks that it answers 200",
	Get: func(s *Session) string {
		if d := s.Demo; d != nil && s.App().WebhookURL == "" {
			return s.prefill().WebhookURL
		}
		return s.App().WebhookURL
	},
	Check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if err := webhook.CheckURL(v); err != nil {
			return "", &InputError{Field: "the webhook URL", Problem: BadValue, Detail: err.Error()}
		}
		return v, nil
	},
	Set: func(s *Session, v string) { s.App().WebhookURL = v },
}

// ROOKLegOf is step 6 through ROOK for the session's app: its ROOK
// credentials and test user, Step 3's Client ID, Step 4's Redirect URL and
// the track's Dexcom host; open shows the authorization URL. dc, when the
// direct check ran, lets the leg compare ROOK's readings with Dexcom's.
func (s *Session) ROOKLegOf(open func(context.Context, string) error, dc *dexcom.Client) (ROOKLeg, error) {
	a := s.App()
	switch {
	case a.ClientID == "":
		return ROOKLeg{}, ErrNoClientID
	case a.ROOKRedirectURL == "":
		return ROOKLeg{}, ErrNoROOKRedirect
	}
	creds := rook.Credentials{ClientUUID: a.ROOKClientUUID, SecretKey: a.ROOKSecretKey}
	if d := s.Demo; d != nil && creds.ClientUUID == "" && creds.SecretKey.Empty() {
		creds = rook.Credentials{ClientUUID: s.prefill().ROOKClientUUID, SecretKey: secret.New(s.prefill().ROOKSecretKey)}
	}
	if creds.ClientUUID == "" || creds.SecretKey.Empty() {
		return ROOKLeg{}, ErrNoROOKCredentials
	}
	ep, err := s.Endpoints(s.Progress.Env)
	if err != nil {
		return ROOKLeg{}, err
	}
	timeout := s.LoginTimeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	user := a.ROOKUserID
	if user == "" {
		user = DefaultROOKUserID
	}
	base := s.ROOKAPIBase
	if b := s.prefill().ROOKAPIBase; b != "" {
		base = b // the demo's simulated ROOK environment of this track
	}
	leg := ROOKLeg{Env: s.ROOKEnv(), BaseURL: base, Credentials: creds, UserID: user,
		DexcomBase: ep.BaseURL, ClientID: a.ClientID, RedirectURL: a.ROOKRedirectURL,
		Open: open, Timeout: timeout, Poll: rook.DefaultPoll, Days: 3, HTTP: s.HTTPClient(time.Minute), Now: s.Now, Dexcom: dc}
	if d := s.Demo; d != nil && d.ROOK != nil && d.ROOK.Deliveries != nil {
		leg.Poll = rook.Poll{Attempts: 8, Delay: 200 * time.Millisecond, MaxDelay: time.Second}
	}
	return leg, nil
}

// AwaitDelivery waits (at most wait) for the demo webhook's first delivery
// of userID's data received at or after since: a delivery from an earlier
// connection, come late, is not this one's proof. ok is false when none
// came or there is no demo ROOK.
func (s *Session) AwaitDelivery(ctx context.Context, userID string, since time.Time, wait time.Duration) (Delivery, bool) {
	d := s.Demo
	if d == nil || d.ROOK == nil || d.ROOK.Deliveries == nil {
		return Delivery{}, false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case got := <-d.ROOK.Deliveries:
			if got.UserID == userID && !got.At.Before(since) {
				return got, true
			}
		case <-t.C:
			return Delivery{}, false
		case <-ctx.Done():
			return Delivery{}, false
		}
	}
}

// RecordROOK keeps step 6's result through ROOK: done when it passed,
// else needing attention with the named cause and fix.
func (s *Session) RecordROOK(r *ROOKResult) {
	now := s.Time()
	s.Progress.SetField(onboarding.AuthenticateTestUser, "rook_checked_at", now.UTC().Format(time.RFC3339), now) // the report's "when"
	if !r.OK() {
		s.Progress.MarkAttention(onboarding.AuthenticateTestUser, r.Finding.Error(), now)
		return
	}
	s.Progress.MarkDone(onboarding.AuthenticateTestUser, now)
	s.Progress.SetField(onboarding.AuthenticateTestUser, "rook_verified_at", now.UTC().Format(time.RFC3339), now)
	last := r.Report.Glucose[len(r.Report.Glucose)-1]
	summary := fmt.Sprintf("%d readings for %s", last.Count, last.Date)
	if c := r.Report.Comparison; c != nil {
		summary = c.Summary
	}
	s.Progress.SetField(onboarding.AuthenticateTestUser, "rook_result", summary, now)
}

// ProbeAppWebhook probes the track's data webhook (prerequisites) and
// records the verdict; it returns the report, or an error when no URL is
// stored.
func (s *Session) ProbeAppWebhook(ctx context.Context) (*WebhookReport, error) {
	u := s.App().WebhookURL
	if u == "" {
		return nil, ErrNoWebhook
	}
	return ProbeWebhook(ctx, u, s.ROOKEnv(), s.Time()), nil
}

// RecordWebhook keeps a probe's verdict on the prerequisites.
func (s *Session) RecordWebhook(w *WebhookReport) {
	v := fmt.Sprintf("%d %s", w.Status, w.Verdict)
	if w.Status == 0 {
		v = "no answer: fail"
	}
	s.Progress.SetField(onboarding.Prerequisites, "webhook_probe", v, s.Time())
	s.Progress.SetField(onboarding.Prerequisites, "webhook_probe_at", s.Time().UTC().Format(time.RFC3339), s.Time())
}

// ErrNoWebhook means no webhook URL is stored for the track.
var ErrNoWebhook = errors.New("no webhook URL is stored yet (prerequisites)")

// DemoHandover lets the demo's simulated ROOK engineer open a sealed
// hand-off (step 4): ROOK then holds what was really handed over, and its
// Redirect URL is stored. It returns the code ROOK read, "" without a demo
// ROOK.
func (s *Session) DemoHandover(sl *Sealed) (string, error) {
	d := s.Demo
	if d == nil || d.ROOK == nil || d.ROOK.TakeHandoff == nil {
		return "", nil
	}
	redirect, code, err := d.ROOK.TakeHandoff(s.Progress.Env.IsProduction(), sl.Armored)
	if err != nil {
		return "", err
	}
	s.App().ROOKRedirectURL = redirect
	s.Progress.SetField(onboarding.ShareWithROOK, "rook_read_code", code, s.Time())
	return code, nil
}
