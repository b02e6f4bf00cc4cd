// Package rook is a typed client for the ROOK API: the data-source
// authorizer, the list of authorized data sources, revoke, and the
// blood_glucose_event pull. Facts and their certainty are in
// ../shared/reference/rook-api.md; what is only likely is configurable.
package rook

import (
	"fmt"
	"strings"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Environment is one ROOK API host. Sandbox and production credentials are
// separate.
type Environment string

// ROOK's environments.
const (
	Sandbox    Environment = "sandbox"
	Production Environment = "production"
)

var baseURLs = map[Environment]string{
	Sandbox:    "https://api.rook-connect.review",
	Production: "https://api.rook-connect.com",
}

// ParseEnvironment reads sandbox or production as typed by a person.
func ParseEnvironment(s string) (Environment, error) {
	switch e := Environment(strings.ToLower(strings.TrimSpace(s))); e {
	case Sandbox, Production:
		return e, nil
	case "prod":
		return Production, nil
	}
	return "", fmt.Errorf("unknown ROOK environment %q: use sandbox or production", s)
}

// BaseURL is the environment's API host.
func (e Environment) BaseURL() string { return baseURLs[e] }

// Credentials authenticate every call (HTTP Basic): the client UUID and the
// secret key made in ROOK's client portal.
type Credentials struct {
	ClientUUID string
	SecretKey  secret.String
}

// resolveBase picks the override or the environment's host and checks it.
func resolveBase(env Environment, override string) (string, error) {
	base := override
	if base == "" {
		if env == "" {
			env = Sandbox
		}
		base = env.BaseURL()
	}
	if base == "" {
		return "", fmt.Errorf("unknown ROOK environment %q", env)
	}
	u, err := dexcom.ParseBaseURL(base)
	if err != nil {
		return "", fmt.Errorf("ROOK %w", err)
	}
	return u.String(), nil
}

// CheckBaseURL checks a ROOK API base URL a person gave (--rook-api-base) as
// the client will: see dexcom.ParseBaseURL.
func CheckBaseURL(raw string) error {
	_, err := resolveBase("", raw)
	return err
}
