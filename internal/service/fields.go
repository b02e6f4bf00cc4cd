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

// DefaultLoopback is the redirect URI the self-check uses unless the app has another.
const DefaultLoopback = "http://localhost:8765/callback"

var appNameRow = Row{Kind: Field, ID: FieldAppName, Label: "App name, as in the portal", Limit: 80,
	Placeholder: "e.g. Acme Health {track}",
	Get:         func(s *Session) string { return s.App().Name },
	Check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", &InputError{Field: "the app name", Problem: Empty}
		}
		return v, onboarding.ValidateAppName(v)
	},
	Set: func(s *Session, v string) { s.App().Name = v },
}

var appDescriptionRow = Row{Kind: Field, ID: FieldDescription, Label: "Description", Limit: 200, Optional: true,
	Placeholder: "what the app does with Dexcom data",
	Get:         func(s *Session) string { return s.App().Description },
	Check:       func(_ *Session, v string) (string, error) { return strings.TrimSpace(v), nil },
	Set:         func(s *Session, v string) { s.App().Description = v },
}

var clientIDRow = Row{Kind: Field, ID: FieldClientID, Label: "Client ID", Limit: 128,
	Placeholder: "Client ID from the app's page",
	Get: func(s *Session) string {
		if s.App().ClientID == "" {
			return s.prefill().ClientID
		}
		return s.App().ClientID
	},
	Check: func(_ *Session, v string) (string, error) { return credential("the Client ID", v) },
}

var clientSecretRow = Row{Kind: Field, ID: FieldClientSecret, Label: "Client Secret", Limit: 128, Secret: true,
	Placeholder: "Client Secret (hidden; paste works)", Hint: "shown as dots; stored only in the encrypted vault",
	Get: func(s *Session) string {
		if p := s.prefill().ClientSecret; p != "" && s.App().ClientID == "" {
			return p
		}
		return s.App().ClientSecret.Reveal()
	},
	Check: func(_ *Session, v string) (string, error) { return credential("the Client Secret", v) },
}

var recipientRow = Row{Kind: Field, ID: FieldRecipient, Label: "ROOK engineer's public key", Limit: 200, Optional: true,
	Placeholder: "age1… (your CSE's public key)", Hint: "from dexonboard handoff keygen on their side; not secret",
	Get: func(s *Session) string {
		return s.prefill().Recipient
	},
	Check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if _, err := handoff.Recipient(v); err != nil {
			return "", &InputError{Field: "the public key", Problem: BadKey, Detail: err.Error()}
		}
		return v, nil
	},
}

var rookRedirectRow = Row{Kind: Field, ID: FieldROOKRedirect, Label: "Redirect URL returned by ROOK", Limit: 300,
	Placeholder: "https://… (the Redirect URL your CSE sent)",
	Hint:        "https, no #fragment; paste the URL or ROOK's whole reply; enter stores it",
	Get: func(s *Session) string {
		if s.App().ROOKRedirectURL == "" {
			return s.prefill().ROOKRedirect
		}
		return s.App().ROOKRedirectURL
	},
	Check: func(s *Session, v string) (string, error) {
		v = ReplyURL(v)
		return v, ValidateROOKRedirectFor(v, s.loopbackROOK())
	},
	Set: func(s *Session, v string) { s.App().ROOKRedirectURL = v },
}

var loopbackRow = Row{Kind: Field, ID: FieldLoopback, Label: "Loopback Redirect URL for the self-check (step 6)", Limit: 200,
	Placeholder: DefaultLoopback, Hint: "http://localhost:PORT/PATH; enter stores it",
	Get: func(s *Session) string { return s.Loopback() },
	Check: func(_ *Session, v string) (string, error) {
		v = strings.TrimSpace(v)
		if _, err := connect.ParseRedirect(v); err != nil {
			return "", &InputError{Field: "the loopback Redirect URL", Problem: NotLoopback, Detail: err.Error()}
		}
		return v, nil
	},
	Set: func(s *Session, v string) { s.App().RedirectURI = v },
}

// PlaceholderFor fills a field's placeholder for the session's track.
func (r Row) PlaceholderFor(s *Session) string {
	return strings.NewReplacer("{track}", strings.ToLower(s.Progress.Track.Label()), "{rookenv}", string(s.ROOKEnv())).Replace(r.Placeholder)
}

// Loopback is the app's loopback redirect URI, the default until one is set.
func (s *Session) Loopback() string {
	if a := s.App(); a.RedirectURI == "" {
		a.RedirectURI = DefaultLoopback
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
func (s *Session) Answer(st onboarding.Step, r Row, answer string) (string, error) {
	v, err := r.Check(s, answer)
	if err != nil || r.Set == nil || (v == "" && r.Optional && r.Get(s) == "") {
		return v, err
	}
	r.Set(s, v)
	s.Settle(st)
	return v, nil
}
