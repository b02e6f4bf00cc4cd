package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/vault"
)

// TestHandoffBetweenTwoVaults runs the whole hand-off: the CSE makes a key,
// the client seals its app for it, the CSE opens it once into a profile of
// its own vault, replies with ROOK's URL, and that profile passes a check.
func TestHandoffBetweenTwoVaults(t *testing.T) {
	dir := t.TempDir()
	cse, client := filepath.Join(dir, "cse.db"), filepath.Join(dir, "client.db")
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	redirect, _ := connect.FreeRedirectURI()
	for _, v := range []string{cse, client} {
		if r := runCmd(t, "", nil, "--vault", v, "vault", "init"); r.code != 0 {
			t.Fatal(r)
		}
	}
	k := runCmd(t, "", nil, "--vault", cse, "handoff", "keygen")
	recipient := strings.TrimSpace(k.out)
	if k.code != 0 || !strings.HasPrefix(recipient, "age1") {
		t.Fatalf("keygen: %+v", k)
	}
	if again := runCmd(t, "", nil, "--vault", cse, "handoff", "keygen"); strings.TrimSpace(again.out) != recipient {
		t.Fatal("a second keygen replaced the key without --force")
	}
	if r := runCmd(t, sandbox.DemoClientSecret, nil, "--vault", client, "vault", "add", "Acme Health", "--client-id", sandbox.DemoClientID,
		"--redirect-uri", redirect, "--app-name", "Acme sandbox"); r.code != 0 {
		t.Fatal(r)
	}
	sealedPath := filepath.Join(dir, "acme.age")
	s := runCmd(t, "", nil, "--vault", client, "handoff", "seal", "--to", recipient, "--profile", "Acme Health", "-o", sealedPath)
	if s.code != 0 {
		t.Fatalf("seal: %+v", s)
	}
	clientCode := codeOf(t, s.out)
	raw, _ := os.ReadFile(sealedPath)
	if fi, _ := os.Stat(sealedPath); fi.Mode().Perm() != 0o600 {
		t.Errorf("sealed file mode %v", fi.Mode().Perm())
	}
	if bytes.Contains(raw, []byte(sandbox.DemoClientSecret)) || bytes.Contains(raw, []byte(sandbox.DemoClientID)) {
		t.Fatal("the sealed file holds the credentials in the clear")
	}
	if strings.Contains(s.out+s.errOut, sandbox.DemoClientSecret) {
		t.Fatal("seal printed the secret")
	}
	// The client's own vault cannot open it: it has no key, and the key is not the CSE's.
	if r := runCmd(t, "", nil, "--vault", client, "handoff", "open", sealedPath); r.code == 0 || !strings.Contains(r.errOut, "handoff keygen") {
		t.Fatalf("client opening: %+v", r)
	}
	o := runCmd(t, "", nil, "--vault", cse, "handoff", "open", sealedPath)
	if o.code != 0 || codeOf(t, o.out) != clientCode || !strings.Contains(o.out, `profile "Acme Health"`) || strings.Contains(o.out, sandbox.DemoClientSecret) {
		t.Fatalf("open: %+v (client code %s)", o, clientCode)
	}
	if r := runCmd(t, "", nil, "--vault", cse, "handoff", "open", sealedPath); r.code == 0 || !strings.Contains(r.errOut, "already opened") {
		t.Fatalf("replay: %+v", r)
	}
	rep := runCmd(t, "", nil, "--vault", cse, "handoff", "reply", "--profile", "Acme Health", "--redirect-url", "https://rook.example/api/v1/dexcom/callback")
	if rep.code != 0 || !strings.Contains(rep.out, "https://rook.example/api/v1/dexcom/callback") {
		t.Fatalf("reply: %+v", rep)
	}
	// The CSE's profile now verifies against the simulator.
	sim := sandbox.New(sandbox.Config{Apps: []sandbox.App{sandbox.DemoApp(redirect)}})
	ts := httptest.NewServer(sim)
	defer ts.Close()
	ios, _, out, errOut := iostreams.Test()
	e := &env{ios: ios, prompt: &fakePrompter{}, browse: sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)}
	code := runWith(context.Background(), e, []string{"--vault", cse, "check", "--profile", "Acme Health", "--api-base", ts.URL, "--json"})
	if code != 0 || !strings.Contains(out.String(), `"ok": true`) {
		t.Fatalf("check of the handed-off profile: %d %s %s", code, out, errOut)
	}
	audit := runCmd(t, "", nil, "--vault", cse, "vault", "audit", "Acme Health")
	if !strings.Contains(audit.out, "hand-off opened") || strings.Contains(audit.out, sandbox.DemoClientSecret) {
		t.Fatalf("audit: %s", audit.out)
	}
}

func codeOf(t *testing.T, out string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if c, ok := strings.CutPrefix(l, "verification code: "); ok {
			return c
		}
	}
	t.Fatalf("no verification code in %q", out)
	return ""
}

func TestHandoffBadInput(t *testing.T) {
	dir := t.TempDir()
	v := filepath.Join(dir, "v.db")
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	runCmd(t, "", nil, "--vault", v, "vault", "init")
	runCmd(t, "", nil, "--vault", v, "handoff", "keygen")
	if r := runCmd(t, "", nil, "--vault", v, "handoff", "seal", "--to", "age1nope", "--profile", "x", "-o", dir+"/x"); r.code != exitUsage {
		t.Errorf("bad recipient: %+v", r)
	}
	_ = os.WriteFile(dir+"/plain.txt", []byte("client secret: hunter2"), 0o600)
	if r := runCmd(t, "", nil, "--vault", v, "handoff", "open", dir+"/plain.txt"); r.code == 0 || !strings.Contains(r.errOut, "not an age") {
		t.Errorf("not age: %+v", r)
	}
	if r := runCmd(t, "", nil, "--vault", v, "handoff", "reply", "--profile", "x", "--redirect-url", "http://insecure.example"); r.code != exitUsage {
		t.Errorf("http reply: %+v", r)
	}
}

// TestReportHoldsNoSecret writes every format for a profile whose secret and
// tokens are distinctive, and scans the bytes.
func TestReportHoldsNoSecret(t *testing.T) {
	w := newCheckWorld(t)
	if r := w.check(t, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)); r.code != 0 {
		t.Fatal(r)
	}
	v, err := vault.Open(w.vault, []byte(cmdPass), vaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := v.Profile("Acme")
	tok, _ := v.Token(p.ID, dexcom.Sandbox)
	v.Close()
	if tok == nil || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatal("no saved login to leak")
	}
	for _, format := range []string{"md", "html", "json"} {
		path := filepath.Join(t.TempDir(), "report."+format)
		r := runCmd(t, "", nil, "--vault", w.vault, "report", "Acme", "--format", format, "-o", path)
		if r.code != 0 {
			t.Fatalf("%s: %+v", format, r)
		}
		b, _ := os.ReadFile(path)
		if bytes.Contains(b, []byte(sandbox.DemoClientSecret)) || bytes.Contains(b, []byte(tok.AccessToken)) || bytes.Contains(b, []byte(tok.RefreshToken)) {
			t.Fatalf("%s report leaks a secret", format)
		}
		for _, want := range []string{"Acme", "/v3/users/self/egvs", "G7 on iOS", sandbox.DemoClientID} {
			if !bytes.Contains(b, []byte(want)) {
				t.Errorf("%s report lacks %q", format, want)
			}
		}
	}
}
