package service

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// SealHandoff seals a profile's app on env for recipient.
func SealHandoff(p *onboarding.Profile, env dexcom.Environment, recipient string, now time.Time, ttl time.Duration) ([]byte, string, error) {
	a, ok := p.Apps[env]
	if !ok || a.ClientID == "" || a.ClientSecret.Empty() {
		return nil, "", fmt.Errorf("profile %q has no %s credentials to seal: %w", p.Name, env.Label(), ErrNoCredentials)
	}
	if ttl <= 0 {
		ttl = handoff.DefaultExpiry
	}
	return handoff.Seal(handoff.Payload{ID: handoff.NewID(), Created: now, Expires: now.Add(ttl), Profile: p.Name, Company: p.Company,
		Environment: string(env), AppName: a.Name, ClientID: a.ClientID, ClientSecret: a.ClientSecret, RedirectURI: a.RedirectURI}, recipient)
}

// Sealed is a hand-off written to a file.
type Sealed struct {
	Path, Code string
	Print      string // which credentials it holds (credentialsPrint)
	Armored    []byte
}

// Seal checks the recipient, snapshots the profile and returns the sealing,
// which may run in the background: it writes a new 0600 file in ExportDir.
func (s *Session) Seal(recipient string) (func() (*Sealed, error), error) {
	recipient = strings.TrimSpace(recipient)
	if _, err := fields[onboarding.FieldRecipient].check(s, recipient); err != nil {
		return nil, err
	}
	if recipient == "" {
		return nil, &InputError{Field: "the public key", Problem: Empty}
	}
	prof, env, now, dir := CloneProfile(s.Profile), s.Progress.Env, s.Time(), s.ExportDir
	fp := credentialsPrint(prof.App(env))
	return func() (*Sealed, error) {
		armored, code, err := SealHandoff(prof, env, recipient, now, 0)
		if err != nil {
			return nil, err
		}
		name := fmt.Sprintf("dexonboard-handoff-%s-%s-%s.age", Slug(prof.Name), env, now.UTC().Format("20060102-150405"))
		path, err := WriteNew(dir, name, armored)
		if err != nil {
			return nil, err
		}
		return &Sealed{Path: path, Code: code, Armored: armored, Print: fp}, nil
	}, nil
}

// RecordSeal keeps the verification code on step 4, and a fingerprint of
// the credentials sealed, so a later change of them shows the file stale.
func (s *Session) RecordSeal(sl *Sealed) {
	s.Progress.SetField(onboarding.ShareWithROOK, "verification_code", sl.Code, s.Time())
	s.Progress.SetField(onboarding.ShareWithROOK, sealedField, sl.Print, s.Time())
}

// sealedField is step 4's record of which credentials the hand-off holds.
const sealedField = "sealed_credentials"

// ErrStaleHandoff is why step 4 needs attention after new credentials.
var ErrStaleHandoff = errors.New("the Client ID or Secret changed after the hand-off was sealed: seal it again and send ROOK the new file")

// credentialsPrint identifies an app's Client ID and Secret without
// holding them (a hash; it is kept in the encrypted vault all the same).
func credentialsPrint(a *onboarding.App) string {
	sum := sha256.Sum256([]byte(a.ClientID + "\x00" + a.ClientSecret.Reveal()))
	return hex.EncodeToString(sum[:8])
}

// flagStaleSeal unticks step 4 and says why when the sealed hand-off holds
// other credentials than the app's.
func (s *Session) flagStaleSeal() {
	if !s.sealStale() {
		return
	}
	if st, ok := s.Progress.Steps[onboarding.ShareWithROOK]; ok {
		delete(st.Checked, onboarding.TickShared)
	}
	s.Progress.MarkAttention(onboarding.ShareWithROOK, ErrStaleHandoff.Error(), s.Time())
}

// WriteNew writes a new 0600 file in dir (default: the working directory),
// never replacing one, and returns its absolute path.
func WriteNew(dir, name string, b []byte) (string, error) {
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path) // no half-written file left to send or open
		return "", err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path, nil
}

// Slug is a name made safe for a file name.
func Slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// sealStale: a hand-off was sealed, with other credentials than the app's.
func (s *Session) sealStale() bool {
	sealed := s.Progress.Field(onboarding.ShareWithROOK, sealedField)
	return sealed != "" && sealed != credentialsPrint(s.App())
}
