package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/vault"
)

// forgedEsc is what an answer from outside may carry: a colour, a screen
// clear, an OSC 8 link, an OSC 52 clipboard write, a bell, C1 CSI, a bidi
// override, a line break to forge a line of output.
const forgedEsc = "\x1b[31m\x1b[2J\x1b]8;;https://evil.example\x07here\x1b]8;;\x07\x1b]52;c;cm0gLXJmIH4=\x07\u009b1m\u202e\r\nforged: "

// hasControls reports control characters, raw or (in JSON) escaped.
func hasControls(s string) bool {
	const controls = "\x1b\x07\r\u009b\u202e"
	if strings.ContainsAny(s, controls) {
		return true
	}
	var v any
	return json.Unmarshal([]byte(s), &v) == nil && strings.ContainsAny(jsonText(v), controls)
}

// jsonText joins every key and string of a decoded JSON value.
func jsonText(v any) string {
	var b strings.Builder
	switch x := v.(type) {
	case string:
		b.WriteString(x)
	case []any:
		for _, e := range x {
			b.WriteString(jsonText(e))
		}
	case map[string]any:
		for k, e := range x {
			b.WriteString(k + jsonText(e))
		}
	}
	return b.String()
}

// outsideDexcom is a Dexcom stand-in whose answers carry escapes: at the
// login (an error redirect), at the token endpoint or at the data endpoints.
func outsideDexcom(t *testing.T, at string) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/oauth2/login"):
			q := url.Values{"state": {r.URL.Query().Get("state")}}
			if at == "login" {
				q.Set("error", "server_error"+forgedEsc)
				q.Set("error_description", "login broke"+forgedEsc)
			} else {
				q.Set("code", "the-code")
			}
			http.Redirect(w, r, r.URL.Query().Get("redirect_uri")+"?"+q.Encode(), http.StatusFound)
		case strings.HasSuffix(r.URL.Path, "/oauth2/token"):
			if at == "token" {
				// Not JSON: the oauth2 package puts the raw body in its error.
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, "token broke"+forgedEsc)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"a","refresh_token":"r","token_type":"Bearer","expires_in":7200}`)
		default:
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, "<html>api broke"+forgedEsc+"</html>")
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

var loginURLPattern = regexp.MustCompile(`http://127\.0\.0\.1:\d+/v2/oauth2/login\?\S+`)

