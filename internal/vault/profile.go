package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Profile errors.
var (
	ErrNoProfile     = errors.New("no such profile")
	ErrProfileExists = errors.New("a profile with that name exists")
)

// profileRecord is what is sealed: the secret in the clear, inside the AEAD.
type profileRecord struct {
	Name      string                  `json:"name"`
	Company   string                  `json:"company,omitempty"`
	Notes     string                  `json:"notes,omitempty"`
	Created   time.Time               `json:"created"`
	Updated   time.Time               `json:"updated"`
	Apps      map[string]appRecord    `json:"apps,omitempty"`
	LastCheck *onboarding.CheckResult `json:"last_check,omitempty"`
}

type appRecord struct {
	Name            string `json:"name,omitempty"`
	Description     string `json:"description,omitempty"`
	ClientID        string `json:"client_id,omitempty"`
	ClientSecret    string `json:"client_secret,omitempty"`
	RedirectURI     string `json:"redirect_uri,omitempty"`
	ROOKRedirectURL string `json:"rook_redirect_url,omitempty"`
	ROOKClientUUID  string `json:"rook_client_uuid,omitempty"`
	ROOKSecretKey   string `json:"rook_secret_key,omitempty"`
	ROOKUserID      string `json:"rook_user_id,omitempty"`
	WebhookURL      string `json:"webhook_url,omitempty"`
}

func recordOf(p *onboarding.Profile) profileRecord {
	r := profileRecord{Name: p.Name, Company: p.Company, Notes: p.Notes, Created: p.Created, Updated: p.Updated,
		Apps: map[string]appRecord{}, LastCheck: p.LastCheck}
	for env, a := range p.Apps {
		r.Apps[string(env)] = appRecord{Name: a.Name, Description: a.Description, ClientID: a.ClientID,
			ClientSecret: a.ClientSecret.Reveal(), RedirectURI: a.RedirectURI, ROOKRedirectURL: a.ROOKRedirectURL,
			ROOKClientUUID: a.ROOKClientUUID, ROOKSecretKey: a.ROOKSecretKey.Reveal(), ROOKUserID: a.ROOKUserID, WebhookURL: a.WebhookURL}
	}
	return r
}

func (r profileRecord) profile(id string) *onboarding.Profile {
	// A name stored before names were checked may hold anything: read it clean.
	p := &onboarding.Profile{ID: id, Name: safetext.Line(r.Name), Company: r.Company, Notes: r.Notes, Created: r.Created, Updated: r.Updated,
		Apps: map[dexcom.Environment]*onboarding.App{}, LastCheck: r.LastCheck}
	for env, a := range r.Apps {
		e := dexcom.Environment(env)
		p.Apps[e] = &onboarding.App{Env: e, Name: a.Name, Description: a.Description, ClientID: a.ClientID,
			ClientSecret: secret.New(a.ClientSecret), RedirectURI: a.RedirectURI, ROOKRedirectURL: a.ROOKRedirectURL,
			ROOKClientUUID: a.ROOKClientUUID, ROOKSecretKey: secret.New(a.ROOKSecretKey), ROOKUserID: a.ROOKUserID, WebhookURL: a.WebhookURL}
	}
	return p
}

// putSealed seals v as JSON into bucket/key, wiping the plaintext after.
func (v *Vault) putSealed(tx *bolt.Tx, bucket, key []byte, val any) error {
	plain, err := json.Marshal(val)
	if err != nil {
		return err
	}
	defer secret.Wipe(plain)
	sealed, err := v.seal.seal(bucket, key, plain)
	if err != nil {
		return err
	}
	return v.putRecord(tx, bucket, key, sealed)
}

// getSealed opens bucket/key into out; false when absent.
func (v *Vault) getSealed(tx *bolt.Tx, bucket, key []byte, out any) (bool, error) {
	raw := tx.Bucket(bucket).Get(key)
	if raw == nil {
		return false, nil
	}
	plain, err := v.seal.open(bucket, key, raw)
	if err != nil {
		return false, fmt.Errorf("%w: record %s/%x is damaged or was modified (%v)", ErrModified, bucket, key[:min(6, len(key))], err)
	}
	defer secret.Wipe(plain)
	if err := json.Unmarshal(plain, out); err != nil {
		return false, fmt.Errorf("%w: record %s/%x is unreadable", ErrDamaged, bucket, key[:min(6, len(key))])
	}
	return true, nil
}

