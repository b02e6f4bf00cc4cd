package service

import (
	"fmt"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"strings"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
)

// fieldFuncs is how a field row's value is read, checked and stored for a
// session; the row itself (label, limit, hint) is onboarding's.
type fieldFuncs struct {
	// get is the value to start from (the stored one, or the prefilled one).
	get func(s *Session) string
	// check cleans an answer and says whether it is acceptable.
	check func(s *Session, answer string) (string, error)
	// set stores an accepted answer (nil: an action of the step uses it).
	set func(s *Session, value string)
}

// fields is the behaviour of every field row, keyed by its id.
var fields = map[string]fieldFuncs{
	onboarding.FieldAppName: {
		get: func(s *Session) string { return s.App().Name },
		check: func(_ *Session, v string) (string, error) {
			v = strings.TrimSpace(v)
			if v == "" {
				return "", &InputError{Field: "the app name", Problem: Empty}
			}
			return v, onboarding.ValidateAppName(v)
		},
		set: func(s *Session, v string) { s.App().Name = v },
	},
	onboarding.FieldDescription: {
		get:   func(s *Session) string { return s.App().Description },
		check: func(_ *Session, v string) (string, error) { return strings.TrimSpace(v), nil },
		set:   func(s *Session, v string) { s.App().Description = v },
	},
	onboarding.FieldClientID: {
		get: func(s *Session) string {
			if s.App().ClientID == "" {
				return s.prefill().ClientID
			}
			return s.App().ClientID
		},
		check: func(_ *Session, v string) (string, error) { return credential("the Client ID", v) },
	},
	onboarding.FieldClientSecret: {
		get: func(s *Session) string {
			if p := s.prefill().ClientSecret; p != "" && s.App().ClientID == "" {
				return p
			}
			return s.App().ClientSecret.Reveal()
		},
		check: func(_ *Session, v string) (string, error) { return credential("the Client Secret", v) },
	},
	onboarding.FieldRecipient: {
		get: func(s *Session) string { return s.prefill().Recipient },
		check: func(_ *Session, v string) (string, error) {
			v = strings.TrimSpace(v)
			if v == "" {
				return "", nil
			}
			if _, err := handoff.Recipient(v); err != nil {
				return "", &InputError{Field: "the public key", Problem: BadKey, Detail: err.Error()}
			}
			return v, nil
		},
	},
	onboarding.FieldROOKRedirect: {
		get: func(s *Session) string {
			if s.App().ROOKRedirectURL == "" {
				return s.prefill().ROOKRedirect
			}
			return s.App().ROOKRedirectURL
		},
		check: func(s *Session, v string) (string, error) {
			v = ReplyURL(v)
			return v, ValidateROOKRedirectFor(v, s.loopbackROOK())
		},
		set: func(s *Session, v string) { s.App().ROOKRedirectURL = v },
	},
	onboarding.FieldLoopback: {
		get: func(s *Session) string { return s.Loopback() },
		check: func(_ *Session, v string) (string, error) {
			v = strings.TrimSpace(v)
			if _, err := connect.ParseRedirect(v); err != nil {
				return "", &InputError{Field: "the loopback Redirect URL", Problem: NotLoopback, Detail: err.Error()}
			}
			return v, nil
		},
		set: func(s *Session, v string) { s.App().RedirectURI = v },
	},
	onboarding.FieldROOKClientUUID: rookClientUUIDField,
	onboarding.FieldROOKSecretKey:  rookSecretKeyField,
	onboarding.FieldROOKUserID:     rookUserIDField,
	onboarding.FieldWebhookURL:     webhookField,
}

// Value is the value field row id starts from for the session: the stored
// one, or the one prefilled for the track ("" for an id with no field).
func (s *Session) Value(id string) string {
	if f, ok := fields[id]; ok {
		return f.get(s)
	}
	return ""
}

