package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

// checkOut is check's JSON as a script reads it.
type checkOut struct {
	OK       bool   `json:"ok"`
	Via      string `json:"via"`
	EGVCount int    `json:"egv_count"`
	ROOK     *struct {
		AuthorizationURL string `json:"authorization_url"`
		Authorized       bool   `json:"authorized"`
		Glucose          []struct {
			Date  string `json:"date"`
			Count int    `json:"count"`
		} `json:"glucose"`
		Webhook *struct {
			Status int `json:"status"`
		} `json:"webhook"`
		Comparison *struct {
			ROOK, Dexcom, Matched int
			Summary               string
		} `json:"comparison"`
		Calls []struct {
			Status  int
			Attempt int
		} `json:"calls"`
		OK          bool   `json:"ok"`
		FailedStage string `json:"failed_stage"`
		Error       string `json:"error"`
		Fix         string `json:"fix"`
	} `json:"rook"`
}

func decodeCheck(t *testing.T, out string) checkOut {
	t.Helper()
	var c checkOut
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return c
}

func TestCheckDemoViaBoth(t *testing.T) {
	t.Parallel()
	r := runCmd(t, "", nil, "check", "--demo", "--via", "both", "--json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	c := decodeCheck(t, r.out)
	if !c.OK || c.Via != "both" || c.EGVCount == 0 || c.ROOK == nil || !c.ROOK.OK || !c.ROOK.Authorized {
		t.Fatalf("%s", r.out)
	}
	if !strings.Contains(c.ROOK.AuthorizationURL, "client_id="+sandbox.DemoClientID) || len(c.ROOK.Glucose) == 0 || c.ROOK.Glucose[len(c.ROOK.Glucose)-1].Count == 0 {
		t.Fatalf("rook: %s", r.out)
	}
	cmp := c.ROOK.Comparison
	if cmp == nil || cmp.ROOK == 0 || cmp.Matched != cmp.ROOK || cmp.Dexcom < cmp.ROOK || !strings.Contains(cmp.Summary, "ROOK has ") {
		t.Fatalf("comparison: %s", r.out)
	}
	if c.ROOK.Webhook == nil || c.ROOK.Webhook.Status != 200 {
		t.Fatalf("webhook: %s", r.out)
	}
	if strings.Contains(r.out+r.errOut, rooksim.DemoSecretKey) || strings.Contains(r.out+r.errOut, sandbox.DemoClientSecret) {
		t.Fatal("a secret was printed")
	}
	// --demo alone runs both legs; --via dexcom runs one. A failed run
	// shows its own error, not a wrong conclusion about the legs.
	passed := func(args ...string) checkOut {
		t.Helper()
		r := runCmd(t, "", nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
		return decodeCheck(t, r.out)
	}
	if c := passed("check", "--demo", "--json"); c.ROOK == nil || c.EGVCount == 0 {
		t.Fatal("--demo did not default to both legs")
	}
	if c := passed("check", "--demo", "--via", "dexcom", "--json"); c.ROOK != nil {
		t.Fatal("--via dexcom ran the ROOK leg")
	}
	human := runCmd(t, "", nil, "check", "--demo", "--via", "rook")
	if human.code != 0 || !strings.Contains(human.out, "Through ROOK: verified") || strings.Contains(human.out, "Verified: Sandbox") {
		t.Fatalf("human, rook only: %+v", human)
	}
}

// rookWorld is both simulators on loopback with faults, and a check run
// against them through the CLI, as a script would, with a browser that
// walks the login (and records whether it was opened).
type rookWorld struct {
	st     *rooksim.Stack
	opened atomic.Int32
}

func newROOKWorld(t *testing.T, f rooksim.Faults) *rookWorld {
	t.Helper()
	st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Faults: f}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return &rookWorld{st: st}
}

func (w *rookWorld) check(t *testing.T, key string, args ...string) result {
	t.Helper()
	walk := sandbox.Autopilot(&http.Client{Timeout: 10 * time.Second}, "SandboxUser7", true)
	return w.checkWith(t, key, walk, args...)
}

// checkWith runs the check with $ROOK_SECRET_KEY set to key (and no
// $DEXCOM_CLIENT_SECRET) and browse as the test user's browser.
func (w *rookWorld) checkWith(t *testing.T, key string, browse func(context.Context, string) error, args ...string) result {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	e := &env{ios: ios, prompt: &fakePrompter{}, sleep: func(context.Context, time.Duration) error { return nil },
		secrets: secretLookup{"ROOK_SECRET_KEY": key},
		browse:  func(ctx context.Context, u string) error { w.opened.Add(1); return browse(ctx, u) }}
	base := []string{"check", "--via", "rook", "--json", "--api-base", w.st.Dexcom.URL, "--rook-api-base", w.st.ROOK.URL,
		"--rook-client-uuid", rooksim.DemoClientUUID, "--client-id", sandbox.DemoClientID,
		"--rook-redirect-url", w.st.ROOK.RedirectURL(), "--rook-user-id", "ci-user", "--timeout", "20s"}
	code := runWith(context.Background(), e, append(base, args...))
	return result{code, out.String(), errOut.String()}
}

// Every fault switch of the ROOK simulator, driven through the command:
// the exit code, the failed stage, the named cause and its fix, and
// whether a browser was opened at all.
func TestCheckThroughROOKFaults(t *testing.T) {
	t.Parallel()
	hook500 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
	defer hook500.Close()
	for _, tt := range []struct {
		name       string
		faults     rooksim.Faults
		key        string
		args       []string
		code       int
		stage      string
		cause, fix string
		browser    bool
	}{
		{name: "healthy", code: 0, browser: true},
		{name: "wrong Client ID held by ROOK", faults: rooksim.Faults{WrongClientID: true}, code: exitROOK, stage: "authorization_url",
			cause: "ROOK holds Client ID '", fix: "ask your CSE to correct it (Step 4)"},
		{name: "Redirect URL not registered at Dexcom", faults: rooksim.Faults{RedirectNotRegistered: true}, code: exitROOK, stage: "authorization_url",
			cause: "invalid redirect_uri", fix: "paste ROOK's Redirect URL into your Dexcom app (Step 5)"},
		{name: "Dexcom not enabled", faults: rooksim.Faults{DexcomDisabled: true}, code: exitROOK, stage: "authorizer",
			cause: "Dexcom is not enabled for your ROOK client", fix: "enable the Dexcom button on your ROOK client portal"},
		{name: "bad ROOK credentials", key: "not-the-key", code: exitROOK, stage: "authorizer",
			cause: "ROOK refused the client UUID and secret key", fix: "sandbox environment"},
		{name: "wrong secret held by ROOK", faults: rooksim.Faults{WrongSecret: true}, code: exitROOK, stage: "browser",
			cause: "token_exchange_failed", fix: "Client Secret ROOK holds", browser: true},
		{name: "no data yet", faults: rooksim.Faults{NoDataPolls: 1000}, code: exitROOK, stage: "glucose",
			cause: "ROOK has no blood glucose", fix: "wait a few minutes", browser: true},
		{name: "slow ROOK", faults: rooksim.Faults{Latency: 400 * time.Millisecond}, args: []string{"--rook-timeout", "100ms"}, code: exitROOK, stage: "authorizer",
			fix: "did not answer in time"},
		{name: "webhook answers 500", args: []string{"--webhook-url", hook500.URL}, code: exitROOK, stage: "webhook",
			cause: "answered 500", fix: "answer 200", browser: true},
		// Once-faults are retried within bounds and pass, with the retry on record.
		{name: "429 once", faults: rooksim.Faults{RateLimitOnce: true}, code: 0, browser: true},
		{name: "503 once", faults: rooksim.Faults{ServerErrorOnce: true}, code: 0, browser: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newROOKWorld(t, tt.faults)
			key := tt.key
			if key == "" {
				key = rooksim.DemoSecretKey
			}
			r := w.check(t, key, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %+v", r.code, tt.code, r)
			}
			c := decodeCheck(t, r.out)
			if c.ROOK == nil || c.OK != (tt.code == 0) || c.ROOK.OK != (tt.code == 0) {
				t.Fatalf("%s", r.out)
			}
			if c.ROOK.FailedStage != tt.stage || !strings.Contains(c.ROOK.Error, tt.cause) || !strings.Contains(c.ROOK.Fix, tt.fix) {
				t.Fatalf("stage %q cause %q fix %q", c.ROOK.FailedStage, c.ROOK.Error, c.ROOK.Fix)
			}
			if opened := w.opened.Load() > 0; opened != tt.browser {
				t.Fatalf("browser opened: %v, want %v", opened, tt.browser)
			}
			if tt.faults.RateLimitOnce || tt.faults.ServerErrorOnce {
				if c.ROOK.Calls[0].Status < 429 || c.ROOK.Calls[1].Attempt != 2 {
					t.Fatalf("the retry is not on record: %+v", c.ROOK.Calls)
				}
			}
			if strings.Contains(r.out+r.errOut, rooksim.DemoSecretKey) {
				t.Fatal("the ROOK secret key was printed")
			}
		})
	}
}

