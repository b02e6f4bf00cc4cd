package main

import (
	"context"
	"flag"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/vault"
)

func TestMain(m *testing.M) {
	// Tests must stay fast: the vault files they make use instant key
	// derivation, which the real program never accepts.
	vaultOptions = vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true}
	if os.Getenv(asBinaryEnv) == "1" {
		main() // the test binary as dexonboard itself: see selfexec_test.go
	}
	flag.Parse()
	waitersInParallel()
	prebuildBinary()
	code := m.Run()
	removeBuiltBinary()
	os.Exit(code)
}

// waitersInParallel lets more parallel tests run at once than there are
// cores (unless -parallel is given): this package's parallel tests wait on
// child processes, tmux screens and the program's grace after a signal.
func waitersInParallel() {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(8*runtime.GOMAXPROCS(0)))
	}
}

// fakePrompter answers prompts from a script; no answer left means no terminal.
type fakePrompter struct {
	answers []string
	asked   []string
}

func (f *fakePrompter) next(prompt string) (string, error) {
	f.asked = append(f.asked, prompt)
	if len(f.answers) == 0 {
		return "", errNoTTY
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	return a, nil
}

func (f *fakePrompter) Password(p string) ([]byte, error) { a, err := f.next(p); return []byte(a), err }
func (f *fakePrompter) Input(p string) (string, error)    { return f.next(p) }
func (f *fakePrompter) Confirm(p string) (bool, error) {
	a, err := f.next(p)
	return a == "y", err
}

type result struct {
	code        int
	out, errOut string
}

// runCmd runs dexonboard with args, stdin and prompt answers.
func runCmd(t *testing.T, stdin string, answers []string, args ...string) result {
	t.Helper()
	return runCmdWith(t, nil, stdin, answers, args...)
}

// runCmdWith is runCmd with the secret variables given, as main would hand
// them over, instead of read from the environment (so the test may run
// in parallel).
func runCmdWith(t *testing.T, secrets secretLookup, stdin string, answers []string, args ...string) result {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	code := runWith(context.Background(), &env{ios: ios, prompt: &fakePrompter{answers: answers}, secrets: secrets}, args)
	return result{code, out.String(), errOut.String()}
}

// unlocking is the secret the tests' vaults open with.
var unlocking = secretLookup{"DEXONBOARD_PASSPHRASE": cmdPass}

func TestHelpEverywhere(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"demo", "--help"}, {"check", "--help"}, {"sandbox", "serve", "--help"},
		{"vault", "--help"}, {"vault", "add", "--help"}, {"vault", "check", "--help"}, {"version", "--help"}} {
		r := runCmd(t, "", nil, args...)
		if r.code != 0 || !strings.Contains(r.out, "Usage:") {
			t.Errorf("%v: code %d, out %q", args, r.code, r.out)
		}
	}
}

func TestUnknownCommandIsAUsageError(t *testing.T) {
	r := runCmd(t, "", nil, "frobnicate")
	if r.code != exitUsage || !strings.Contains(r.errOut, "unknown command") {
		t.Fatalf("%+v", r)
	}
}

const (
	cmdPass   = "harbor-velvet-cactus-19-plume"
	cmdSecret = "dexcom-secret-Zq8Wm2Xr5Tp0Lk7N"
)

