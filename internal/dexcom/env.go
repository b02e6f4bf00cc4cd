// Package dexcom is a typed client for the Dexcom Developer API v3: the
// OAuth 2.0 authorization-code login and every v3 data endpoint.
package dexcom

import (
	"fmt"
	"net/url"
	"strings"
)

// Environment is one Dexcom authorization server and API host. Sandbox, US,
// EU and Japan are separate: credentials and tokens of one do not work on
// another.
type Environment string

// The Dexcom environments. Custom points at any base URL (the simulator, a
// test server).
const (
	Sandbox Environment = "sandbox"
	US      Environment = "us"
	EU      Environment = "eu"
	JP      Environment = "jp"
	Custom  Environment = "custom"
)

// Environments lists the real Dexcom environments in the order people pick them.
var Environments = []Environment{Sandbox, US, EU, JP}

var baseURLs = map[Environment]string{
	Sandbox: "https://sandbox-api.dexcom.com",
	US:      "https://api.dexcom.com",
	EU:      "https://api.dexcom.eu",
	JP:      "https://api.dexcom.jp",
}

// ParseEnvironment reads an environment name as typed by a person.
func ParseEnvironment(s string) (Environment, error) {
	switch e := Environment(strings.ToLower(strings.TrimSpace(s))); e {
	case Sandbox, US, EU, JP, Custom:
		return e, nil
	case "prod", "production":
		return US, nil
	}
	return "", fmt.Errorf("unknown environment %q: use sandbox, us, eu or jp", s)
}

// BaseURL is the environment's API host; empty for Custom.
func (e Environment) BaseURL() string { return baseURLs[e] }

// Label is the name shown to people.
func (e Environment) Label() string {
	switch e {
	case Sandbox:
		return "Sandbox"
	case US:
		return "Production (US)"
	case EU:
		return "Production (EU)"
	case JP:
		return "Production (Japan)"
	}
	return "Custom"
}

// IsProduction reports whether the environment holds real patients' data.
func (e Environment) IsProduction() bool { return e == US || e == EU || e == JP }

// OAuthVersion picks the OAuth paths: Dexcom documents /v2/oauth2/*, its v3
// swagger also declares /v3/oauth2/*.
type OAuthVersion string

// The two OAuth path generations.
const (
	OAuthV2 OAuthVersion = "v2"
	OAuthV3 OAuthVersion = "v3"
)

// Endpoints are the URLs of one API host.
type Endpoints struct {
	BaseURL string
	OAuth   OAuthVersion
}

// NewEndpoints builds the endpoints of env; base overrides the host (it is
// required for Custom). OAuth defaults to v2, the documented paths.
func NewEndpoints(env Environment, base string, oauth OAuthVersion) (Endpoints, error) {
	if base == "" {
		base = env.BaseURL()
	}
	if base == "" {
		return Endpoints{}, fmt.Errorf("environment %q needs an API base URL", env)
	}
	u, err := ParseBaseURL(base)
	if err != nil {
		return Endpoints{}, err
	}
	if oauth == "" {
		oauth = OAuthV2
	}
	if oauth != OAuthV2 && oauth != OAuthV3 {
		return Endpoints{}, fmt.Errorf("unknown OAuth path version %q: use v2 or v3", oauth)
	}
	return Endpoints{BaseURL: u.String(), OAuth: oauth}, nil
}

// ParseBaseURL checks an API base URL a person gave (--api-base,
// --rook-api-base): http or https, a host, an optional path, and nothing
// that paths joined to it would break or that would be printed with it: no
// user name or password (every login URL would show them), no query, no
// fragment. Its errors never repeat a password. The path loses its
// trailing slash.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("API base URL %s is not a URL: give one such as https://api.example.com", quoteBase(raw))
	}
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("API base URL %s://%s has a user name or password in it: dexonboard does not send them, and would print them in every login URL; remove them", u.Scheme, u.Host)
	case u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.Opaque != "":
		return nil, fmt.Errorf("API base URL %s is not an http(s) URL: give one such as https://api.example.com", quoteBase(raw))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, fmt.Errorf("API base URL %s has a query or a fragment (?… or #…): give the base alone, such as %s://%s%s", quoteBase(raw), u.Scheme, u.Host, u.EscapedPath())
	}
	u.Path, u.RawPath = strings.TrimRight(u.Path, "/"), ""
	return u, nil
}

// quoteBase quotes a base URL for an error, unless it may hold a password.
func quoteBase(raw string) string {
	if strings.Contains(raw, "@") {
		return "(not shown: it has an @)"
	}
	return fmt.Sprintf("%q", raw)
}

// JoinURL is base with path added to its own path (net/url, not string
// joining) and the encoded query; base is one ParseBaseURL accepted.
func JoinURL(base, path, rawQuery string) string {
	u, err := url.Parse(base)
	if err != nil {
		return "" // base came through ParseBaseURL; an empty URL fails the call
	}
	u = u.JoinPath(path)
	u.RawQuery = rawQuery
	return u.String()
}

// AuthURL is the login page a user is sent to.
func (e Endpoints) AuthURL() string { return JoinURL(e.BaseURL, string(e.OAuth)+"/oauth2/login", "") }

// TokenURL is where codes and refresh tokens are exchanged.
func (e Endpoints) TokenURL() string { return JoinURL(e.BaseURL, string(e.OAuth)+"/oauth2/token", "") }
