package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/webhook"
)

// rookOf is a ROOK API client for what `sandbox serve` printed.
func rookOf(t *testing.T, out map[string]string) *rook.Client {
	t.Helper()
	c, err := rook.New(rook.Config{BaseURL: out["rook base url"],
		Credentials: rook.Credentials{ClientUUID: out["rook client uuid"], SecretKey: secret.New(out["rook secret key"])}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// connectUser logs user in through ROOK's authorizer (no redirect_url) and
// returns the autopilot's error: nil when ROOK's own page says connected.
func connectUser(t *testing.T, c *rook.Client, user string) error {
	t.Helper()
	a, err := c.Authorizer(context.Background(), user, rook.Dexcom, "")
	if err != nil {
		t.Fatal(err)
	}
	return sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)(context.Background(), a.AuthorizationURL)
}

var noRedirects = &http.Client{Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// The printed hash key is the one that signs ROOK's deliveries, with the
// document's top-level datetime by default and the event metadata's with
// --rook-sign-metadata-datetime: a receiver that refuses unsigned posts
// verifies them.
func TestSandboxServePrintsTheHashKeyThatSigns(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		matched string
	}{{nil, rook.TopLevelDatetime}, {[]string{"--rook-sign-metadata-datetime"}, rook.MetadataDatetime}} {
		got := make(chan webhook.Received, 8)
		l, err := webhook.ListenWith("127.0.0.1:0", webhook.ListenOptions{HashKey: secret.New(rooksim.DemoHashKey), RequireHash: true},
			func(r webhook.Received) { got <- r })
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		out := serve(t, append([]string{"--rook-webhook", l.URL + "/rook"}, tt.args...)...)
		if out["rook hash key"] != rooksim.DemoHashKey {
			t.Fatalf("hash key line %q", out["rook hash key"])
		}
		if err := connectUser(t, rookOf(t, out), "hash-user"); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-got:
			if r.Status != http.StatusOK || r.HashCheck.Verdict != rook.HashVerified || r.HashCheck.Matched != tt.matched {
				t.Fatalf("%v: %+v", tt.args, r)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%v: no delivery", tt.args)
		}
	}
}

// Each switch plays the variant the documented default does not.
func TestSandboxServeVariantSwitches(t *testing.T) {
	ctx := context.Background()
	loginStatus := func(out map[string]string) int {
		resp, err := noRedirects.Get(out["login url"])
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	authorizedKeys := func(out map[string]string) string {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, out["rook base url"]+"/api/v2/user_id/u1/data_sources/authorized", nil)
		req.SetBasicAuth(out["rook client uuid"], out["rook secret key"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		raw, _ := json.Marshal(body)
		return string(raw)
	}
	longRedirect := "http://127.0.0.1:8765/rook/connected/a-rather-long-path-of-sixteen"
	redirectRefused := func(out map[string]string) bool { // raw: the rook client would not send it
		u := out["rook base url"] + "/api/v1/user_id/u1/data_source/Dexcom/authorizer?redirect_url=" + url.QueryEscape(longRedirect)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		req.SetBasicAuth(out["rook client uuid"], out["rook secret key"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusUnprocessableEntity
	}

	def := serve(t)
	if loginStatus(def) != http.StatusFound || !strings.Contains(authorizedKeys(def), `"status"`) || !redirectRefused(def) {
		t.Fatalf("documented defaults: login %d, list %s, redirect refused %v", loginStatus(def), authorizedKeys(def), redirectRefused(def))
	}
	alt := serve(t, "--login-in-place", "--rook-authorized-field", "--rook-lenient-redirect-url")
	if loginStatus(alt) != http.StatusOK || strings.Contains(authorizedKeys(alt), `"status"`) || !strings.Contains(authorizedKeys(alt), `"authorized"`) || redirectRefused(alt) {
		t.Fatalf("variants: login %d, list %s, redirect refused %v", loginStatus(alt), authorizedKeys(alt), redirectRefused(alt))
	}
}

// A wrong Client Secret held by ROOK, reported three ways on ROOK's own page.
func TestSandboxServeExchangeFailureVariants(t *testing.T) {
	for _, tt := range []struct {
		variant, want, not string
	}{{"own", "token_exchange_failed", ""}, {"oauth", "invalid_client", "token_exchange_failed"}, {"silent", "Please try again later", "invalid_client"}} {
		out := serve(t, "--rook-wrong-secret", "--rook-exchange-failure", tt.variant)
		err := connectUser(t, rookOf(t, out), "secret-user")
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if tt.variant != "silent" && err == nil {
			t.Fatalf("%s: the login passed", tt.variant)
		}
		if !strings.Contains(msg+pageOf(t, out), tt.want) || (tt.not != "" && strings.Contains(msg, tt.not)) {
			t.Fatalf("%s: %q", tt.variant, msg)
		}
	}
}

// pageOf is ROOK's own page after a failed exchange when the autopilot
// took it for a success (a 200 page naming no cause): fetched again the
// same way, it says the same.
func pageOf(t *testing.T, out map[string]string) string {
	t.Helper()
	c := rookOf(t, out)
	a, err := c.Authorizer(context.Background(), "page-user", rook.Dexcom, "")
	if err != nil {
		t.Fatal(err)
	}
	loc, err := sandbox.LogIn(context.Background(), http.DefaultClient, a.AuthorizationURL, "SandboxUser7", true)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return b.String()
}

// --rook-drop-every and --rook-change-every make ROOK's day differ from
// Dexcom's; the same seed gives the same Dexcom day.
func TestSandboxServeDataDiffers(t *testing.T) {
	day := time.Now().UTC().AddDate(0, 0, -1).Format(rook.DateLayout)
	pull := func(args ...string) *rook.GlucoseDay {
		out := serve(t, args...)
		c := rookOf(t, out)
		if err := connectUser(t, c, "data-user"); err != nil {
			t.Fatal(err)
		}
		d, found, err := c.BloodGlucose(context.Background(), "data-user", day)
		if err != nil || !found {
			t.Fatalf("%v: %v %v", args, found, err)
		}
		return d
	}
	same, dropped := pull(), pull("--rook-drop-every", "2")
	if n, m := same.Readings(), dropped.Readings(); n < 100 || m > n/2+1 || m < n/2-1 {
		t.Fatalf("every 2nd dropped: %d of %d", m, n)
	}
	if r := runCmd(t, "", nil, "sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", "127.0.0.1:0", "--rook-change-every", "-1"); r.code != exitUsage {
		t.Fatalf("%+v", r)
	}
	if r := runCmd(t, "", nil, "sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", "127.0.0.1:0", "--rook-exchange-failure", "loud"); r.code != exitUsage || !strings.Contains(r.errOut, "own, oauth or silent") {
		t.Fatalf("%+v", r)
	}
}
