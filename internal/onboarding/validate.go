package onboarding

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Limits on what a person types or a hand-off carries; the wizard's inputs
// stop at the same lengths.
const (
	MaxCredentialLen  = 128
	MaxAppNameLen     = 80
	MaxRedirectURLLen = 300
)

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
	}
	return nil
}

// ValidateSimulatedROOKRedirect is ValidateROOKRedirect for ROOK's
// simulator (the demo, tests, a ROOK API on loopback): it also accepts
// http on a loopback host, which the simulator serves on. Real ROOK
// environments keep the https rule.
func ValidateSimulatedROOKRedirect(raw string) error {
	u, err := url.Parse(raw)
	if err == nil && u.Scheme == "http" && u.Fragment == "" && !strings.Contains(raw, "#") && len(raw) <= MaxRedirectURLLen {
		switch u.Hostname() {
		case "127.0.0.1", "localhost", "::1":
			if u.Port() != "" {
				return nil
			}
		}
	}
	return ValidateROOKRedirect(raw)
}

// clip shortens text quoted in an error.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}
