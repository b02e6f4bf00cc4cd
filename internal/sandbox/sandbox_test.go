package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"golang.org/x/oauth2"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixedNow is the reference's example time, so fixtures never change.
var fixedNow = time.Date(2025, 6, 10, 17, 20, 0, 0, time.UTC)

type sim struct {
	*sandbox.Server
	url string
	cfg *oauth2.Config
}

func start(t *testing.T, cfg sandbox.Config) *sim {
	t.Helper()
	s := sandbox.New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	ep, _ := dexcom.NewEndpoints(dexcom.Custom, ts.URL, dexcom.OAuthV2)
	app := dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: secret.New(sandbox.DemoClientSecret), RedirectURI: sandbox.DemoRedirectURI}
	return &sim{Server: s, url: ts.URL, cfg: dexcom.OAuthConfig(ep, app)}
}

func (s *sim) code(t *testing.T, user string) string {
	t.Helper()
	loc, err := sandbox.LogIn(context.Background(), http.DefaultClient, s.cfg.AuthCodeURL("x"), user, true)
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query().Get("code")
}

func (s *sim) token(t *testing.T, user string) string {
	t.Helper()
	tok, err := s.cfg.Exchange(context.Background(), s.code(t, user))
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

func (s *sim) get(t *testing.T, path, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// loginQuery is a good login request for the demo app.
func loginQuery() url.Values {
	return url.Values{"client_id": {sandbox.DemoClientID}, "redirect_uri": {sandbox.DemoRedirectURI},
		"response_type": {"code"}, "scope": {"offline_access"}, "state": {"abc"}}
}

// withLoginParam is the good login request with k set to v.
func withLoginParam(k, v string) url.Values {
	q := loginQuery()
	q.Set(k, v)
	return q
}

func TestLoginPageChecksTheRequest(t *testing.T) {
	t.Parallel()
	s := start(t, sandbox.Config{LoginInPlace: true})
	good, with := loginQuery(), withLoginParam
	tests := []struct {
		name   string
		q      url.Values
		status int
		want   string
	}{
		{"valid", good, 200, "SandboxUser7 · G7 · iOS app"},
		{"unknown client", with("client_id", "nope"), 400, "is not a registered application"},
		{"unregistered redirect", with("redirect_uri", "http://localhost:9999/callback"), 400, "does not match a redirect URI registered"},
		{"wrong response_type", with("response_type", "token"), 400, "response_type must be code"},
		{"wrong scope", with("scope", "egv"), 400, "scope must be offline_access"},
	}
	for _, tt := range tests {
		for _, v := range []string{"v2", "v3"} {
			status, body := s.get(t, "/"+v+"/oauth2/login?"+tt.q.Encode(), "")
			if status != tt.status || !strings.Contains(string(body), tt.want) {
				t.Errorf("%s %s: %d, body lacks %q", tt.name, v, status, tt.want)
			}
		}
	}
	_, body := s.get(t, "/v2/oauth2/login?"+good.Encode(), "")
	for i := 1; i <= 7; i++ {
		if !strings.Contains(string(body), "SandboxUser"+string(rune('0'+i))) {
			t.Errorf("dropdown lacks SandboxUser%d", i)
		}
	}
	for _, id := range []string{`id="authorize"`, `id="deny"`, `<select id="user"`} {
		if !strings.Contains(string(body), id) {
			t.Errorf("page lacks %s", id)
		}
	}
}

// By default the login URL redirects to a separate identity page, which
// refuses a bad client or redirect URI with an error page and bad OAuth
// parameters with a redirect back carrying error=.
func TestLoginRedirectsToIdentityPage(t *testing.T) {
	t.Parallel()
	s := start(t, sandbox.Config{})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	good, with := loginQuery(), withLoginParam
	tests := []struct {
		name     string
		q        url.Values
		status   int
		want     string // in the body, or in the Location of a redirect
		location bool
	}{
		{"valid", good, 200, "SandboxUser7 · G7 · iOS app", false},
		{"unknown client", with("client_id", "nope"), 400, "is not a registered application", false},
		{"unregistered redirect", with("redirect_uri", "http://localhost:9999/callback"), 400, "does not match a redirect URI registered", false},
		{"wrong response_type", with("response_type", "token"), 302, "error=unsupported_response_type", true},
		{"wrong scope", with("scope", "egv"), 302, "error=invalid_scope", true},
	}
	for _, tt := range tests {
		for _, v := range []string{"v2", "v3"} {
			resp, err := noFollow.Get(s.url + "/" + v + "/oauth2/login?" + tt.q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, sandbox.IdentityLoginPath+"?") {
				t.Fatalf("%s %s: login answered %d to %q, want a 302 to the identity page", tt.name, v, resp.StatusCode, loc)
			}
			resp, err = noFollow.Get(s.url + loc)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got := string(body)
			if tt.location {
				got = resp.Header.Get("Location")
			}
			if resp.StatusCode != tt.status || !strings.Contains(got, tt.want) {
				t.Errorf("%s %s: identity page answered %d, %q lacks %q", tt.name, v, resp.StatusCode, got, tt.want)
			}
		}
	}
}

func TestDenyRedirectsWithAccessDenied(t *testing.T) {
	t.Parallel()
	s := start(t, sandbox.Config{})
	loc, err := sandbox.LogIn(context.Background(), http.DefaultClient, s.cfg.AuthCodeURL("my-state"), "SandboxUser1", false)
	if err != nil {
		t.Fatal(err)
	}
	if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "my-state" || loc.Query().Has("code") {
		t.Fatalf("redirect: %v", loc)
	}
	if !strings.HasPrefix(loc.String(), sandbox.DemoRedirectURI+"?") {
		t.Fatalf("not sent to the redirect URI: %v", loc)
	}
}

func postToken(t *testing.T, s *sim, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(s.url+"/v2/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	now := fixedNow
	s := start(t, sandbox.Config{Now: func() time.Time { return now }})
	form := func(code string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {sandbox.DemoRedirectURI},
			"client_id": {sandbox.DemoClientID}, "client_secret": {sandbox.DemoClientSecret}}
	}
	code := s.code(t, "SandboxUser7")
	status, m := postToken(t, s, form(code))
	if status != 200 {
		t.Fatalf("exchange: %d %v", status, m)
	}
	for _, k := range []string{"access_token", "expires_in", "token_type", "refresh_token", "refresh_expires_in", "not-before-policy", "session_state"} {
		if _, ok := m[k]; !ok {
			t.Errorf("token response lacks %s", k)
		}
	}
	if m["expires_in"].(float64) != 7200 || m["token_type"] != "Bearer" {
		t.Errorf("token response: %v", m)
	}
	rt := m["refresh_token"].(string)

	wrongSecret := form(s.code(t, "SandboxUser7"))
	wrongSecret.Set("client_secret", "guess")
	badRedirect := form(s.code(t, "SandboxUser7"))
	badRedirect.Set("redirect_uri", "http://127.0.0.1:8765/callback")
	expired := s.code(t, "SandboxUser7")
	tests := []struct {
		name   string
		form   url.Values
		before func()
		status int
		code   string
	}{
		{"code reused", form(code), nil, 400, "invalid_grant"},
		{"wrong secret", wrongSecret, nil, 401, "invalid_client"},
		{"redirect differs", badRedirect, nil, 400, "invalid_grant"},
		{"unknown code", form("US_nope"), nil, 400, "invalid_grant"},
		{"missing code", form(""), nil, 400, "invalid_request"},
		{"expired code", form(expired), func() { now = now.Add(6 * time.Minute) }, 400, "invalid_grant"},
		{"unsupported grant", url.Values{"grant_type": {"password"}, "client_id": {sandbox.DemoClientID}, "client_secret": {sandbox.DemoClientSecret}}, nil, 400, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		if tt.before != nil {
			tt.before()
		}
		status, m := postToken(t, s, tt.form)
		if status != tt.status || m["error"] != tt.code {
			t.Errorf("%s: %d %v, want %d %s", tt.name, status, m, tt.status, tt.code)
		}
	}

	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {sandbox.DemoClientID}, "client_secret": {sandbox.DemoClientSecret}}
	status, m = postToken(t, s, refresh)
	if status != 200 || m["refresh_token"] == rt {
		t.Fatalf("refresh: %d %v", status, m)
	}
	if status, m = postToken(t, s, refresh); status != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("reused refresh token: %d %v", status, m)
	}
}

func TestDataEndpointsAreStrict(t *testing.T) {
	t.Parallel()
	s := start(t, sandbox.Config{})
	tok := s.token(t, "SandboxUser7")
	tests := []struct {
		name, path, token string
		status            int
		want              string
	}{
		{"no token", "/v3/users/self/egvs?startDate=2025-06-01T00:00:00&endDate=2025-06-02T00:00:00", "", 401, "missing bearer"},
		{"bad token", "/v3/users/self/egvs?startDate=2025-06-01T00:00:00&endDate=2025-06-02T00:00:00", "bogus", 401, "invalid access token"},
		{"no dates", "/v3/users/self/egvs", tok, 400, "startDate is required"},
		{"no end", "/v3/users/self/egvs?startDate=2025-06-01T00:00:00", tok, 400, "endDate is required"},
		{"zone", "/v3/users/self/egvs?startDate=2025-06-01T00:00:00Z&endDate=2025-06-02T00:00:00", tok, 400, "no zone"},
		{"millis", "/v3/users/self/egvs?startDate=2025-06-01T00:00:00.000&endDate=2025-06-02T00:00:00", tok, 400, "no milliseconds"},
		{"end first", "/v3/users/self/events?startDate=2025-06-02T00:00:00&endDate=2025-06-01T00:00:00", tok, 400, "after startDate"},
		{"31 days", "/v3/users/self/alerts?startDate=2025-05-01T00:00:00&endDate=2025-06-01T00:00:01", tok, 400, "at most 30 days"},
		{"30 days", "/v3/users/self/calibrations?startDate=2025-05-01T00:00:00&endDate=2025-05-31T00:00:00", tok, 200, `"recordType":"calibration"`},
		{"unknown path", "/v3/users/self/statistics", tok, 404, "not_found"},
		{"lastSync without zone", "/v3/users/self/dataRange?lastSyncTime=2025-06-01T00:00:00", tok, 400, "time zone"},
		{"lastSync with zone", "/v3/users/self/dataRange?lastSyncTime=2025-06-01T00:00:00Z", tok, 200, `"recordType":"dataRange"`},
	}
	for _, tt := range tests {
		status, body := s.get(t, tt.path, tt.token)
		if status != tt.status || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %d %s, want %d with %q", tt.name, status, body, tt.status, tt.want)
		}
	}
	lenient := start(t, sandbox.Config{LenientDates: true})
	status, _ := lenient.get(t, "/v3/users/self/egvs?startDate=2025-06-01T00:00:00Z&endDate=2025-06-02T00:00:00.000Z", lenient.token(t, "SandboxUser7"))
	if status != 200 {
		t.Errorf("lenient dates refused: %d", status)
	}
}

