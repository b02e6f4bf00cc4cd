package main

import (
	"github.com/tryrook/dexonboard/internal/testfs"
	"path/filepath"
	"strings"
	"testing"
)

// The commands that only read work on a vault on read-only media; one that
// changes it says why it cannot, naming the lock file once.
func TestReadOnlyVaultFolder(t *testing.T) {
	t.Parallel()
	dir := testfs.MountTmpfs(t, "4m")
	path := filepath.Join(dir, "vault.db")
	run := func(stdin string, args ...string) result {
		return runBinaryWith(t, unlocking, stdin, append([]string{"--vault", path}, args...)...)
	}
	if r := run("", "vault", "init"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	if r := run(cmdSecret+"\n", "vault", "add", "Acme Health", "--env", "sandbox", "--client-id", "0123456789abcdef0123456789abcdef", "--redirect-uri", "http://localhost:8765/callback"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	testfs.Remount(t, dir, true)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"vault", "list"}, "Acme Health"},
		{[]string{"vault", "show", "Acme Health"}, "0123456789abcdef0123456789abcdef"},
		{[]string{"vault", "check"}, "ok: every record decrypts"},
		{[]string{"vault", "audit"}, "Acme Health"},
		{[]string{"report", "Acme Health", "--format", "json"}, "Acme Health"},
	} {
		if r := run("", tc.args...); r.code != 0 || !strings.Contains(r.out, tc.want) {
			t.Errorf("%v on a read-only folder: %+v", tc.args, r)
		}
	}
	r := run(cmdSecret+"\n", "vault", "add", "Other", "--env", "sandbox", "--client-id", "0123456789abcdef0123456789abcdef")
	lock := path + ".lock"
	if r.code != exitVault || !strings.Contains(r.errOut, "read-only file system") || strings.Count(r.errOut, lock) != 1 {
		t.Fatalf("add on a read-only folder: %+v; want read-only file system and %s once", r, lock)
	}
}
