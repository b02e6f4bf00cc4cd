package main

import (
	"fmt"
	"github.com/tryrook/dexonboard/internal/testfs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rotate-key on a disk that fills between the rotation and the compaction
// says exactly that (exit 7), vault check shows it, and vault compact, once
// there is room, finishes the job.
func TestRotateKeyOnAFullDisk(t *testing.T) {
	t.Parallel()
	root := testfs.MountTmpfs(t, "1m")
	for free := int64(0); free <= 128<<10; free += 4 << 10 {
		dir := filepath.Join(root, fmt.Sprint(free))
		path := filepath.Join(dir, "vault.db")
		run := func(args ...string) result {
			return runBinaryWith(t, unlocking, cmdSecret+"\n", append([]string{"--vault", path}, args...)...)
		}
		if r := run("vault", "init"); r.code != 0 {
			t.Fatalf("init: %+v", r)
		}
		if r := run("vault", "add", "Acme Health", "--env", "sandbox", "--client-id", "0123456789abcdef0123456789abcdef", "--redirect-uri", "http://localhost:8765/callback"); r.code != 0 {
			t.Fatalf("add: %+v", r)
		}
		freeAll := testfs.FillDisk(t, root, free)
		r := run("vault", "rotate-key")
		switch r.code {
		case exitVault: // the rotation itself found no room: nothing changed
			if !strings.Contains(r.errOut, "no space left") {
				t.Fatalf("free %d: %+v", free, r)
			}
			freeAll()
			os.RemoveAll(dir)
			continue
		case exitOK:
			t.Fatalf("free %d: rotated and compacted before any amount of free space left the compaction undone", free)
		case exitPartial:
		default:
			t.Fatalf("free %d: %+v", free, r)
		}
		want := "data key rotated (generation 2); old key material may remain in the vault file's free pages until compaction succeeds: free space and run dexonboard vault compact"
		if !strings.Contains(r.errOut, want) || !strings.Contains(r.errOut, "no space left on device") || strings.Contains(r.errOut, "error:") {
			t.Fatalf("rotate-key on a full disk said %q", r.errOut)
		}
		if r := run("vault", "check"); r.code != 0 || !strings.Contains(r.out, "data key generation: 2") || !strings.Contains(r.out, "compaction pending") {
			t.Fatalf("check after: %+v", r)
		}
		freeAll()
		if r := run("vault", "compact"); r.code != 0 || !strings.Contains(r.out, "vault compacted") {
			t.Fatalf("compact: %+v", r)
		}
		if r := run("vault", "check"); r.code != 0 || strings.Contains(r.out, "compaction pending") || !strings.Contains(r.out, "ok: every record") {
			t.Fatalf("check after compact: %+v", r)
		}
		return
	}
	t.Fatal("no amount of free space left the rotation done and the compaction undone")
}