func TestSameSeedSameData(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return fixedNow }
	a, b, c := start(t, sandbox.Config{Now: now}), start(t, sandbox.Config{Now: now}), start(t, sandbox.Config{Now: now, Seed: 2})
	path := "/v3/users/self/egvs?startDate=2025-06-09T00:00:00&endDate=2025-06-10T00:00:00"
	_, ba := a.get(t, path, a.token(t, "SandboxUser3"))
	_, bb := b.get(t, path, b.token(t, "SandboxUser3"))
	_, bc := c.get(t, path, c.token(t, "SandboxUser3"))
	if !bytes.Equal(ba, bb) {
		t.Error("same seed gave different data")
	}
	if bytes.Equal(ba, bc) {
		t.Error("different seed gave the same data")
	}
}

// TestDataIsRealistic checks 30 days of each user against the reference:
// 5-minute cadence, warm-up gaps, 39/401 with status, trends in their bands.
func TestDataIsRealistic(t *testing.T) {
	s := start(t, sandbox.Config{Now: func() time.Time { return fixedNow }})
	for _, u := range sandbox.Users {
		t.Run(u.Name, func(t *testing.T) {
			t.Parallel() // one user's 30 days each, on a simulator made for many
			_, body := s.get(t, "/v3/users/self/egvs?startDate=2025-05-11T17:20:00&endDate=2025-06-10T17:20:00", s.token(t, u.Name))
			var r dexcom.Records[dexcom.EGV]
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatal(err)
			}
			var lows, highs, gaps, sum, n int
			for i, e := range r.Records {
				rd := e.Reading()
				switch rd.Bound {
				case dexcom.Below:
					lows++
					if *e.Value != 39 || *e.Status != "low" || e.TrendRate != nil {
						t.Errorf("low reading: %+v", e)
					}
				case dexcom.Above:
					highs++
					if *e.Value != 401 || *e.Status != "high" {
						t.Errorf("high reading: %+v", e)
					}
				default:
					sum += int(rd.MgDL)
					n++
					if got := dexcom.TrendForRate(*e.TrendRate); got != *e.Trend {
						t.Fatalf("trend %s for rate %v, band says %s", *e.Trend, *e.TrendRate, got)
					}
				}
				if i > 0 {
					step := e.At().Sub(r.Records[i-1].At())
					if step < 4*time.Minute {
						t.Fatalf("readings %v apart", step)
					}
					if step > 6*time.Minute {
						gaps++
					}
				}
				if u.Receiver() == e.SystemTime.Zoned {
					t.Fatalf("zoned=%v for a %s user", e.SystemTime.Zoned, u.DisplayDevice)
				}
			}
			if len(r.Records) < 7000 || len(r.Records) > 8640 {
				t.Errorf("%d readings in 30 days", len(r.Records))
			}
			if lows == 0 || highs == 0 {
				t.Errorf("lows=%d highs=%d: 39/401 never happen", lows, highs)
			}
			if gaps < 3 {
				t.Errorf("only %d gaps: warm-ups missing", gaps)
			}
			if mean := sum / n; mean < 90 || mean > 220 {
				t.Errorf("mean %d mg/dL is not plausible", mean)
			}
		})
	}
}