// Placeholder fills a field's placeholder for the session's track.
func (s *Session) Placeholder(r onboarding.Row) string {
	return strings.NewReplacer("{track}", strings.ToLower(s.Progress.Track.Label()), "{rookenv}", string(s.ROOKEnv())).Replace(r.Placeholder)
}

// Intro is step st's intro for the session's track.
func (s *Session) Intro(st onboarding.Step) string {
	return onboarding.SpecOf(st).IntroFor(s.Progress.Env)
}

// Loopback is the app's loopback redirect URI, the default until one is set.
func (s *Session) Loopback() string {
	if a := s.App(); a.RedirectURI == "" {
		a.RedirectURI = onboarding.DefaultLoopback
		if l := s.prefill().Loopback; l != "" {
			a.RedirectURI = l // the demo app's registered one
		}
	}
	return s.App().RedirectURI
}

// CheckClientID refuses a Client ID Dexcom cannot have (empty, spaces,
// control characters), for front ends that take one outside the steps.
func CheckClientID(id string) error {
	_, err := credential("the Client ID", id)
	return err
}

// credential checks a Client ID or Secret with onboarding's rules.
func credential(name, v string) (string, error) {
	v = strings.TrimSpace(v)
	check := onboarding.ValidateClientID
	if name == "the Client Secret" {
		check = onboarding.ValidateClientSecret
	}
	return v, check(v)
}

// StoreCredentials checks and stores the Client ID and Secret on the track's
// app and completes step 3.
func (s *Session) StoreCredentials(id, sec string) error {
	id, err := credential("the Client ID", id)
	if err != nil {
		return err
	}
	sec, err = credential("the Client Secret", sec)
	if err != nil {
		return err
	}
	a := s.App()
	a.ClientID, a.ClientSecret = id, secret.New(sec)
	s.Progress.MarkDone(onboarding.CollectCredentials, s.Time())
	s.flagStaleSeal()
	return nil
}

// CredentialNotes are what to know about the stored credentials that does
// not refuse them: the other track's app has the same Client ID (Dexcom
// gives each app its own), or the sealed hand-off holds the old ones.
func (s *Session) CredentialNotes() []string {
	var notes []string
	id := s.App().ClientID
	for env, other := range s.Profile.Apps {
		if env != s.Progress.Env && id != "" && other.ClientID == id {
			notes = append(notes, fmt.Sprintf("the %s app has the same Client ID: Dexcom gives each app its own, so check this one was copied from the %s app's page",
				trackOf(env), trackOf(s.Progress.Env)))
			break
		}
	}
	if s.sealStale() {
		notes = append(notes, "step 4: "+ErrStaleHandoff.Error())
	}
	return notes
}

// trackOf names the app of env: sandbox or production.
func trackOf(env dexcom.Environment) string {
	if env == dexcom.Sandbox {
		return "sandbox"
	}
	return "production"
}

// ReplyURL takes the https URL out of ROOK's reply, or the text as it is.
func ReplyURL(text string) string {
	for _, f := range strings.Fields(text) {
		if strings.HasPrefix(f, "https://") {
			return f
		}
	}
	return strings.TrimSpace(text)
}

// RedirectURLs are the URLs step 5 registers: ROOK's (once known) and the loopback.
func (s *Session) RedirectURLs() []string {
	var out []string
	if u := s.App().ROOKRedirectURL; u != "" {
		out = append(out, u)
	}
	return append(out, s.Loopback())
}

// Answer checks an answer to a field of step st and, when the field stores
// itself, stores it and settles the step. It returns the cleaned value.
func (s *Session) Answer(st onboarding.Step, r onboarding.Row, answer string) (string, error) {
	f, ok := fields[r.ID]
	if !ok {
		return "", fmt.Errorf("step %s has no field %q", st, r.ID)
	}
	v, err := f.check(s, answer)
	if err != nil || f.set == nil || (v == "" && r.Optional && f.get(s) == "") {
		return v, err
	}
	f.set(s, v)
	s.Settle(st)
	return v, nil
}
