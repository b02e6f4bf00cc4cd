package har_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/har"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/webhook"
)

// Distinctive secrets of one run: none may appear in the transcript.
const (
	dexcomSecret = "dexcom-SECRET-d1st1nct-7788"
	rookKey      = "rook-SECRET-d1st1nct-9911"
	hashKey      = "hash-SECRET-d1st1nct-5566"
)

// run goes through both simulators with every request recorded: ROOK's
// API (Basic auth), the authorization-URL check (redirects followed), the
// login (state, code), the token exchange (client_secret, tokens), a data
// call (Bearer), a refresh, and a signed webhook post. It returns the
// secrets the run made.
func run(t *testing.T, rec *har.Recorder) []string {
	t.Helper()
	sigs := make(chan string, 1)
	app := sandbox.DemoApp()
	app.ClientSecret = dexcomSecret
	cl := rooksim.DemoClient(app.ClientID, app.ClientSecret)
	cl.SecretKey, cl.HashKey = rookKey, hashKey
	st, err := rooksim.StartStack(rooksim.StackConfig{Dexcom: sandbox.Config{Apps: []sandbox.App{app}}, ROOK: rooksim.Config{Clients: []rooksim.Client{cl}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hc := rec.Client(&http.Client{Timeout: 10 * time.Second})
	ctx := context.Background()

	c, err := rook.New(rook.Config{BaseURL: st.ROOK.URL, HTTP: hc, Credentials: rook.Credentials{ClientUUID: cl.UUID, SecretKey: secret.New(rookKey)}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.AuthorizationLink(ctx, "har-user", rook.Dexcom)
	if err != nil {
		t.Fatal(err)
	}
	if p := rook.InspectAuthorizationURL(ctx, hc, a.AuthorizationURL, rook.Expected{}); p != nil {
		t.Fatal(p)
	}
	if _, err := c.AuthorizedSources(ctx, "har-user"); err != nil {
		t.Fatal(err)
	}

	ep, _ := dexcom.NewEndpoints(dexcom.Custom, st.Dexcom.URL, dexcom.OAuthV2)
	cfg := dexcom.OAuthConfig(ep, dexcom.App{ClientID: app.ClientID, ClientSecret: secret.New(dexcomSecret), RedirectURI: app.RedirectURIs[0]})
	state := "state-d1st1nct-4242"
	loc, err := sandbox.LogIn(ctx, hc, cfg.AuthCodeURL(state), "SandboxUser7", true)
	if err != nil {
		t.Fatal(err)
	}
	code := loc.Query().Get("code")
	octx := dexcom.NewHTTPClientContext(ctx, hc)
	tok, err := cfg.Exchange(octx, code)
	if err != nil {
		t.Fatal(err)
	}
	expired := *tok
	expired.Expiry = time.Now().Add(-time.Minute)
	ts := dexcom.NewTokenSource(octx, cfg, &expired, nil)
	refreshed, err := ts.Token() // a refresh: refresh_token out, new tokens back
	if err != nil {
		t.Fatal(err)
	}
	dc := dexcom.NewClient(ep, ts, dexcom.WithHTTPClient(hc))
	now := time.Now().UTC()
	if _, err := dc.EGVs(ctx, now.Add(-2*time.Hour), now); err != nil {
		t.Fatal(err)
	}

	// The webhook probe, on its own transport, signed with the hash key.
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sigs <- r.Header.Get(rook.HashHeader) }))
	defer hook.Close()
	p := webhook.Probe(ctx, hook.URL+"/rook", webhook.SampleDocument(now), webhook.Options{HashKey: secret.New(hashKey), Wrap: rec.Wrap})
	if p.Verdict != webhook.Pass {
		t.Fatalf("probe: %+v", p)
	}
	sig := <-sigs
	rec.Redact(hashKey) // never travels, but the caller knows it
	return []string{dexcomSecret, rookKey, hashKey, state, code, tok.AccessToken, tok.RefreshToken,
		refreshed.AccessToken, refreshed.RefreshToken, sig, stateOf(t, a.AuthorizationURL)}
}

func stateOf(t *testing.T, authURL string) string {
	i := strings.Index(authURL, "state=")
	if i < 0 {
		t.Fatalf("no state in %s", authURL)
	}
	return strings.SplitN(authURL[i+len("state="):], "&", 2)[0]
}

func TestTranscriptIsHARWithoutSecrets(t *testing.T) {
	t.Parallel()
	rec := har.NewRecorder(nil)
	secrets := run(t, rec)
	path := filepath.Join(t.TempDir(), "run.har")
	if err := rec.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	for _, s := range secrets {
		if s == "" {
			t.Fatal("the run made an empty secret: the test would prove nothing")
		}
		for _, form := range []string{s, jsonString(s)} {
			if bytes.Contains(raw, []byte(form)) {
				t.Errorf("the transcript holds a secret (%.12s…)", s)
			}
		}
	}
	checkHAR(t, raw)
	for _, want := range []string{"/api/v1/user_id/har-user/data_source/Dexcom/authorizer", "/identity/login", "/v2/oauth2/token",
		"/v3/users/self/egvs", "/api/v2/user_id/har-user/data_sources/authorized", `"status": 302`, "/rook", "X-Rook-Hash", har.Redacted} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
}

// checkHAR decodes raw generically and checks HAR 1.2's required fields.
func checkHAR(t *testing.T, raw []byte) {
	t.Helper()
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	log, _ := f["log"].(map[string]any)
	if log["version"] != "1.2" {
		t.Fatalf("log.version = %v", log["version"])
	}
	if c, _ := log["creator"].(map[string]any); c["name"] == "" || c["version"] == nil {
		t.Fatalf("creator = %v", log["creator"])
	}
	entries, _ := log["entries"].([]any)
	if len(entries) < 10 {
		t.Fatalf("%d entries", len(entries))
	}
	for i, e := range entries {
		m := e.(map[string]any)
		if _, err := time.Parse(time.RFC3339Nano, m["startedDateTime"].(string)); err != nil {
			t.Errorf("entry %d: startedDateTime: %v", i, err)
		}
		need(t, i, m, "time", "request", "response", "cache", "timings")
		req := m["request"].(map[string]any)
		need(t, i, req, "method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize")
		resp := m["response"].(map[string]any)
		need(t, i, resp, "status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize")
		need(t, i, resp["content"].(map[string]any), "size", "mimeType")
		need(t, i, m["timings"].(map[string]any), "send", "wait", "receive")
		if pd, ok := req["postData"].(map[string]any); ok {
			need(t, i, pd, "mimeType", "text")
		}
	}
}

func need(t *testing.T, i int, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("entry %d lacks %s", i, k)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

// Many exchanges at once, and the transcript written while they run.
func TestRecorderConcurrent(t *testing.T) {
	t.Parallel()
	st, err := rooksim.StartStack(rooksim.StackConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec := har.NewRecorder(nil)
	hc := rec.Client(nil)
	var wg sync.WaitGroup
	const n = 40
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, st.ROOK.URL+"/api/v2/user_id/u"+string(rune('a'+i%26))+"/data_sources/authorized", nil)
			req.SetBasicAuth(rooksim.DemoClientUUID, rooksim.DemoSecretKey)
			resp, err := hc.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			var v any
			_ = json.NewDecoder(resp.Body).Decode(&v)
			resp.Body.Close()
		})
		wg.Go(func() {
			var b bytes.Buffer
			if _, err := rec.WriteTo(&b); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var b bytes.Buffer
	if _, err := rec.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	var f har.HAR
	if err := json.Unmarshal(b.Bytes(), &f); err != nil || len(f.Log.Entries) != n {
		t.Fatalf("%d entries, %v", len(f.Log.Entries), err)
	}
	if bytes.Contains(b.Bytes(), []byte(rooksim.DemoSecretKey)) {
		t.Fatal("the ROOK secret key is in the transcript")
	}
}