// TestGoldenShapes writes each endpoint's answer for fixed times and compares
// it with testdata; the field lists are the reference's, record by record.
func TestGoldenShapes(t *testing.T) {
	t.Parallel()
	s := start(t, sandbox.Config{Now: func() time.Time { return fixedNow }})
	fields := map[string][]string{
		"egvs":         {"recordId", "systemTime", "displayTime", "transmitterId", "transmitterTicks", "value", "status", "trend", "trendRate", "unit", "rateUnit", "displayDevice", "transmitterGeneration", "transmitterGenerationVariant", "displayApp"},
		"calibrations": {"recordId", "systemTime", "displayTime", "unit", "value", "displayDevice", "transmitterId", "transmitterTicks", "transmitterGeneration", "transmitterGenerationVariant"},
		"events":       {"recordId", "systemTime", "displayTime", "eventStatus", "eventType", "eventSubType", "value", "unit", "transmitterId", "transmitterGeneration", "transmitterGenerationVariant", "displayDevice"},
		"alerts":       {"recordId", "systemTime", "displayTime", "alertName", "alertState", "displayDevice", "transmitterGeneration", "transmitterGenerationVariant", "transmitterId", "displayApp"},
		"devices":      {"lastUploadDate", "transmitterId", "transmitterGeneration", "transmitterGenerationVariant", "displayDevice", "displayApp", "alertSchedules"},
	}
	window := "?startDate=2025-06-08T17:20:00&endDate=2025-06-10T17:20:00"
	for _, user := range []string{"SandboxUser1", "SandboxUser7"} {
		tok := s.token(t, user)
		for _, ep := range []string{"egvs", "calibrations", "events", "alerts", "devices", "dataRange"} {
			q := window
			if ep == "devices" || ep == "dataRange" {
				q = ""
			}
			status, body := s.get(t, "/v3/users/self/"+ep+q, tok)
			if status != 200 {
				t.Fatalf("%s %s: %d", user, ep, status)
			}
			var env map[string]json.RawMessage
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatal(err)
			}
			envKeys := []string{"recordType", "recordVersion", "userId", "records"}
			if ep == "dataRange" {
				envKeys = []string{"recordType", "recordVersion", "userId", "calibrations", "egvs", "events"}
			}
			checkKeys(t, user+" "+ep+" envelope", env, envKeys)
			var recs []map[string]json.RawMessage
			_ = json.Unmarshal(env["records"], &recs)
			for _, r := range recs {
				checkKeys(t, user+" "+ep, r, fields[ep])
			}
			var pretty bytes.Buffer
			_ = json.Indent(&pretty, body, "", " ")
			golden(t, filepath.Join("..", "..", "testdata", "sandbox", user+"-"+ep+".json"), pretty.Bytes())
		}
	}
}

