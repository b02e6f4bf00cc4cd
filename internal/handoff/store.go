package handoff

import (
	"errors"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

// Errors of storing an opened hand-off.
var (
	// ErrNeedsConfirmation: storing would replace what a profile holds, and
	// the person has not said yes. Each front end says how to say it.
	ErrNeedsConfirmation = errors.New("storing this hand-off replaces credentials the profile holds now")
	// ErrChanged: the profile changed between showing what would change and storing.
	ErrChanged = errors.New("the profile changed since the hand-off was opened: nothing was stored; open it again to see what would change now")
)

// Opening is a hand-off decrypted and checked, and what storing it would
// change. Nothing is written until Store.
type Opening struct {
	Payload    *Payload
	Code       string // the verification code to read out with the client
	Profile    string // the profile it goes into
	Env        dexcom.Environment
	NewProfile bool     // the profile does not exist yet
	Changes    []Change // what storing sets or replaces
	seen       snapshot // the profile as it was when Changes were worked out
}

// Change is one field storing sets or replaces. Secrets are masked.
type Change struct {
	Field    string // as people call it: "Client ID", "Client Secret", …
	Old, New string // Old is "" when the field is empty now
}

// Replaces reports whether storing overwrites a value the profile holds
// now; then the person must say yes first.
func (o *Opening) Replaces() bool {
	for _, c := range o.Changes {
		if c.Old != "" {
			return true
		}
	}
	return false
}

// Opened is what Store wrote.
type Opened struct {
	Code, Profile, ClientID, SecretHint string
	Env                                 dexcom.Environment
	NewProfile                          bool
}

// snapshot is what the changes were worked out from; Store refuses when
// the profile no longer matches it.
type snapshot struct {
	company, appName, clientID, secret, redirect string
}

func snapshotOf(p *onboarding.Profile, env dexcom.Environment) snapshot {
	s := snapshot{company: p.Company}
	if a, ok := p.Apps[env]; ok {
		s.appName, s.clientID, s.secret, s.redirect = a.Name, a.ClientID, a.ClientSecret.Reveal(), a.RedirectURI
	}
	return s
}

// Prepare opens a sealed hand-off with the vault's key and works out what
// storing it into profile (the one it names when "") would change. It
// writes nothing.
func Prepare(v *vault.Vault, sealed []byte, profile string, now time.Time) (*Opening, error) {
	identity, _, err := v.HandoffIdentity()
	if err != nil {
		return nil, err
	}
	pl, code, err := Open(sealed, identity, now)
	if err != nil {
		return nil, err
	}
	if seen, err := v.HandoffOpened(pl.ID); err != nil {
		return nil, err
	} else if seen {
		return nil, ErrAlreadyOpened
	}
	if profile == "" {
		profile = pl.Profile
	}
	if err := vault.ValidateProfileName(profile); err != nil {
		return nil, err
	}
	if safetext.Has(profile) {
		return nil, errors.New("profile name contains control characters or terminal escapes")
	}
	o := &Opening{Payload: pl, Code: code, Profile: profile, Env: dexcom.Environment(pl.Environment)}
	p, err := v.Profile(profile)
	switch {
	case errors.Is(err, vault.ErrNoProfile):
		o.NewProfile, p = true, &onboarding.Profile{Name: profile}
	case err != nil:
		return nil, err
	default:
		o.Profile = p.Name
	}
	o.seen = snapshotOf(p, o.Env)
	o.Changes = changes(p, o.Env, pl)
	return o, nil
}

// changes lists what apply would set or replace in p.
func changes(p *onboarding.Profile, env dexcom.Environment, pl *Payload) []Change {
	a, ok := p.Apps[env]
	if !ok {
		a = &onboarding.App{}
	}
	var out []Change
	add := func(field, old, cur string) {
		if old != cur {
			out = append(out, Change{Field: field, Old: safetext.Line(old), New: cur})
		}
	}
	if p.Company == "" {
		add("company", "", pl.Company)
	}
	add("Client ID", a.ClientID, pl.ClientID)
	if a.ClientSecret.Reveal() != pl.ClientSecret.Reveal() {
		out = append(out, Change{Field: "Client Secret", Old: hint(a.ClientSecret), New: pl.ClientSecret.Hint()})
	}
	if pl.AppName != "" {
		add("app name", a.Name, pl.AppName)
	}
	if pl.RedirectURI != "" {
		add("redirect URI", a.RedirectURI, pl.RedirectURI)
	}
	return out
}

func hint(s secret.String) string {
	if s.Empty() {
		return ""
	}
	return s.Hint()
}

// apply stores the payload's app into p.
func apply(p *onboarding.Profile, env dexcom.Environment, pl *Payload) {
	if p.Company == "" {
		p.Company = pl.Company
	}
	a := p.App(env)
	a.ClientID, a.ClientSecret = pl.ClientID, pl.ClientSecret
	if pl.AppName != "" {
		a.Name = pl.AppName
	}
	if pl.RedirectURI != "" {
		a.RedirectURI = pl.RedirectURI
	}
}

// Store writes the opening into the vault in one transaction: the profile
// and the record that the hand-off was opened, or neither. replace is the
// person's yes, needed when Replaces.
func (o *Opening) Store(v *vault.Vault, replace bool) (*Opened, error) {
	if o.Replaces() && !replace {
		return nil, ErrNeedsConfirmation
	}
	p, err := v.StoreHandoff(o.Payload.ID, o.Profile, func(p *onboarding.Profile, created bool) error {
		if created != o.NewProfile || snapshotOf(p, o.Env) != o.seen {
			return ErrChanged
		}
		apply(p, o.Env, o.Payload)
		return nil
	})
	switch {
	case errors.Is(err, vault.ErrHandoffReplay):
		return nil, ErrAlreadyOpened
	case err != nil:
		return nil, err
	}
	return &Opened{Code: o.Code, Profile: p.Name, ClientID: o.Payload.ClientID, SecretHint: o.Payload.ClientSecret.Hint(),
		Env: o.Env, NewProfile: o.NewProfile}, nil
}
