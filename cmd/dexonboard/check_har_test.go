package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// check --har writes every exchange of the run (Dexcom, ROOK, the webhook
// probe) as HAR 1.2, with none of the run's secrets: distinctive ones are
// used so a leak cannot hide among look-alikes. $ROOK_HASH_KEY reaches the
// probe: the webhook sees x-rook-hash.
func TestCheckHARHasEveryExchangeAndNoSecret(t *testing.T) {
	const (
		clientSecret = "dxsecret-Wq7Lm2Zr9Pk4"
		rookKey      = "rooksecret-Hv3Nc8Ty1Jd6"
		hashKey      = "rookhash-Gb5Xs0Qe2Fu7"
	)
	var mu sync.Mutex
	var signed []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		signed = append(signed, r.Header.Get(rook.HashHeader))
		mu.Unlock()
	}))
	defer hook.Close()
	app := sandbox.App{Name: "har", ClientID: sandbox.DemoClientID, ClientSecret: clientSecret}
	client := rooksim.Client{UUID: rooksim.DemoClientUUID, SecretKey: rookKey, HashKey: hashKey, DexcomClientID: app.ClientID, DexcomClientSecret: clientSecret}
	w := newMisconfigWorld(t, rooksim.StackConfig{Dexcom: sandbox.Config{Apps: []sandbox.App{app}}, ROOK: rooksim.Config{Clients: []rooksim.Client{client}}})
	w.key, w.hashKey = rookKey, hashKey
	var seen []string // codes and states that passed through the browser
	hc := &http.Client{Timeout: 10 * time.Second}
	w.browse = func(ctx context.Context, u string) error {
		loc, err := sandbox.LogIn(ctx, hc, u, "SandboxUser7", true)
		if err != nil {
			return err
		}
		login, _ := url.Parse(u)
		seen = append(seen, loc.Query().Get("code"), loc.Query().Get("state"), login.Query().Get("state"))
		resp, err := hc.Get(loc.String())
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	path := filepath.Join(t.TempDir(), "run.har")
	r, c := w.run(t, "--via", "both", "--webhook-url", hook.URL, "--har", path)
	if r.code != 0 || !c.OK {
		t.Fatalf("exit %d: %s %s", r.code, r.out, r.errOut)
	}
	if len(signed) != 1 || signed[0] == "" {
		t.Fatalf("the probe was not signed with $ROOK_HASH_KEY: %q", signed)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Log struct {
			Version string `json:"version"`
			Creator struct {
				Name string `json:"name"`
			} `json:"creator"`
			Entries []struct {
				Started string `json:"startedDateTime"`
				Request struct {
					Method      string            `json:"method"`
					URL         string            `json:"url"`
					HTTPVersion string            `json:"httpVersion"`
					Headers     []json.RawMessage `json:"headers"`
					Query       []json.RawMessage `json:"queryString"`
				} `json:"request"`
				Response struct {
					Status  int `json:"status"`
					Content struct {
						MimeType string `json:"mimeType"`
					} `json:"content"`
				} `json:"response"`
				Timings map[string]float64 `json:"timings"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.Log.Version != "1.2" || doc.Log.Creator.Name == "" || len(doc.Log.Entries) == 0 {
		t.Fatalf("not HAR 1.2: version %q, creator %q, %d entries", doc.Log.Version, doc.Log.Creator.Name, len(doc.Log.Entries))
	}
	hosts := map[string]bool{}
	for _, e := range doc.Log.Entries {
		if _, err := time.Parse(time.RFC3339Nano, e.Started); err != nil || e.Request.Method == "" || e.Request.HTTPVersion == "" ||
			e.Request.Headers == nil || e.Request.Query == nil || e.Timings == nil {
			t.Fatalf("entry lacks HAR 1.2's required fields: %+v", e)
		}
		u, _ := url.Parse(e.Request.URL)
		hosts["http://"+u.Host] = true
	}
	for name, base := range map[string]string{"Dexcom": w.st.Dexcom.URL, "ROOK": w.st.ROOK.URL, "the webhook": hook.URL} {
		if !hosts[base] {
			t.Errorf("no exchange with %s (%s) in the transcript: %v", name, base, hosts)
		}
	}
	text := string(raw)
	secrets := append([]string{clientSecret, rookKey, hashKey, signed[0]}, seen...)
	for _, s := range secrets {
		if len(s) >= 4 && strings.Contains(text, s) {
			t.Errorf("the transcript holds a secret of the run: %.6s…", s)
		}
	}
	for _, field := range []string{`access_token\":\"`, `refresh_token\":\"`} {
		for _, rest := range strings.Split(text, field)[1:] {
			if !strings.HasPrefix(rest, "[redacted]") {
				t.Errorf("a token is in the transcript: %s%.12s…", field, rest)
			}
		}
	}
	if !strings.Contains(text, "[redacted]") {
		t.Error("nothing was redacted")
	}
}
