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

// loopbackROOK reports whether the track's ROOK API is on this machine (a
// simulator), whose Redirect URL is loopback http, rather than a real ROOK
// environment.
func (s *Session) loopbackROOK() bool { return IsLoopbackURL(s.rookAPIBase()) }

// rookAPIBase is the track's ROOK API host override ("" for ROOK's own).
func (s *Session) rookAPIBase() string {
	if b := s.prefill().ROOKAPIBase; b != "" {
		return b
	}
	return s.ROOKAPIBase
}

// ROOKEnv is the ROOK environment of the track.
func (s *Session) ROOKEnv() rook.Environment { return ROOKEnvironment(s.Progress.Env) }

var rookClientUUIDField = fieldFuncs{
	get: func(s *Session) string {
		if s.App().ROOKClientUUID == "" {
			return s.prefill().ROOKClientUUID
		}
		return s.App().ROOKClientUUID
	},
	check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if err := onboarding.ValidateROOKClientUUID(v); err != nil {
			return "", &InputError{Field: "the ROOK client UUID", Problem: BadValue, Detail: err.Error()}
		}
		return v, nil
	},
	set: func(s *Session, v string) { s.App().ROOKClientUUID = v },
}

// ROOKClientUUID is the client UUID step 6 shows: the stored one, else the
// one prefilled for the track.
func (s *Session) ROOKClientUUID() string { return rookClientUUIDField.get(s) }

var rookSecretKeyField = fieldFuncs{
	get: func(s *Session) string {
		if s.App().ROOKSecretKey.Empty() {
			return s.prefill().ROOKSecretKey
		}
		return s.App().ROOKSecretKey.Reveal()
	},
	check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if err := onboarding.ValidateROOKSecretKey(v); err != nil {
			return "", &InputError{Field: "the ROOK secret key", Problem: BadValue, Detail: err.Error()}
		}
		return v, nil
	},
	set: func(s *Session, v string) { s.App().ROOKSecretKey = secret.New(v) },
}

var rookUserIDField = fieldFuncs{
	get: func(s *Session) string {
		if id := s.App().ROOKUserID; id != "" {
			return id
		}
		return onboarding.DefaultROOKUserID
	},
	check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return onboarding.DefaultROOKUserID, nil
		}
		if err := onboarding.ValidateROOKUserID(v); err != nil {
			return "", &InputError{Field: "the test user id", Problem: BadValue, Detail: err.Error()}
		}
		return v, nil
	},
	set: func(s *Session, v string) { s.App().ROOKUserID = v },
}

var webhookField = fieldFuncs{
	get: func(s *Session) string {
		if s.App().WebhookURL == "" {
			return s.prefill().WebhookURL
		}
		return s.App().WebhookURL
	},
	check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if err := webhook.CheckURL(v); err != nil {
			return "", &InputError{Field: "the webhook URL", Problem: BadValue, Detail: err.Error()}
		}
		return v, nil
	},
	set: func(s *Session, v string) { s.App().WebhookURL = v },
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
	if creds.ClientUUID == "" && creds.SecretKey.Empty() {
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
		user = onboarding.DefaultROOKUserID
	}
	poll := s.ROOKPoll
	if poll == (rook.Poll{}) {
		poll = rook.DefaultPoll
	}
	leg := ROOKLeg{Env: s.ROOKEnv(), BaseURL: s.rookAPIBase(), Credentials: creds, UserID: user,
		DexcomBase: ep.BaseURL, DexcomEnv: s.Progress.Env, ClientID: a.ClientID, RedirectURL: a.ROOKRedirectURL,
		Open: open, Timeout: timeout, Poll: poll, Days: 3, HTTP: s.HTTPClient(time.Minute), Now: s.Now, Dexcom: dc,
		HashKey: s.ROOKHashKey}
	return leg, nil
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
	return ProbeSignedWebhook(ctx, u, s.ROOKEnv(), s.Time(), s.ROOKHashKey), nil // signed as ROOK signs, when the key is known
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

// Handover lets the session's HandoffTaker (a ROOK engineer here) open a
// sealed hand-off (step 4): ROOK then holds what was really handed over,
// and its Redirect URL is stored. It returns the code ROOK read, "" when
// no taker is here.
func (s *Session) Handover(sl *Sealed) (string, error) {
	if s.Handoff == nil {
		return "", nil
	}
	redirect, code, err := s.Handoff.TakeHandoff(s.Progress.Env.IsProduction(), sl.Armored)
	if err != nil {
		return "", err
	}
	s.App().ROOKRedirectURL = redirect
	s.Progress.SetField(onboarding.ShareWithROOK, "rook_read_code", code, s.Time())
	return code, nil
}
