package vault

import (
	"errors"
	"time"

	"github.com/tryrook/dexonboard/internal/secret"
	bolt "go.etcd.io/bbolt"
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

// RecordHandoffOpened remembers that hand-off id was opened into a profile;
// a second time it refuses, so each hand-off is one-time.
func (v *Vault) RecordHandoffOpened(id, profileID string) error {
	key := []byte(handoffOpenedPref + id)
	return v.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketHandoffs).Get(key) != nil {
			return ErrHandoffReplay
		}
		if err := v.putSealed(tx, bucketHandoffs, key, openedRecord{At: v.opts.Now().UTC(), ProfileID: profileID}); err != nil {
			return err
		}
		return v.appendAuditID(tx, profileID, "hand-off opened", "id "+id)
	})
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
