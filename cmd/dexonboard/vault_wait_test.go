package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/vault"
)

// TestCommandWaitsForTheVault: a command started while another dexonboard
// holds the vault says that it waits, and finishes once the holder lets go;
// with --wait 0 it says at once that the vault is in use, by whom, and
// which flag changes the wait.
func TestCommandWaitsForTheVault(t *testing.T) {
	path := t.TempDir() + "/v.db"
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	if r := runCmd(t, "", nil, "--vault", path, "vault", "init"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	held, err := vault.Open(path, []byte(cmdPass), vaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()

	r := runCmd(t, "", nil, "--vault", path, "--wait", "0", "vault", "list")
	want := fmt.Sprintf("in use by another dexonboard (pid %d)", os.Getpid())
	if r.code != exitVault || !strings.Contains(r.errOut, want) || !strings.Contains(r.errOut, "--wait sets how long") {
		t.Fatalf("--wait 0 while held: %+v", r)
	}

	cmd := binary(t, "", "--vault", path, "vault", "add", "Acme", "--client-id", "acme-client")
	cmd.Stdin = nil // startBinary holds it open
	add := startBinary(t, cmd)
	fmt.Fprintln(add.stdin, "secret-0123456789abcdef")
	add.stdin.Close() // the secret is read to the end before the vault is opened
	add.waitOutput(t, fmt.Sprintf("in use by another dexonboard (pid %d); waiting up to 10s", os.Getpid()))
	held.Close()
	if err := add.exit(t); err != nil || !strings.Contains(add.out.String(), "stored encrypted") {
		t.Fatalf("add after the holder let go: %v\n%s", err, add.out.String())
	}
	if r := runCmd(t, "", nil, "--vault", path, "--wait", "0", "vault", "list"); r.code != 0 || !strings.Contains(r.out, "Acme") {
		t.Fatalf("--wait 0 on a vault no one holds: %+v", r)
	}
}

// TestVaultErrorsNameTheFlag: internal/vault says what is wrong with a path;
// the command line adds which flag or variable fixes it.
func TestVaultErrorsNameTheFlag(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.db")
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	if r := runCmd(t, "", nil, "--vault", path, "vault", "init"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{link, "is a symbolic link; dexonboard does not follow links to its vault: pass the real file with --vault"},
		{dir, "is not a plain file: pass the vault file itself with --vault"},
	} {
		r := runCmd(t, "", nil, "--vault", c.path, "vault", "list")
		if r.code != exitVault || !strings.Contains(r.errOut, c.want) {
			t.Errorf("--vault %s: %+v", c.path, r)
		}
	}

	t.Setenv("HOME", "")
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("DEXONBOARD_VAULT", "")
	if r := runCmd(t, "", nil, "vault", "list"); r.code != exitVault || !strings.Contains(r.errOut, "no default place for the vault") ||
		!strings.Contains(r.errOut, "(set DEXONBOARD_VAULT or pass --vault)") {
		t.Errorf("no home folder: %+v", r)
	}

	_, err := vault.Create(path, []byte(cmdPass), vaultOptions)
	if got := err.Error() + advice(err); !strings.HasSuffix(got, path+" (open it, or pass --vault for another path)") {
		t.Errorf("create over a vault: %q", got)
	}
	for _, err := range []error{err, &vault.WrongFileError{Path: path}, &vault.InUseError{Path: path}} {
		if strings.Contains(err.Error(), "--") {
			t.Errorf("internal/vault names a flag: %q", err)
		}
	}
}
