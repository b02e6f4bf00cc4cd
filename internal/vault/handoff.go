package vault

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Hand-off errors.
var (
	ErrNoIdentity     = errors.New("this vault has no hand-off key: create one with dexonboard handoff keygen")
	ErrHandoffReplay  = errors.New("this hand-off was already opened (each can be opened once)")
	keyHandoffID      = []byte("identity")
	handoffOpenedPref = "opened/"
)

type identityRecord struct {
	Identity  string    `json:"identity"`
	Recipient string    `json:"recipient"`
	Created   time.Time `json:"created"`
}

// SetHandoffIdentity stores the CSE's age identity (replacing any).
func (v *Vault) SetHandoffIdentity(identity secret.String, recipient string) error {
	rec := identityRecord{Identity: identity.Reveal(), Recipient: recipient, Created: v.opts.Now().UTC()}
	return v.update(func(tx *bolt.Tx) error {
		if err := v.putSealed(tx, bucketHandoffs, keyHandoffID, rec); err != nil {
			return err
		}
		return v.appendAudit(tx, nil, "hand-off key created", recipient)
	})
}

// HandoffIdentity returns the stored identity and its public recipient.
func (v *Vault) HandoffIdentity() (secret.String, string, error) {
	var rec identityRecord
	var found bool
	err := v.view(func(tx *bolt.Tx) (err error) {
		found, err = v.getSealed(tx, bucketHandoffs, keyHandoffID, &rec)
		return err
	})
	if err != nil {
		return secret.String{}, "", err
	}
	if !found {
		return secret.String{}, "", ErrNoIdentity
	}
	return secret.New(rec.Identity), rec.Recipient, nil
}

type openedRecord struct {
	At        time.Time `json:"at"`
	ProfileID string    `json:"profile_id"`
}

// StoreHandoff stores an opened hand-off in one transaction: it refuses an
// id opened before, finds the profile by name (or makes a new one), lets
// apply change it, writes it with its audit lines and records id as opened.
// If apply or the write fails, nothing is stored and the hand-off can be
// opened again.
func (v *Vault) StoreHandoff(id, profile string, apply func(p *onboarding.Profile, created bool) error) (*onboarding.Profile, error) {
	key := []byte(handoffOpenedPref + id)
	var out *onboarding.Profile
	err := v.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketHandoffs).Get(key) != nil {
			return ErrHandoffReplay
		}
		p, err := v.findProfile(tx, profile)
		created := errors.Is(err, ErrNoProfile)
		if created {
			p, err = v.newProfile(profile)
		}
		if err != nil {
			return err
		}
		old := recordOf(p)
		if err := apply(p, created); err != nil {
			return err
		}
		if err := v.putHandedOff(tx, p, old, created); err != nil {
			return err
		}
		if err := v.putSealed(tx, bucketHandoffs, key, openedRecord{At: v.opts.Now().UTC(), ProfileID: p.ID}); err != nil {
			return err
		}
		out = p
		return v.appendAudit(tx, p, "hand-off opened", "id "+id)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// putHandedOff writes p, new or changed from old, with its audit lines.
func (v *Vault) putHandedOff(tx *bolt.Tx, p *onboarding.Profile, old profileRecord, created bool) error {
	if created {
		if err := v.putNewProfile(tx, p); err != nil {
			return err
		}
	}
	id, err := hex.DecodeString(p.ID)
	if err != nil || len(id) != 16 {
		return fmt.Errorf("%w: bad id", ErrNoProfile)
	}
	return v.putChanged(tx, id, p, old)
}

// HandoffOpened reports whether id was opened before.
func (v *Vault) HandoffOpened(id string) (bool, error) {
	var seen bool
	err := v.view(func(tx *bolt.Tx) error {
		seen = tx.Bucket(bucketHandoffs).Get([]byte(handoffOpenedPref+id)) != nil
		return nil
	})
	return seen, err
}
