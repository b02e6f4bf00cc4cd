package vault

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/oauth2"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// subKey is a profile id followed by a sub-name (an environment, a track).
func subKey(profileID, sub string) ([]byte, error) {
	id, err := hex.DecodeString(profileID)
	if err != nil || len(id) != 16 {
		return nil, fmt.Errorf("%w: bad profile id", ErrNoProfile)
	}
	return append(id, sub...), nil
}

// tokenRecord is an OAuth token as sealed.
type tokenRecord struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	TokenType    string    `json:"token_type"`
	Expiry       time.Time `json:"expiry"`
	Saved        time.Time `json:"saved"`
}

// SaveToken stores the newest token of a profile's app on env. Dexcom rotates
// refresh tokens, so this runs on every refresh, before the token is used.
func (v *Vault) SaveToken(profileID string, env dexcom.Environment, t *oauth2.Token) error {
	key, err := subKey(profileID, string(env))
	if err != nil {
		return err
	}
	rec := tokenRecord{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: t.TokenType, Expiry: t.Expiry, Saved: v.opts.Now().UTC()}
	return v.update(func(tx *bolt.Tx) error {
		first := tx.Bucket(bucketTokens).Get(key) == nil
		if err := v.putSealed(tx, bucketTokens, key, rec); err != nil {
			return err
		}
		what := "login refreshed"
		if first {
			what = "login saved"
		}
		return v.appendAuditID(tx, profileID, string(env)+" "+what, "")
	})
}

// Token returns the saved token of a profile's app on env, or nil.
func (v *Vault) Token(profileID string, env dexcom.Environment) (*oauth2.Token, error) {
	key, err := subKey(profileID, string(env))
	if err != nil {
		return nil, err
	}
	var rec tokenRecord
	var found bool
	err = v.view(func(tx *bolt.Tx) (err error) {
		found, err = v.getSealed(tx, bucketTokens, key, &rec)
		return err
	})
	if err != nil || !found {
		return nil, err
	}
	return &oauth2.Token{AccessToken: rec.AccessToken, RefreshToken: rec.RefreshToken, TokenType: rec.TokenType, Expiry: rec.Expiry}, nil
}

// DeleteToken forgets a saved login (after the refresh token was refused).
func (v *Vault) DeleteToken(profileID string, env dexcom.Environment) error {
	key, err := subKey(profileID, string(env))
	if err != nil {
		return err
	}
	return v.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketTokens).Get(key) == nil {
			return nil
		}
		if err := v.deleteRecord(tx, bucketTokens, key); err != nil {
			return err
		}
		return v.appendAuditID(tx, profileID, string(env)+" login forgotten", "")
	})
}

// SaveProgress stores one track's progress.
func (v *Vault) SaveProgress(profileID string, p *onboarding.Progress) error {
	key, err := subKey(profileID, string(p.Track))
	if err != nil {
		return err
	}
	return v.update(func(tx *bolt.Tx) error {
		var old onboarding.Progress
		if _, err := v.getSealed(tx, bucketProgress, key, &old); err != nil {
			return err
		}
		if err := v.putSealed(tx, bucketProgress, key, p); err != nil {
			return err
		}
		for _, s := range onboarding.Steps {
			if p.StatusOf(s) != old.StatusOf(s) {
				if err := v.appendAuditID(tx, profileID, fmt.Sprintf("%s track: %s %s", p.Track, s, p.StatusOf(s)), ""); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Progress returns a track's progress, or nil if it was never started.
func (v *Vault) Progress(profileID string, t onboarding.Track) (*onboarding.Progress, error) {
	key, err := subKey(profileID, string(t))
	if err != nil {
		return nil, err
	}
	var p onboarding.Progress
	var found bool
	err = v.view(func(tx *bolt.Tx) (err error) {
		found, err = v.getSealed(tx, bucketProgress, key, &p)
		return err
	})
	if err != nil || !found {
		return nil, err
	}
	return &p, nil
}

// AuditEntry is one line of the audit trail. It never holds a secret.
type AuditEntry struct {
	Seq       uint64    `json:"seq"`
	At        time.Time `json:"at"`
	ProfileID string    `json:"profile_id,omitempty"`
	Profile   string    `json:"profile,omitempty"`
	Action    string    `json:"action"`
	Detail    string    `json:"detail,omitempty"`
	PID       int       `json:"pid,omitempty"`
}

// AuditCap is how many audit entries a vault keeps: each new one past it
// drops the oldest, so the trail (and every write) stays the same size.
const AuditCap = 10_000

func (v *Vault) appendAudit(tx *bolt.Tx, p *onboarding.Profile, action, detail string) error {
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e := AuditEntry{Seq: seq, At: v.opts.Now().UTC(), Action: action, Detail: detail}
	if p != nil {
		e.ProfileID, e.Profile = p.ID, p.Name
	}
	if err := v.putSealed(tx, bucketAudit, binary.BigEndian.AppendUint64(nil, seq), e); err != nil {
		return err
	}
	return v.trimAudit(tx, seq)
}

// trimAudit drops the entries older than the newest AuditCap. Keys are
// big-endian sequence numbers, so the oldest come first; usually one goes.
func (v *Vault) trimAudit(tx *bolt.Tx, newest uint64) error {
	if newest <= AuditCap {
		return nil
	}
	c := tx.Bucket(bucketAudit).Cursor()
	for k, _ := c.First(); len(k) == 8 && binary.BigEndian.Uint64(k) <= newest-AuditCap; k, _ = c.First() {
		if err := v.deleteRecord(tx, bucketAudit, k); err != nil {
			return err
		}
	}
	return nil
}

// appendAuditID logs for a profile known by id, naming it as it is now.
func (v *Vault) appendAuditID(tx *bolt.Tx, profileID, action, detail string) error {
	p := &onboarding.Profile{ID: profileID}
	if id, err := hex.DecodeString(profileID); err == nil {
		var r profileRecord
		if ok, _ := v.getSealed(tx, bucketProfiles, id, &r); ok {
			p.Name = r.Name
		}
	}
	return v.appendAudit(tx, p, action, detail)
}

// Log appends a free entry to the audit trail (e.g. "handoff opened").
func (v *Vault) Log(profileID, action, detail string) error {
	return v.update(func(tx *bolt.Tx) error {
		return v.appendAuditID(tx, profileID, action, detail)
	})
}

// Audit returns the audit trail, oldest first; profileID "" gives all of it.
func (v *Vault) Audit(profileID string) ([]AuditEntry, error) {
	var out []AuditEntry
	err := v.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			var e AuditEntry
			if _, err := v.getSealed(tx, bucketAudit, k, &e); err != nil {
				return err
			}
			if profileID == "" || e.ProfileID == profileID {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}
