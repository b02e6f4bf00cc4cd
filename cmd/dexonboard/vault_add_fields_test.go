package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/vault"
)

// TestBinaryVaultAddRefusesBadFields reproduces issue 21 point 7 through
// the built program: vault add stored a 100,000-character or 1-character
// Client ID, a 100 KB app name, an app name with U+202E or invalid UTF-8,
// redirect URIs with #frag or <script>, a 1-character secret. Each is now
// refused with exit 2, naming the flag, before the vault opens: nothing is
// stored, and a good add still works.
func TestBinaryVaultAddRefusesBadFields(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	path := filepath.Join(t.TempDir(), "v.db")
	v, err := vault.Create(path, []byte(cmdPass), vault.Options{KDF: vault.KDFParams{MemoryKiB: 19 * 1024, Passes: 1, Lanes: 1}})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	run := func(stdin string, args ...string) result {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--vault", path, "vault", "add"}, args...)...)
		cmd.Env = append(envWithout(secretVars...), "DEXONBOARD_PASSPHRASE="+cmdPass, "NO_COLOR=1")
		cmd.Stdin = strings.NewReader(stdin)
		return runProcess(t, cmd)
	}
	const goodID, goodSecret, goodRedirect = "acme-client-1", cmdSecret + "\n", "http://localhost:8765/callback"
	for _, tc := range []struct {
		name, flag, stdin string
		args              []string
	}{
		{"long client id", "--client-id", goodSecret, []string{"--client-id", strings.Repeat("a", 100_000)}},
		{"short client id", "--client-id", goodSecret, []string{"--client-id", "a"}},
		{"long app name", "--app-name", goodSecret, []string{"--client-id", goodID, "--app-name", strings.Repeat("n", 100<<10)}},
		{"bidi app name", "--app-name", goodSecret, []string{"--client-id", goodID, "--app-name", "Acme\u202eevil"}},
		{"invalid UTF-8 app name", "--app-name", goodSecret, []string{"--client-id", goodID, "--app-name", "Acme\xff\xfe"}},
		{"fragment", "--redirect-uri", goodSecret, []string{"--client-id", goodID, "--redirect-uri", goodRedirect + "#frag"}},
		{"script", "--redirect-uri", goodSecret, []string{"--client-id", goodID, "--redirect-uri", "http://localhost:8765/<script>alert(1)</script>"}},
		{"short secret", "client secret", "s\n", []string{"--client-id", goodID}},
		{"secret with spaces", "client secret", "a secret with spaces\n", []string{"--client-id", goodID}},
	} {
		r := run(tc.stdin, append([]string{"Evil"}, tc.args...)...)
		if r.code != exitUsage || !strings.Contains(strings.ToLower(r.errOut), strings.ToLower(tc.flag)) {
			t.Errorf("%s: exit %d, want %d naming %s: %s", tc.name, r.code, exitUsage, tc.flag, r.errOut)
		}
		if len(r.errOut) > 1000 || strings.Contains(r.errOut, "<script") || strings.ContainsRune(r.errOut, '\u202e') || strings.Contains(r.errOut, "\xff") {
			t.Errorf("%s: the error repeats what it refused: %q", tc.name, r.errOut)
		}
	}
	if r := run(goodSecret, "Acme", "--client-id", goodID, "--app-name", "Ärztehaus Zürich", "--redirect-uri", "http://[::1]:8765/cb"); r.code != 0 {
		t.Fatalf("good add: %+v", r)
	}
	v, err = vault.Open(path, []byte(cmdPass), vault.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ps, err := v.Profiles()
	if err != nil || len(ps) != 1 || ps[0].Name != "Acme" {
		t.Fatalf("profiles after the refusals: %v %v", ps, err)
	}
}
