// Package handoff seals an app's credentials for a ROOK customer-success
// engineer with age (X25519), so the client can hand them over end-to-end
// encrypted, one time, and both sides can confirm they hold the same thing.
package handoff

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Version is the payload format this program writes and reads.
const Version = 1

// DefaultExpiry is how long a sealed hand-off can be opened.
const DefaultExpiry = 7 * 24 * time.Hour

// Errors, each with what to do.
var (
	ErrNotAge        = errors.New("this is not an age-encrypted hand-off (it should start with " + armor.Header + ")")
	ErrWrongIdentity = errors.New("this was sealed for another key: ask the client to seal it again for your public key")
	ErrExpired       = errors.New("this hand-off has expired: ask the client to seal a new one")
	ErrAlreadyOpened = errors.New("this hand-off was already opened (each can be opened once): ask the client for a new one if needed")
	ErrDamaged       = errors.New("the hand-off is damaged (its armor or contents do not check): ask the client to send it again")
	ErrVersion       = errors.New("the hand-off uses a payload version this dexonboard does not know: update dexonboard")
)

// Payload is what a hand-off carries.
type Payload struct {
	ID           string
	Created      time.Time
	Expires      time.Time
	Profile      string
	Company      string
	Environment  string
	AppName      string
	ClientID     string
	ClientSecret secret.String
	RedirectURI  string
}

// wire is the sealed JSON; the secret is in the clear only inside age.
type wire struct {
	Version      int       `json:"version"`
	ID           string    `json:"id"`
	Created      time.Time `json:"created"`
	Expires      time.Time `json:"expires"`
	Profile      string    `json:"profile"`
	Company      string    `json:"company,omitempty"`
	Environment  string    `json:"environment"`
	AppName      string    `json:"app_name,omitempty"`
	ClientID     string    `json:"client_id"`
	ClientSecret string    `json:"client_secret"`
	RedirectURI  string    `json:"redirect_uri,omitempty"`
}

// NewID is a random hand-off id.
func NewID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// NewIdentity makes an X25519 identity; the recipient (age1…) is public.
func NewIdentity() (identity secret.String, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return secret.String{}, "", err
	}
	return secret.New(id.String()), id.Recipient().String(), nil
}

// Recipient checks and returns the public key of an age1… string.
func Recipient(s string) (string, error) {
	r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("%q is not an age public key (age1…): ask your ROOK contact for theirs", s)
	}
	return r.String(), nil
}

// VerificationCode is a short code both sides read out to confirm they
// hold the same hand-off: from a hash of the payload.
func VerificationCode(payload []byte) string {
	sum := sha256.Sum256(payload)
	c := base32.StdEncoding.EncodeToString(sum[:])[:12]
	return c[:4] + "-" + c[4:8] + "-" + c[8:12]
}

// Seal encrypts p to recipient as ASCII-armored age and returns the code.
func Seal(p Payload, recipient string) ([]byte, string, error) {
	if err := Validate(&p); err != nil {
		return nil, "", fmt.Errorf("cannot seal: %w (the other side would refuse it)", err)
	}
	r, err := age.ParseX25519Recipient(strings.TrimSpace(recipient))
	if err != nil {
		return nil, "", fmt.Errorf("%q is not an age public key (age1…)", recipient)
	}
	plain, err := json.Marshal(wire{Version: Version, ID: p.ID, Created: p.Created.UTC(), Expires: p.Expires.UTC(), Profile: p.Profile,
		Company: p.Company, Environment: p.Environment, AppName: p.AppName, ClientID: p.ClientID,
		ClientSecret: p.ClientSecret.Reveal(), RedirectURI: p.RedirectURI})
	if err != nil {
		return nil, "", err
	}
	defer secret.Wipe(plain)
	var out bytes.Buffer
	aw := armor.NewWriter(&out)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		return nil, "", err
	}
	if _, err := w.Write(plain); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	if err := aw.Close(); err != nil {
		return nil, "", err
	}
	return out.Bytes(), VerificationCode(plain), nil
}

// Open decrypts a hand-off with identity and checks its size, version,
// every field (Validate) and expiry. Checking that its id was not opened
// before is the caller's (the vault's).
func Open(sealed []byte, identity secret.String, now time.Time) (*Payload, string, error) {
	if len(sealed) > maxSealed {
		return nil, "", fmt.Errorf("%w (it is %d bytes; a hand-off is about 1 KiB)", ErrDamaged, len(sealed))
	}
	text := bytes.TrimSpace(sealed)
	if !bytes.HasPrefix(text, []byte(armor.Header)) {
		return nil, "", ErrNotAge
	}
	id, err := age.ParseX25519Identity(identity.Reveal())
	if err != nil {
		return nil, "", fmt.Errorf("the stored identity is unreadable: %w", err)
	}
	r, err := age.Decrypt(armor.NewReader(bytes.NewReader(text)), id)
	var nomatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &nomatch):
		return nil, "", ErrWrongIdentity
	case err != nil:
		return nil, "", fmt.Errorf("%w (%v)", ErrDamaged, err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxPayload+1))
	defer secret.Wipe(plain)
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("%w (%v)", ErrDamaged, err)
	case len(plain) > maxPayload:
		return nil, "", fmt.Errorf("%w (its contents are over %d KiB; a hand-off holds well under 1 KiB)", ErrDamaged, maxPayload>>10)
	}
	p, err := parsePayload(plain)
	if err != nil {
		return nil, "", err
	}
	if !now.Before(p.Expires) {
		return nil, "", fmt.Errorf("%w (expired %s)", ErrExpired, p.Expires.Format(time.RFC3339))
	}
	return p, VerificationCode(plain), nil
}

// parsePayload reads the decrypted JSON and validates every field.
func parsePayload(plain []byte) (*Payload, error) {
	var w wire
	if err := json.Unmarshal(plain, &w); err != nil {
		return nil, fmt.Errorf("%w (payload is not JSON)", ErrDamaged)
	}
	if w.Version != Version {
		return nil, fmt.Errorf("%w (version %d)", ErrVersion, w.Version)
	}
	p := &Payload{ID: w.ID, Created: w.Created, Expires: w.Expires, Profile: w.Profile, Company: w.Company,
		Environment: w.Environment, AppName: w.AppName, ClientID: w.ClientID, ClientSecret: secret.New(w.ClientSecret),
		RedirectURI: w.RedirectURI}
	if err := Validate(p); err != nil {
		return nil, fmt.Errorf("%w: nothing was stored; ask the client to correct it and seal it again", err)
	}
	return p, nil
}

// Reply is the short message the CSE sends back: ROOK's redirect URL. It
// holds no secret.
func Reply(profile, env, redirectURL string) string {
	return fmt.Sprintf("ROOK redirect URL for %s (%s):\n%s\nPaste it into dexonboard, Step 4, and register it in the Dexcom app (Step 5).\n", profile, env, redirectURL)
}
