package onboarding

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/safetext"
)

// Limits on what a person types or a hand-off carries; the wizard's inputs
// stop at the same lengths.
const (
	MaxCredentialLen  = 128
	MaxAppNameLen     = 80
	MaxRedirectURLLen = 300
	MaxROOKUserIDLen  = 50  // ROOK's OpenAPI: ^[a-zA-Z0-9-]{1,50}$
	MaxROOKSecretLen  = 200 // the wizard's input stops here
)

// Every field taken from a person, a flag, a hand-off or a file has one
// function here; each entry point (vault add, the wizard and line mode,
// the hand-off, check) calls it, so a value refused in one place is
// refused in all.

// ValidateClientID checks the shape of a Dexcom Client ID (step 3).
func ValidateClientID(id string) error { return validCredential("the Client ID", id) }

// ValidateClientSecret checks the shape of a Client Secret (step 3). Its
// errors never hold the secret.
func ValidateClientSecret(s string) error { return validCredential("the Client Secret", s) }

// validCredential accepts what Dexcom issues: visible ASCII, no spaces.
func validCredential(name, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%s is empty: copy it from the app's page in the portal", name)
	case strings.ContainsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }):
		return fmt.Errorf("%s contains spaces: copy it again, without spaces or line breaks", name)
	case strings.ContainsFunc(v, func(r rune) bool { return r < '!' || r > '~' }):
		return fmt.Errorf("%s contains characters Dexcom never uses (only letters, digits and punctuation): copy it again", name)
	case len(v) < 8:
		return fmt.Errorf("%s is %d characters, shorter than Dexcom's: check that it was copied whole", name, len(v))
	case len(v) > MaxCredentialLen:
		return fmt.Errorf("%s is %d characters, longer than Dexcom's (at most %d): check what was copied", name, len(v), MaxCredentialLen)
	}
	return nil
}

// ValidateROOKRedirect accepts the Redirect URL ROOK returns (step 4): an
// https URL with a host and no #fragment.
func ValidateROOKRedirect(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return fmt.Errorf("paste the Redirect URL your CSE sent")
	case len(raw) > MaxRedirectURLLen:
		return fmt.Errorf("the Redirect URL is %d characters, longer than %d: paste only the URL", len(raw), MaxRedirectURLLen)
	case err != nil || u.Host == "":
		return fmt.Errorf("%q is not a URL", clip(raw))
	case u.Scheme != "https":
		return fmt.Errorf("the Redirect URL must start with https:// (it is %s)", clip(u.Scheme))
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("the Redirect URL must not contain a #fragment")
	case !uriChars(raw):
		return fmt.Errorf("the Redirect URL contains characters a URL never holds (spaces, quotes, < > or similar): paste only the URL")
	}
	return nil
}

// ValidateSimulatedROOKRedirect is ValidateROOKRedirect for ROOK's
// simulator (the demo, tests, a ROOK API on loopback): it also accepts
// http on a loopback host, which the simulator serves on. Real ROOK
// environments keep the https rule.
func ValidateSimulatedROOKRedirect(raw string) error {
	u, err := url.Parse(raw)
	if err == nil && u.Scheme == "http" && u.Fragment == "" && !strings.Contains(raw, "#") && len(raw) <= MaxRedirectURLLen && uriChars(raw) {
		switch u.Hostname() {
		case "127.0.0.1", "localhost", "::1":
			if u.Port() != "" {
				return nil
			}
		}
	}
	return ValidateROOKRedirect(raw)
}

// ValidateAppName accepts the app's name as the portal shows it: some
// visible text, valid UTF-8, no control character, terminal escape or
// bidi override, at most MaxAppNameLen characters.
func ValidateAppName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("the app name is empty: copy it from the app's page in the portal")
	case !utf8.ValidString(name):
		return fmt.Errorf("the app name is not valid UTF-8: type it again")
	case safetext.Has(name):
		return fmt.Errorf("the app name contains control characters, terminal escapes or direction overrides: type it again")
	case utf8.RuneCountInString(name) > MaxAppNameLen:
		return fmt.Errorf("the app name is %d characters, longer than %d: use the name the portal shows", utf8.RuneCountInString(name), MaxAppNameLen)
	}
	return nil
}

// ValidateRedirectURI accepts the loopback redirect URI of the self-check
// (step 5), as Dexcom matches it exactly: http on localhost, 127.0.0.1 or
// [::1], a port written out, a path of URL characters, no user, query or
// #fragment.
func ValidateRedirectURI(raw string) error {
	const hint = "register one such as http://localhost:8765/callback in the Dexcom app"
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return fmt.Errorf("the redirect URI is empty: %s", hint)
	case len(raw) > MaxRedirectURLLen:
		return fmt.Errorf("the redirect URI is %d characters, longer than %d: %s", len(raw), MaxRedirectURLLen, hint)
	case !uriChars(raw):
		return fmt.Errorf("the redirect URI contains characters a URL never holds (spaces, quotes, < > or similar): %s", hint)
	case strings.Contains(raw, "#"):
		return fmt.Errorf("the redirect URI must not contain a #fragment: %s", hint)
	case err != nil || u.Scheme != "http" || u.User != nil || u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("%q is not a loopback URL of the form http://localhost:PORT/PATH (no user, no ?query): %s", clip(raw), hint)
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
	default:
		return fmt.Errorf("%q points at %s, not this machine: %s", clip(raw), clip(u.Hostname()), hint)
	}
	if port, err := strconv.Atoi(u.Port()); err != nil || port < 0 || port > 65535 {
		return fmt.Errorf("%q has no valid port; Dexcom matches the port exactly, so it must be written out: %s", clip(raw), hint)
	}
	return nil
}

// ValidateROOKClientUUID accepts a ROOK client UUID as ROOK's client
// portal shows it: 8-4-4-4-12 hex digits.
func ValidateROOKClientUUID(id string) error {
	if len(id) != 36 {
		return fmt.Errorf("a ROOK client UUID looks like 4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13 (36 characters): copy it again from ROOK's client portal")
	}
	for i, r := range id {
		dash := i == 8 || i == 13 || i == 18 || i == 23
		if dash != (r == '-') || !dash && !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return fmt.Errorf("a ROOK client UUID looks like 4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13 (hex digits and dashes): copy it again from ROOK's client portal")
		}
	}
	return nil
}

// ValidateROOKSecretKey accepts a ROOK secret key: visible ASCII, no
// spaces. Its errors never hold the key.
func ValidateROOKSecretKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("the ROOK secret key is empty: copy it from ROOK's client portal")
	case strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r > '~' }):
		return fmt.Errorf("the ROOK secret key has spaces or characters ROOK never uses: copy it again")
	case len(key) > MaxROOKSecretLen:
		return fmt.Errorf("the ROOK secret key is %d characters, longer than %d: check what was copied", len(key), MaxROOKSecretLen)
	}
	return nil
}

// ValidateROOKUserID accepts a ROOK user id as ROOK's OpenAPI restricts
// it: ^[a-zA-Z0-9-]{1,50}$ (it goes into URL paths).
func ValidateROOKUserID(id string) error { return rook.ValidateUserID(id) }

// uriChars reports whether s holds only characters RFC 3986 allows in a
// URI (unreserved, reserved and %): no space, quote, < > { } | \ ^ or `.
func uriChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0) {
			return false
		}
	}
	return true
}

// clip shortens text quoted in an error.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}