// Bad flags stop the check before any login, simulator or vault: exit 2.
func TestCheckValidatesFlagsFirst(t *testing.T) {
	t.Setenv("DEXCOM_CLIENT_SECRET", "s")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--client-id", "bad id", "--redirect-uri", "http://localhost:8765/callback"}, "--client-id"},
		{[]string{"--client-id", "abcdefgh12", "--redirect-uri", "https://example.com/cb"}, "--redirect-uri"},
		{[]string{"--via", "carrier-pigeon"}, "--via"},
		{[]string{"--demo", "--rook-env", "staging"}, "--rook-env"},
		{[]string{"--demo", "--rook-redirect-url", "http://rook.example/cb"}, "--rook-redirect-url"},
		{[]string{"--demo", "--webhook-url", "ftp://x"}, "--webhook-url"},
		{[]string{"--demo", "--rook-user-id", "a b"}, "--rook-user-id"},
		{[]string{"--via", "rook", "--client-id", "abcdefgh12"}, "--rook-redirect-url"},
	} {
		ios, _, out, errOut := iostreams.Test()
		e := &env{ios: ios, prompt: &fakePrompter{}, browse: func(context.Context, string) error {
			t.Errorf("%v: a login started", tt.args)
			return nil
		}}
		code := runWith(context.Background(), e, append([]string{"check"}, tt.args...))
		if code != exitUsage || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q, stdout %q", tt.args, code, errOut.String(), out.String())
		}
	}
}