func TestVaultCommands(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/v.db"
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	run := func(stdin string, answers []string, args ...string) result {
		return runCmd(t, stdin, answers, append([]string{"--vault", path}, args...)...)
	}
	if r := run("", nil, "vault", "list"); r.code != exitVault || !strings.Contains(r.errOut, "vault init") {
		t.Fatalf("list before init: %+v", r)
	}
	if r := run("", nil, "vault", "init"); r.code != 0 || !strings.Contains(r.out, "vault created") {
		t.Fatalf("init: %+v", r)
	}
	if r := run("", nil, "vault", "init"); r.code != exitVault || !strings.Contains(r.errOut, "already exists") {
		t.Fatalf("second init: %+v", r)
	}
	r := run(cmdSecret+"\n", nil, "vault", "add", "Acme Health", "--env", "sandbox", "--client-id", "acme-client-1", "--redirect-uri", "http://localhost:8765/callback")
	if r.code != 0 || !strings.Contains(r.out, "stored encrypted") {
		t.Fatalf("add: %+v", r)
	}
	if r := run("x", nil, "vault", "add", "Acme Health", "--client-id", "acme-client-1", "--redirect-uri", "https://example.com/cb"); r.code != exitUsage || !strings.Contains(r.errOut, "loopback") {
		t.Fatalf("add with bad redirect: %+v", r)
	}
	if r := run("", nil, "vault", "add", "Acme Health", "--client-id", "acme-client-1"); r.code != exitUsage || !strings.Contains(r.errOut, "empty") {
		t.Fatalf("add with empty secret: %+v", r)
	}
	r = run("", nil, "vault", "list")
	if r.code != 0 || !strings.Contains(r.out, "Acme Health") {
		t.Fatalf("list: %+v", r)
	}
	r = run("", nil, "vault", "show", "acme health")
	if r.code != 0 || !strings.Contains(r.out, "acme-client-1") || strings.Contains(r.out, cmdSecret) || !strings.Contains(r.out, "********Lk7N") {
		t.Fatalf("show: %+v", r)
	}
	if r := run("", nil, "vault", "show", "Acme Health", "--reveal"); r.code != exitUsage || strings.Contains(r.out, cmdSecret) {
		t.Fatalf("reveal without a terminal or --yes: %+v", r)
	}
	if r := run("", []string{"n"}, "vault", "show", "Acme Health", "--reveal"); r.code == 0 || strings.Contains(r.out, cmdSecret) {
		t.Fatalf("reveal refused at the prompt: %+v", r)
	}
	if r := run("", []string{"y"}, "vault", "show", "Acme Health", "--reveal"); r.code != 0 || !strings.Contains(r.out, cmdSecret) {
		t.Fatalf("reveal confirmed: %+v", r)
	}
	if r := run("", nil, "vault", "check"); r.code != 0 || !strings.Contains(r.out, "ok: every record") {
		t.Fatalf("check: %+v", r)
	}
	if r := run("", nil, "vault", "backup", dir+"/b.db"); r.code != 0 || !vault.Exists(dir+"/b.db") {
		t.Fatalf("backup: %+v", r)
	}
	if r := run("", nil, "vault", "rotate-key"); r.code != 0 {
		t.Fatalf("rotate-key: %+v", r)
	}
	if r := run("", nil, "vault", "audit", "Acme Health"); r.code != 0 || !strings.Contains(r.out, "sandbox client secret set") || strings.Contains(r.out, cmdSecret) {
		t.Fatalf("audit: %+v", r)
	}
	if r := run("", nil, "vault", "rename", "Acme Health", "Acme Inc"); r.code != 0 {
		t.Fatalf("rename: %+v", r)
	}

	const newPass = "lobster-quasar-meadow-88-ember"
	t.Setenv("DEXONBOARD_NEW_PASSPHRASE", newPass)
	if r := run("", nil, "vault", "passwd"); r.code != 0 {
		t.Fatalf("passwd: %+v", r)
	}
	r = run("", nil, "vault", "list")
	if r.code != exitVault || !strings.Contains(r.errOut, "wrong passphrase") {
		t.Fatalf("old passphrase after passwd: %+v", r)
	}
	t.Setenv("DEXONBOARD_PASSPHRASE", newPass)
	if r := run("", nil, "vault", "delete", "Acme Inc"); r.code != exitUsage {
		t.Fatalf("delete without confirmation: %+v", r)
	}
	if r := run("", nil, "vault", "delete", "Acme Inc", "--yes"); r.code != 0 {
		t.Fatalf("delete: %+v", r)
	}
	for _, out := range []string{r.out, r.errOut} {
		if strings.Contains(out, newPass) || strings.Contains(out, cmdPass) {
			t.Fatal("passphrase printed")
		}
	}
}

func TestVaultInitPromptsTwiceAndRefusesWeak(t *testing.T) {
	path := t.TempDir() + "/v.db"
	t.Setenv("DEXONBOARD_PASSPHRASE", "")
	p := &fakePrompter{answers: []string{"password1", cmdPass, "typo", cmdPass, cmdPass}}
	ios, _, out, errOut := iostreams.Test()
	code := runWith(context.Background(), &env{ios: ios, prompt: p}, []string{"--vault", path, "vault", "init"})
	if code != 0 {
		t.Fatalf("code %d: %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "too short") || !strings.Contains(errOut.String(), "differ") || !strings.Contains(out.String(), "vault created") {
		t.Fatalf("feedback: %s", errOut)
	}
	if len(p.asked) != 5 {
		t.Fatalf("asked %d times: %q", len(p.asked), p.asked)
	}
	// Without a terminal and without the variable: a clear error, not a hang.
	r := runCmd(t, "", nil, "--vault", t.TempDir()+"/w.db", "vault", "init")
	if r.code != exitVault || !strings.Contains(r.errOut, "DEXONBOARD_PASSPHRASE") {
		t.Fatalf("no tty: %+v", r)
	}
}

func TestPassphraseFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DEXONBOARD_PASSPHRASE", "")
	if err := os.WriteFile(dir+"/pass", []byte(cmdPass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runCmd(t, "", nil, "--vault", dir+"/v.db", "--passphrase-file", dir+"/pass", "vault", "init"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	if r := runCmd(t, "", nil, "--vault", dir+"/v.db", "--passphrase-file", dir+"/pass", "vault", "list"); r.code != 0 {
		t.Fatalf("list: %+v", r)
	}
	if r := runCmd(t, "", nil, "--vault", dir+"/v.db", "--passphrase-file", dir+"/missing", "vault", "list"); r.code != exitVault {
		t.Fatalf("missing file: %+v", r)
	}
}