// TestBinaryKeepsEscapesFromOutsideOff reproduces issue 11 point 3 through
// the built program: a check whose login (or token exchange, or API call)
// ends with an answer full of terminal escapes prints none, stores none on
// the profile, and no report format holds one.
func TestBinaryKeepsEscapesFromOutsideOff(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	for _, tc := range []struct {
		at, want string
		code     int
	}{
		{"login", "server_error", exitLogin},
		{"token", "token broke", exitLogin},
		{"api", "api broke", exitAPI},
	} {
		t.Run(tc.at, func(t *testing.T) {
			t.Parallel() // own simulator, vault and child processes
			dex := outsideDexcom(t, tc.at)
			path := filepath.Join(t.TempDir(), "v.db")
			redirect, err := connect.FreeRedirectURI()
			if err != nil {
				t.Fatal(err)
			}
			connect.Release(redirect) // the child process binds it
			env := append(envWithout(secretVars...), "DEXONBOARD_PASSPHRASE="+cmdPass, "NO_COLOR=1")
			run := func(stdin string, args ...string) (string, int) {
				t.Helper()
				cmd := exec.Command(bin, append([]string{"--vault", path}, args...)...)
				cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
				out, _ := cmd.CombinedOutput()
				return string(out), cmd.ProcessState.ExitCode()
			}
			// Made here at the lowest cost a real vault may have (the binary
			// would use the full one): each of the eight unlocks below
			// derives its key in a tenth of the time.
			v, err := vault.Create(path, []byte(cmdPass), vault.Options{KDF: vault.KDFParams{MemoryKiB: 19 * 1024, Passes: 1, Lanes: 1}})
			if err != nil {
				t.Fatal(err)
			}
			v.Close()
			if out, code := run("the-secret\n", "vault", "add", "Acme", "--env", "sandbox", "--client-id", "acme-client", "--redirect-uri", redirect); code != 0 {
				t.Fatalf("add: %s", out)
			}

			cmd := exec.Command(bin, "--vault", path, "check", "--profile", "Acme", "--api-base", dex.URL, "--no-browser", "--timeout", "30s")
			cmd.Env = env
			r := startBinary(t, cmd)
			r.waitOutput(t, "/v2/oauth2/login?")
			loginURL := loginURLPattern.FindString(r.out.String())
			resp, err := http.Get(loginURL) // the browser: follows the redirect to the callback
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			_ = r.exit(t)
			checkOut := r.out.String()
			if got := r.cmd.ProcessState.ExitCode(); got != tc.code || !strings.Contains(checkOut, tc.want) {
				t.Fatalf("check: exit %d, want %d and %q in:\n%s", got, tc.code, tc.want, checkOut)
			}
			outputs := map[string]string{"check": checkOut}
			outputs["vault show"], _ = run("", "vault", "show", "Acme")
			for _, f := range []string{"md", "html", "json"} {
				out, code := run("", "report", "Acme", "--format", f)
				if code != 0 || !strings.Contains(out, tc.want) {
					t.Fatalf("report --format %s: exit %d, lacks %q:\n%s", f, code, tc.want, out)
				}
				outputs["report "+f] = out
			}
			for name, out := range outputs {
				if hasControls(out) {
					t.Errorf("%s prints control characters: %q", name, out)
				}
			}

			v, err = vault.Open(path, []byte(cmdPass), vault.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			p, err := v.Profile("Acme")
			if err != nil || p.LastCheck == nil {
				t.Fatalf("no last check stored: %v", err)
			}
			if !strings.Contains(p.LastCheck.Summary, tc.want) {
				t.Fatalf("stored summary %q lacks %q", p.LastCheck.Summary, tc.want)
			}
			if hasControls(p.LastCheck.Summary) || hasControls(string(p.LastCheck.Report)) {
				t.Errorf("stored last check holds control characters: %q\n%s", p.LastCheck.Summary, p.LastCheck.Report)
			}
		})
	}
}

// TestVaultRefusesProfileNamesWithControls: vault add and vault rename
// refuse a name with escapes, C1 controls or bidi overrides, saying why
// and showing the name escaped; nothing is stored.
func TestVaultRefusesProfileNamesWithControls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.db")
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	run := func(stdin string, args ...string) result {
		return runCmd(t, stdin, nil, append([]string{"--vault", path}, args...)...)
	}
	if r := run("", "vault", "init"); r.code != 0 {
		t.Fatal(r)
	}
	if r := run("secret-0123456789\n", "vault", "add", "Acme", "--client-id", "acme-client", "--redirect-uri", "http://localhost:8765/callback"); r.code != 0 {
		t.Fatal(r)
	}
	for _, name := range []string{"Evil\x1b[2JCorp", "Evil\u009b31mCorp", "Evil\u202eproC", "Evil\x07", "Evil\tCorp"} {
		r := run("secret-0123456789\n", "vault", "add", name, "--client-id", "acme-client", "--redirect-uri", "http://localhost:8765/callback")
		if r.code == 0 || !strings.Contains(r.errOut, "control characters or terminal escapes") || hasControls(r.out+r.errOut) {
			t.Errorf("add %q: %+v", name, r)
		}
		r = run("", "vault", "rename", "Acme", name)
		if r.code == 0 || !strings.Contains(r.errOut, "control characters or terminal escapes") || hasControls(r.out+r.errOut) {
			t.Errorf("rename to %q: %+v", name, r)
		}
	}
	r := run("", "vault", "list")
	if r.code != 0 || !strings.Contains(r.out, "Acme") || strings.Contains(r.out, "Evil") {
		t.Fatalf("list: %+v", r)
	}
}
