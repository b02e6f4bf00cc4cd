package ui

import (
	"errors"
	"fmt"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/vault"
)

// SealHandoff seals a profile's app on env for recipient.
func SealHandoff(p *vault.Profile, env dexcom.Environment, recipient string, now time.Time, ttl time.Duration) ([]byte, string, error) {
	a, ok := p.Apps[env]
	if !ok || a.ClientID == "" || a.ClientSecret.Empty() {
		return nil, "", fmt.Errorf("profile %q has no %s credentials to seal yet (step 3)", p.Name, env.Label())
	}
	if ttl <= 0 {
		ttl = handoff.DefaultExpiry
	}
	return handoff.Seal(handoff.Payload{ID: handoff.NewID(), Created: now, Expires: now.Add(ttl), Profile: p.Name, Company: p.Company,
		Environment: string(env), AppName: a.Name, ClientID: a.ClientID, ClientSecret: a.ClientSecret, RedirectURI: a.RedirectURI}, recipient)
}

// Opened is what opening a hand-off stored.
type Opened struct {
	Code, Profile, ClientID, SecretHint string
	Env                                 dexcom.Environment
}

// OpenHandoff opens a sealed hand-off with the vault's key, refuses a
// replay, and stores the credentials into the named (or given) profile.
func OpenHandoff(v *vault.Vault, sealed []byte, profile string, now time.Time) (*Opened, error) {
	id, _, err := v.HandoffIdentity()
	if err != nil {
		return nil, err
	}
	pl, code, err := handoff.Open(sealed, id, now)
	if err != nil {
		return nil, err
	}
	if seen, err := v.HandoffOpened(pl.ID); err != nil {
		return nil, err
	} else if seen {
		return nil, handoff.ErrAlreadyOpened
	}
	env, err := dexcom.ParseEnvironment(pl.Environment)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", handoff.ErrDamaged, err)
	}
	if profile == "" {
		profile = pl.Profile
	}
	p, err := v.Profile(profile)
	if errors.Is(err, vault.ErrNoProfile) {
		p, err = v.CreateProfile(profile)
	}
	if err != nil {
		return nil, err
	}
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
	if err := v.RecordHandoffOpened(pl.ID, p.ID); err != nil {
		if errors.Is(err, vault.ErrHandoffReplay) {
			return nil, handoff.ErrAlreadyOpened
		}
		return nil, err
	}
	if err := v.SaveProfile(p); err != nil {
		return nil, err
	}
	return &Opened{Code: code, Profile: p.Name, ClientID: a.ClientID, SecretHint: a.ClientSecret.Hint(), Env: env}, nil
}