func checkKeys(t *testing.T, what string, m map[string]json.RawMessage, want []string) {
	t.Helper()
	var got []string
	for k := range m {
		got = append(got, k)
	}
	slices.Sort(got)
	w := slices.Clone(want)
	slices.Sort(w)
	if !slices.Equal(got, w) {
		t.Errorf("%s: fields %v, reference has %v", what, got, w)
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the simulator's answer (go test -update rewrites it)", path)
	}
}

// TestQuirksServeTheUnusualCases checks, on the raw answers, that the quirks
// switch serves each case it promises, and that without it none appears.
func TestQuirksServeTheUnusualCases(t *testing.T) {
	t.Parallel()
	window := "?startDate=2025-06-08T17:20:00&endDate=2025-06-10T17:20:00"
	for _, quirks := range []bool{true, false} {
		s := start(t, sandbox.Config{Now: func() time.Time { return fixedNow }, Quirks: quirks})
		tok := s.token(t, "SandboxUser7")
		_, egvs := s.get(t, "/v3/users/self/egvs"+window, tok)
		_, events := s.get(t, "/v3/users/self/events"+window, tok)
		_, devices := s.get(t, "/v3/users/self/devices", tok)
		_, cals := s.get(t, "/v3/users/self/calibrations"+window, s.token(t, "SandboxUser1"))
		var ev struct {
			Records []map[string]any `json:"records"`
		}
		if err := json.Unmarshal(events, &ev); err != nil {
			t.Fatal(err)
		}
		status := map[string]int{}
		var numeric, note int
		for _, e := range ev.Records {
			status[e["eventStatus"].(string)]++
			if _, ok := e["value"].(float64); ok {
				numeric++
			}
			if e["eventType"] == "note" {
				note++
			}
		}
		cases := map[string]bool{
			"text value":             bytes.Contains(egvs, []byte(`"value":"n/a"`)),
			"bad time":               bytes.Contains(egvs, []byte(`"systemTime":"2025-13-45T99:99:99"`)),
			"mmol/L reading":         bytes.Contains(egvs, []byte(`"unit":"mmol/L"`)) && bytes.Contains(egvs, []byte(`"rateUnit":"mmol/L/min"`)),
			"fractional value":       bytes.Contains(egvs, []byte(`.4,"status":null`)),
			"updated event":          status["updated"] == 2,
			"deleted event":          status["deleted"] == 2,
			"numeric value":          numeric == 2,
			"note":                   note == 2,
			"mmol/L event":           bytes.Contains(events, []byte(`"value":"6.1","unit":"mmol/L"`)),
			"mmol/L alert":           bytes.Contains(devices, []byte(`"alertName":"low","value":3.9,"unit":"mmol/L"`)),
			"mmol/L calibration":     bytes.Contains(cals, []byte(`"unit":"mmol/L"`)),
			"fractional calibration": bytes.Contains(cals, []byte(`.5,"displayDevice"`)),
		}
		for name, served := range cases {
			if served != quirks {
				t.Errorf("quirks=%v: %s served=%v", quirks, name, served)
			}
		}
	}
}