// allProfiles decrypts every profile (names live only inside the records).
func (v *Vault) allProfiles(tx *bolt.Tx) ([]*onboarding.Profile, error) {
	var out []*onboarding.Profile
	c := tx.Bucket(bucketProfiles).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		var r profileRecord
		if _, err := v.getSealed(tx, bucketProfiles, k, &r); err != nil {
			return nil, err
		}
		out = append(out, r.profile(hex.EncodeToString(k)))
	}
	slices.SortFunc(out, func(a, b *onboarding.Profile) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, nil
}

func (v *Vault) findProfile(tx *bolt.Tx, name string) (*onboarding.Profile, error) {
	all, err := v.allProfiles(tx)
	if err != nil {
		return nil, err
	}
	for _, p := range all {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%w: %q (dexonboard vault list shows them)", ErrNoProfile, name)
}

// Profiles lists every profile by name.
func (v *Vault) Profiles() ([]*onboarding.Profile, error) {
	var out []*onboarding.Profile
	err := v.view(func(tx *bolt.Tx) (err error) {
		out, err = v.allProfiles(tx)
		return err
	})
	return out, err
}

// Profile finds a profile by name, ignoring case.
func (v *Vault) Profile(name string) (*onboarding.Profile, error) {
	var p *onboarding.Profile
	err := v.view(func(tx *bolt.Tx) (err error) {
		p, err = v.findProfile(tx, name)
		return err
	})
	return p, err
}

// ValidateProfileName refuses names a person could not type back.
func ValidateProfileName(name string) error {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return errors.New("profile name is empty")
	case len(name) > 80:
		return errors.New("profile name is longer than 80 characters")
	case safetext.Has(name):
		return fmt.Errorf("profile name %q contains control characters or terminal escapes (written above as \\x.. or \\u.. codes); use letters, digits, spaces and punctuation only", name)
	}
	return nil
}