// With --no-browser the authorization URL is alone on its line on stderr.
func TestCheckThroughROOKNoBrowserPrintsURL(t *testing.T) {
	w := newROOKWorld(t, rooksim.Faults{})
	code, out, errOut := checkROOKNoBrowser(t, w)
	var url string
	for _, line := range strings.Split(errOut.String(), "\n") {
		if strings.HasPrefix(line, w.st.Dexcom.URL+"/v2/oauth2/login?") {
			url = line
		}
	}
	if url == "" || code != exitROOK || !strings.Contains(out.String(), "did not report Dexcom connected") {
		t.Fatalf("exit %d, stdout %s, stderr %s", code, out.String(), errOut.String())
	}
}

// --profile gives the ROOK leg everything the wizard stored: the Client
// ID, ROOK's Redirect URL, the ROOK credentials and the test user; no
// secret comes from the environment or a flag.
func TestCheckThroughROOKFromProfile(t *testing.T) {
	w := newROOKWorld(t, rooksim.Faults{})
	dir := t.TempDir()
	path := dir + "/v.db"
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	t.Setenv("ROOK_SECRET_KEY", "")
	if r := runCmd(t, "", nil, "--vault", path, "vault", "init"); r.code != 0 {
		t.Fatal(r)
	}
	if r := runCmd(t, sandbox.DemoClientSecret, nil, "--vault", path, "vault", "add", "Acme", "--env", "sandbox", "--client-id", sandbox.DemoClientID); r.code != 0 {
		t.Fatal(r)
	}
	v, err := vault.Open(path, []byte(cmdPass), vaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Profile("Acme")
	if err != nil {
		t.Fatal(err)
	}
	a := p.App(dexcom.Sandbox)
	a.ROOKRedirectURL, a.ROOKClientUUID, a.ROOKSecretKey, a.ROOKUserID = w.st.ROOK.RedirectURL(), rooksim.DemoClientUUID, secret.New(rooksim.DemoSecretKey), "acme-tester"
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	v.Close()
	ios, _, out, errOut := iostreams.Test()
	e := &env{ios: ios, prompt: &fakePrompter{}, sleep: func(context.Context, time.Duration) error { return nil },
		browse: sandbox.Autopilot(&http.Client{Timeout: 10 * time.Second}, "SandboxUser7", true)}
	code := runWith(context.Background(), e, []string{"--vault", path, "check", "--profile", "acme", "--via", "rook", "--json",
		"--api-base", w.st.Dexcom.URL, "--rook-api-base", w.st.ROOK.URL})
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
	}
	c := decodeCheck(t, out.String())
	if !c.OK || !c.ROOK.Authorized || !strings.Contains(out.String(), `"user_id": "acme-tester"`) || strings.Contains(out.String()+errOut.String(), rooksim.DemoSecretKey) {
		t.Fatalf("%s", out.String())
	}
}

// checkROOKNoBrowser runs `check --via rook --no-browser` against w's
// simulators with a 300 ms login wait (nobody logs in).
func checkROOKNoBrowser(t *testing.T, w *rookWorld) (code int, out, errOut *bytes.Buffer) {
	t.Setenv("ROOK_SECRET_KEY", rooksim.DemoSecretKey)
	ios, _, out, errOut := iostreams.Test()
	e := &env{ios: ios, prompt: &fakePrompter{}}
	code = runWith(context.Background(), e, []string{"check", "--via", "rook", "--no-browser", "--timeout", "300ms",
		"--api-base", w.st.Dexcom.URL, "--rook-api-base", w.st.ROOK.URL, "--rook-client-uuid", rooksim.DemoClientUUID,
		"--client-id", sandbox.DemoClientID, "--rook-redirect-url", w.st.ROOK.RedirectURL()})
	return code, out, errOut
}
