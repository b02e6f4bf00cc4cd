package handoff

import (
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/vault"
)

// ErrInvalid is wrapped by every FieldError.
var ErrInvalid = errors.New("the hand-off carries a field dexonboard refuses")

// Limits on what a hand-off may hold. A sealed hand-off is about 1 KiB.
const (
	maxSealed     = 64 << 10
	maxPayload    = 16 << 10
	maxCompanyLen = 200
	maxProfileLen = 80 // as vault.ValidateProfileName
)

// FieldError says which field of a hand-off was refused and why.
type FieldError struct {
	Field   string // the payload's JSON name, e.g. "client_id"
	Problem string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("the hand-off's %s %s", e.Field, e.Problem)
}

// Unwrap makes errors.Is(err, ErrInvalid) work.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Validate checks every field of p before any of it is trusted: the id,
// the dates, names without control characters and within the wizard's
// lengths, a known environment, and the app name, Client ID, Secret and
// loopback Redirect URI by the same rules (internal/onboarding) as every
// other entry point.
func Validate(p *Payload) error {
	bad := func(field, problem string, args ...any) error {
		return &FieldError{Field: field, Problem: fmt.Sprintf(problem, args...)}
	}
	if b, err := hex.DecodeString(p.ID); err != nil || len(b) < 8 || len(b) > 32 {
		return bad("id", "is not a hand-off id (16 to 64 hex digits)")
	}
	switch {
	case p.Created.IsZero():
		return bad("created", "is missing")
	case !p.Expires.After(p.Created):
		return bad("expires", "is not after its creation")
	}
	if err := vault.ValidateProfileName(p.Profile); err != nil {
		return bad("profile", "is refused: %v", err)
	}
	if err := plainText(p.Profile, maxProfileLen); err != "" {
		return bad("profile", "%s", err)
	}
	if err := plainText(p.Company, maxCompanyLen); err != "" {
		return bad("company", "%s", err)
	}
	if p.AppName != "" {
		if err := onboarding.ValidateAppName(p.AppName); err != nil {
			return bad("app_name", "is refused: %v", err)
		}
	}
	if env, err := dexcom.ParseEnvironment(p.Environment); err != nil || string(env) != p.Environment || env == dexcom.Custom {
		return bad("environment", "is not one of sandbox, us, eu or jp")
	}
	if err := onboarding.ValidateClientID(p.ClientID); err != nil {
		return bad("client_id", "is refused: %v", err)
	}
	if err := onboarding.ValidateClientSecret(p.ClientSecret.Reveal()); err != nil {
		return bad("client_secret", "is refused: %v", err)
	}
	if p.RedirectURI != "" {
		if err := onboarding.ValidateRedirectURI(p.RedirectURI); err != nil {
			return bad("redirect_uri", "is refused: %v", err)
		}
	}
	return nil
}

// plainText says what is wrong with a name from outside, or "".
func plainText(s string, max int) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case safetext.Has(s):
		return "contains control characters or terminal escapes"
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("is longer than %d characters", max)
	}
	return ""
}
