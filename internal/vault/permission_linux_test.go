package vault

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const nobody = 65534

// A vault file its user may not read is a permission problem, not
// damage: the error says so and gives the chmod (or chown) to run. The
// test opens it as the unprivileged user it makes the file unreadable
// to: itself, or nobody when it runs as root (root reads any file).
func TestUnreadableVaultIsAPermissionProblem(t *testing.T) {
	t.Parallel()
	if path := os.Getenv("DEXONBOARD_VAULT_OPEN_AS"); path != "" {
		ro := testOpts
		ro.ReadOnly = os.Getenv("DEXONBOARD_VAULT_READONLY") != ""
		_, err := Open(path, testPass, ro)
		fmt.Printf("permission=%v damaged=%v\n%v", errors.Is(err, fs.ErrPermission), errors.Is(err, ErrDamaged), err)
		return
	}
	root := os.Geteuid() == 0
	for _, tt := range []struct {
		name     string
		readOnly bool
		others   bool // the file belongs to another user (only as root)
		fix      string
	}{
		{name: "own file, mode 000, for reading", readOnly: true, fix: "chmod 600 "},
		{name: "own file, mode 000, for writing", fix: "chmod 600 "},
		{name: "another user's file, for reading", readOnly: true, others: true, fix: `sudo chown "$(id -un)" `},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.others && !root {
				t.Skip("needs root to give the file to another user")
			}
			dir, err := os.MkdirTemp("", "dexonboard-perm-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			path := filepath.Join(dir, "vault.db")
			v, err := Create(path, testPass, testOpts)
			if err != nil {
				t.Fatal(err)
			}
			fill(t, v)
			v.Close()
			if err := os.Chmod(path, 0); err != nil {
				t.Fatal(err)
			}
			var out string
			if root {
				if !tt.others {
					for _, p := range []string{dir, path, lockPath(path)} {
						if err := os.Chown(p, nobody, nobody); err != nil {
							t.Fatal(err)
						}
					}
				}
				if err := os.Chmod(dir, 0o755); err != nil { // nobody may look inside
					t.Fatal(err)
				}
				out = openAsNobody(t, path, tt.readOnly)
			} else {
				ro := testOpts
				ro.ReadOnly = tt.readOnly
				_, err := Open(path, testPass, ro)
				out = fmt.Sprintf("permission=%v damaged=%v\n%v", errors.Is(err, fs.ErrPermission), errors.Is(err, ErrDamaged), err)
			}
			happened, command, _ := strings.Cut(out, " run ")
			if !strings.HasPrefix(out, "permission=true damaged=false\n") || !strings.Contains(command, tt.fix+path) ||
				strings.Count(happened, path) != 1 {
				t.Fatalf("%s", out)
			}
		})
	}
}

// openAsNobody opens the vault at path in a copy of the test binary run
// as nobody, and returns what it reports.
func openAsNobody(t *testing.T, path string, readOnly bool) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vault.test")
	copyExe(t, os.Args[0], bin)
	for d := filepath.Dir(bin); d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil { // nobody may run the copy
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "-test.run=^TestUnreadableVaultIsAPermissionProblem$")
	cmd.Env = append(os.Environ(), "DEXONBOARD_VAULT_OPEN_AS="+path)
	if readOnly {
		cmd.Env = append(cmd.Env, "DEXONBOARD_VAULT_READONLY=1")
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return strings.TrimSuffix(string(out), "PASS\n")
}

func copyExe(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
