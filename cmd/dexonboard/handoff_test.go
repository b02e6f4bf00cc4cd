package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
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
		// A second report to the same file is refused and leaves the first.
		r = runCmd(t, "", nil, "--vault", w.vault, "report", "Acme", "--format", "json", "-o", path)
		if after, _ := os.ReadFile(path); r.code == 0 || !strings.Contains(r.errOut, "choose a new file name") || !bytes.Equal(after, b) {
			t.Fatalf("%s: a report over an existing file: %+v (file kept: %v)", format, r, bytes.Equal(after, b))
		}
	}
}

// handoffWorld is a ROOK engineer's vault (cheapest KDF the binary
// accepts) whose "Acme Health" holds its own sandbox credentials, and a
// hand-off naming that profile with other ones.
type handoffWorld struct {
	vault, sealed string
	dir           string
	rcpt          string
}

var binaryKDF = vault.Options{KDF: vault.KDFParams{MemoryKiB: 19 * 1024, Passes: 1, Lanes: 1}}

func newHandoffWorld(t *testing.T) *handoffWorld {
	t.Helper()
	w := &handoffWorld{dir: t.TempDir()}
	w.vault = filepath.Join(w.dir, "cse.db")
	v, err := vault.Create(w.vault, []byte(cmdPass), binaryKDF)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	id, rcpt, _ := handoff.NewIdentity()
	if err := v.SetHandoffIdentity(id, rcpt); err != nil {
		t.Fatal(err)
	}
	w.rcpt = rcpt
	p, _ := v.CreateProfile("Acme Health")
	a := p.App(dexcom.Sandbox)
	a.ClientID, a.ClientSecret, a.RedirectURI = "cse-own-client-id", secret.New("cse-own-secret-0123456789"), "http://localhost:8765/callback"
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	w.sealed = w.seal(t, "sealed.age")
	return w
}

// seal writes a new hand-off for "Acme Health" with other credentials.
func (w *handoffWorld) seal(t *testing.T, name string) string {
	t.Helper()
	other := &onboarding.Profile{Name: "Acme Health"}
	a := other.App(dexcom.Sandbox)
	a.ClientID, a.ClientSecret, a.RedirectURI = "other-client-id", secret.New("other-secret-0123456789-WXYZ"), "http://localhost:8765/callback"
	armored, _, err := service.SealHandoff(other, dexcom.Sandbox, w.rcpt, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(w.dir, name)
	if err := os.WriteFile(path, armored, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// clientID is what the vault's "Acme Health" sandbox app holds now.
func (w *handoffWorld) clientID(t *testing.T) string {
	t.Helper()
	v, err := vault.Open(w.vault, []byte(cmdPass), vaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	p, err := v.Profile("Acme Health")
	if err != nil {
		t.Fatal(err)
	}
	return p.Apps[dexcom.Sandbox].ClientID
}

// TestHandoffOpenDoesNotReplaceSilently is issue 11 point 4: a hand-off
// naming a profile that holds credentials replaced them without a word.
func TestHandoffOpenDoesNotReplaceSilently(t *testing.T) {
	w := newHandoffWorld(t)
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	open := func(answers []string, extra ...string) result {
		return runCmd(t, "", answers, append([]string{"--vault", w.vault, "handoff", "open", w.sealed}, extra...)...)
	}
	r := open(nil)
	if r.code != exitUsage || !strings.Contains(r.errOut, "--replace") || w.clientID(t) != "cse-own-client-id" {
		t.Fatalf("no terminal, no --replace: %+v; client id now %s", r, w.clientID(t))
	}
	for _, want := range []string{"cse-own-client-id  →  other-client-id", "Client Secret", "********6789  →  ********WXYZ", "nothing was changed"} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, r.errOut)
		}
	}
	if codeOf(t, r.out) == "" || strings.Contains(r.out+r.errOut, "other-secret-0123456789") || strings.Contains(r.out+r.errOut, "cse-own-secret") {
		t.Fatalf("output: %+v", r)
	}
	if r := open([]string{"n"}); r.code != exitFailure || !strings.Contains(r.errOut, "nothing was changed") || w.clientID(t) != "cse-own-client-id" {
		t.Fatalf("answered n: %+v", r)
	}
	if r := open([]string{"y"}); r.code != 0 || w.clientID(t) != "other-client-id" {
		t.Fatalf("answered y: %+v", r)
	}
	if r := runCmd(t, "", nil, "--vault", w.vault, "handoff", "open", w.seal(t, "again.age"), "--replace"); r.code != 0 {
		t.Fatalf("--replace (nothing to replace now, so no question): %+v", r)
	}
}

// TestHandoffOpenThroughTheBinary runs the built program: without a
// terminal replacing needs --replace; at a terminal (tmux) it asks, n keeps
// the profile as it was and leaves the hand-off unused, y replaces.
func TestHandoffOpenThroughTheBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dexonboardBinary(t) // built once for every test that runs it
	w := newHandoffWorld(t)
	run := func(args ...string) result {
		cmd := exec.Command(bin, append([]string{"--vault", w.vault, "handoff", "open"}, args...)...)
		cmd.Env = append(os.Environ(), "DEXONBOARD_PASSPHRASE="+cmdPass, "NO_COLOR=1")
		return runProcess(t, cmd)
	}
	if r := run(w.sealed); r.code != exitUsage || !strings.Contains(r.errOut, "run again with --replace") || w.clientID(t) != "cse-own-client-id" {
		t.Fatalf("no terminal: %+v", r)
	}

	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but tmux is not installed: .ci/run must install it")
		}
		t.Log("no tmux: the terminal prompt is not tested here")
	} else {
		s := &tmuxSession{t: t, socket: fmt.Sprintf("dexonboard-handoff-%d", os.Getpid()), name: "open"}
		line := fmt.Sprintf("%s --vault %s handoff open %s; echo EXITED:$?", bin, w.vault, w.sealed)
		s.tmux("new-session", "-d", "-s", s.name, "-x", "150", "-y", "40", "-e", "NO_COLOR=1", "-e", "DEXONBOARD_PASSPHRASE="+cmdPass, "sh")
		defer exec.Command("tmux", "-L", s.socket, "kill-server").Run()
		s.typeText(line)
		s.keys("Enter")
		s.expect("asks", "verification code:", "cse-own-client-id  →  other-client-id", "Replace what \"Acme Health\" holds?", "[y/N]")
		s.typeText("n")
		s.keys("Enter")
		s.expect("n keeps", "nothing was changed", "EXITED:1")
		if w.clientID(t) != "cse-own-client-id" {
			t.Fatal("n replaced the credentials")
		}
		s.tmux("send-keys", "-t", s.name, "clear", "Enter")
		s.typeText(line)
		s.keys("Enter")
		s.expect("asks again: n did not use up the hand-off", "[y/N]")
		s.typeText("y")
		s.keys("Enter")
		s.expect("y replaces", "stored encrypted into profile", "EXITED:0")
		if w.clientID(t) != "other-client-id" {
			t.Fatal("y did not replace the credentials")
		}
		for _, sc := range s.screens {
			t.Log("\n" + sc)
		}
	}
	if r := run(w.seal(t, "scripted.age"), "--replace"); r.code != 0 || !strings.Contains(r.out, "stored encrypted") {
		t.Fatalf("--replace: %+v", r)
	}
}