// CreateProfile adds a new, empty profile.
func (v *Vault) CreateProfile(name string) (*onboarding.Profile, error) {
	p, err := v.newProfile(name)
	if err != nil {
		return nil, err
	}
	err = v.update(func(tx *bolt.Tx) error {
		if _, err := v.findProfile(tx, p.Name); err == nil {
			return fmt.Errorf("%w: %q", ErrProfileExists, p.Name)
		}
		return v.putNewProfile(tx, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// newProfile makes an empty profile with a fresh random id; nothing is stored.
func (v *Vault) newProfile(name string) (*onboarding.Profile, error) {
	name = strings.TrimSpace(name)
	if err := ValidateProfileName(name); err != nil {
		return nil, err
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	now := v.opts.Now().UTC()
	return &onboarding.Profile{ID: hex.EncodeToString(id), Name: name, Created: now, Updated: now, Apps: map[dexcom.Environment]*onboarding.App{}}, nil
}

// putNewProfile stores a profile made by newProfile, in tx.
func (v *Vault) putNewProfile(tx *bolt.Tx, p *onboarding.Profile) error {
	id, _ := hex.DecodeString(p.ID)
	if err := v.putSealed(tx, bucketProfiles, id, recordOf(p)); err != nil {
		return err
	}
	return v.appendAudit(tx, p, "profile created", "")
}

// SaveProfile writes p, recording in the audit trail what changed.
func (v *Vault) SaveProfile(p *onboarding.Profile) error {
	id, err := hex.DecodeString(p.ID)
	if err != nil || len(id) != 16 {
		return fmt.Errorf("%w: bad id", ErrNoProfile)
	}
	return v.update(func(tx *bolt.Tx) error {
		var old profileRecord
		ok, err := v.getSealed(tx, bucketProfiles, id, &old)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: %q was deleted", ErrNoProfile, p.Name)
		}
		if old.Name != p.Name {
			if err := ValidateProfileName(p.Name); err != nil {
				return err
			}
		}
		if !strings.EqualFold(old.Name, p.Name) {
			if other, err := v.findProfile(tx, p.Name); err == nil && other.ID != p.ID {
				return fmt.Errorf("%w: %q", ErrProfileExists, p.Name)
			}
		}
		return v.putChanged(tx, id, p, old)
	})
}

// putChanged writes p over old, stamping the time and auditing each change.
func (v *Vault) putChanged(tx *bolt.Tx, id []byte, p *onboarding.Profile, old profileRecord) error {
	p.Updated = v.opts.Now().UTC()
	if err := v.putSealed(tx, bucketProfiles, id, recordOf(p)); err != nil {
		return err
	}
	for _, change := range describeChanges(old, recordOf(p)) {
		if err := v.appendAudit(tx, p, change, ""); err != nil {
			return err
		}
	}
	return nil
}

// describeChanges names what changed, never the values of secrets.
func describeChanges(old, cur profileRecord) []string {
	var out []string
	if old.Name != cur.Name {
		out = append(out, fmt.Sprintf("renamed from %q", old.Name))
	}
	if old.Company != cur.Company || old.Notes != cur.Notes {
		out = append(out, "details changed")
	}
	envs := map[string]bool{}
	for e := range old.Apps {
		envs[e] = true
	}
	for e := range cur.Apps {
		envs[e] = true
	}
	keys := make([]string, 0, len(envs))
	for e := range envs {
		keys = append(keys, e)
	}
	slices.Sort(keys)
	for _, e := range keys {
		o, c := old.Apps[e], cur.Apps[e]
		if o.ClientID != c.ClientID {
			out = append(out, e+" client id "+setOrChanged(o.ClientID))
		}
		if !bytes.Equal([]byte(o.ClientSecret), []byte(c.ClientSecret)) {
			out = append(out, e+" client secret "+setOrChanged(o.ClientSecret))
		}
		if o.ROOKClientUUID != c.ROOKClientUUID || !bytes.Equal([]byte(o.ROOKSecretKey), []byte(c.ROOKSecretKey)) {
			out = append(out, e+" ROOK credentials changed")
		}
		if o.ROOKUserID != c.ROOKUserID || o.WebhookURL != c.WebhookURL {
			out = append(out, e+" ROOK test user or webhook changed")
		}
		if o.RedirectURI != c.RedirectURI || o.ROOKRedirectURL != c.ROOKRedirectURL {
			out = append(out, e+" redirect URLs changed")
		}
		if o.Name != c.Name || o.Description != c.Description {
			out = append(out, e+" app details changed")
		}
	}
	if cur.LastCheck != nil && (old.LastCheck == nil || !old.LastCheck.At.Equal(cur.LastCheck.At)) {
		status := "failed"
		if cur.LastCheck.OK {
			status = "verified"
		}
		out = append(out, string(cur.LastCheck.Env)+" check "+status)
	}
	return out
}

func setOrChanged(old string) string {
	if old == "" {
		return "set"
	}
	return "changed"
}

// RenameProfile changes a profile's name.
func (v *Vault) RenameProfile(oldName, newName string) error {
	if err := ValidateProfileName(newName); err != nil {
		return err
	}
	p, err := v.Profile(oldName)
	if err != nil {
		return err
	}
	p.Name = strings.TrimSpace(newName)
	return v.SaveProfile(p)
}

// DeleteProfile removes a profile with its tokens and progress. Callers ask
// the person to confirm first.
func (v *Vault) DeleteProfile(name string) error {
	return v.update(func(tx *bolt.Tx) error {
		p, err := v.findProfile(tx, name)
		if err != nil {
			return err
		}
		id, _ := hex.DecodeString(p.ID)
		if err := v.deleteRecord(tx, bucketProfiles, id); err != nil {
			return err
		}
		for _, b := range [][]byte{bucketTokens, bucketProgress} {
			// Collect first: deleting under a bbolt cursor skips the next key.
			var keys [][]byte
			c := tx.Bucket(b).Cursor()
			for k, _ := c.Seek(id); k != nil && bytes.HasPrefix(k, id); k, _ = c.Next() {
				keys = append(keys, bytes.Clone(k))
			}
			for _, k := range keys {
				if err := v.deleteRecord(tx, b, k); err != nil {
					return err
				}
			}
		}
		return v.appendAudit(tx, p, "profile deleted", "")
	})
}
