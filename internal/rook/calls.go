package rook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// Dexcom is how ROOK spells the data source; ROOK matches names
// case-insensitively.
const Dexcom = "Dexcom"

// Authorization is the authorizer's answer for one user and data source.
type Authorization struct {
	Authorized bool
	// AuthorizationURL is where the user's browser goes to connect; empty
	// when already authorized.
	AuthorizationURL string
}

// Authorizer asks ROOK for the link that connects userID's dataSource.
// redirectURL, when set, is where ROOK sends the browser once connected:
// only for clients with ROOK's Callback URL add-on, and only an https URL of
// at most 50 characters (ValidateRedirectURL; refused before sending).
// Without it the browser ends on ROOK's own page: learn that the
// connection happened with WaitUntilAuthorized.
func (c *Client) Authorizer(ctx context.Context, userID, dataSource, redirectURL string) (*Authorization, error) {
	if err := ValidateUserID(userID); err != nil {
		return nil, err
	}
	if err := needID("data source", dataSource); err != nil {
		return nil, err
	}
	if redirectURL != "" {
		if err := ValidateRedirectURL(redirectURL); err != nil {
			return nil, err
		}
	}
	q := url.Values{}
	if redirectURL != "" {
		q.Set("redirect_url", redirectURL)
	}
	var a struct {
		Authorized       bool    `json:"authorized"`
		AuthorizationURL *string `json:"authorization_url"`
	}
	path := "/api/v1/user_id/" + url.PathEscape(userID) + "/data_source/" + url.PathEscape(dataSource) + "/authorizer"
	if err := c.do(ctx, request{method: http.MethodGet, path: path, query: q, ep: sourceCall}, decodeJSON(&a)); err != nil {
		return nil, err
	}
	out := &Authorization{Authorized: a.Authorized}
	if a.AuthorizationURL != nil && *a.AuthorizationURL != "" {
		raw := *a.AuthorizationURL
		u, err := url.Parse(raw)
		if safetext.Has(raw) || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("GET %s: authorization_url %q is not an http(s) URL", path, clip(safetext.Line(raw)))
		}
		out.AuthorizationURL = raw
	}
	if !out.Authorized && out.AuthorizationURL == "" {
		return nil, fmt.Errorf("GET %s: the answer has neither authorized true nor an authorization_url", path)
	}
	return out, nil
}

// DataSource is one data source in the authorized list.
type DataSource struct {
	Name       string
	Authorized bool
}

// AuthorizedSources lists userID's data sources and whether each is
// connected. It reads the v2 shape ({"data_sources": [...]}, the flag as
// `status` as ROOK's changelog shows it or `authorized` as SDKs read it)
// and the older v1 one ({"sources": {"dexcom": true}}).
func (c *Client) AuthorizedSources(ctx context.Context, userID string) ([]DataSource, error) {
	if err := ValidateUserID(userID); err != nil {
		return nil, err
	}
	ver := "v2"
	if c.v1 {
		ver = "v1"
	}
	var a struct {
		DataSources []struct {
			DataSource string          `json:"data_source"`
			Authorized json.RawMessage `json:"authorized"`
			Status     json.RawMessage `json:"status"`
		} `json:"data_sources"`
		Sources map[string]bool `json:"sources"`
	}
	path := "/api/" + ver + "/user_id/" + url.PathEscape(userID) + "/data_sources/authorized"
	if err := c.do(ctx, request{method: http.MethodGet, path: path, ep: userCall}, decodeJSON(&a)); err != nil {
		return nil, err
	}
	var out []DataSource
	for _, d := range a.DataSources {
		out = append(out, DataSource{Name: safetext.Line(d.DataSource), Authorized: flag(d.Status) || flag(d.Authorized)})
	}
	for name, ok := range a.Sources {
		out = append(out, DataSource{Name: safetext.Line(name), Authorized: ok})
	}
	return out, nil
}

// IsAuthorized reports whether name (any case) is connected in sources.
func IsAuthorized(sources []DataSource, name string) bool {
	for _, s := range sources {
		if strings.EqualFold(s.Name, name) && s.Authorized {
			return true
		}
	}
	return false
}

// flag reads a connected flag: true, or a word that means it ("true",
// "authorized", "connected", "active"), as the field's type is not
// documented.
func flag(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "authorized", "connected", "active":
			return true
		}
	}
	return false
}

// Revoke disconnects userID's dataSource.
func (c *Client) Revoke(ctx context.Context, userID, dataSource string) error {
	if err := ValidateUserID(userID); err != nil {
		return err
	}
	if err := needID("data source", dataSource); err != nil {
		return err
	}
	path := "/api/v1/user_id/" + url.PathEscape(userID) + "/data_sources/revoke_auth"
	body := map[string]string{"data_source": dataSource}
	return c.do(ctx, request{method: http.MethodPost, path: path, body: body, ep: sourceCall},
		func(int, io.Reader) error { return nil })
}

// DateLayout is how ROOK's date parameter is written.
const DateLayout = "2006-01-02"

// BloodGlucose pulls userID's blood_glucose_event document for date
// (YYYY-MM-DD). found is false when ROOK answers 204: nothing (yet) for
// that user and date. Samples that cannot be read are dropped and counted.
func (c *Client) BloodGlucose(ctx context.Context, userID, date string) (day *GlucoseDay, found bool, err error) {
	if err := ValidateUserID(userID); err != nil {
		return nil, false, err
	}
	if t, err := time.Parse(DateLayout, date); err != nil || t.Format(DateLayout) != date {
		return nil, false, fmt.Errorf("%w: %q", ErrMalformedDate, clip(safetext.Line(date)))
	}
	q := url.Values{"user_id": {userID}, "date": {date}}
	err = c.do(ctx, request{method: http.MethodGet, path: "/v2/processed_data/body_health/events/blood_glucose", query: q, ep: glucoseCall},
		func(status int, body io.Reader) error {
			if status == http.StatusNoContent {
				return nil
			}
			d, err := DecodeGlucose(body)
			if err != nil {
				return err
			}
			day, found = d, true
			return nil
		})
	if err != nil {
		return nil, false, err
	}
	return day, found, nil
}

func needID(what, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("the %s is empty", what)
	}
	if safetext.Has(v) || len(v) > 200 {
		return fmt.Errorf("the %s %q has control characters or is over 200 characters", what, clip(safetext.Line(v)))
	}
	return nil
}

// clip shortens cleaned text quoted in an error.
func clip(s string) string { return safetext.Cut(s, 80) }
