package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/tryrook/dexonboard/internal/iostreams"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/man and completions/ (go generate ./cmd/dexonboard)")

// manDate is the date the man pages carry. It is fixed, so that the pages
// change only when the commands do; move it on when they do.
var manDate = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// fullRoot builds the root with every command (the program itself builds
// only the one its command line names) and cobra's completion command.
func fullRoot() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	e := &env{ios: ios, prompt: newPrompter(ios)}
	root := newRootCmdWith(e)
	for _, s := range e.subcommands() {
		cmd := s.build()
		cmd.Short = s.short
		root.AddCommand(cmd)
	}
	root.InitDefaultCompletionCmd()
	root.DisableAutoGenTag = true
	return root
}

// generatedDocs renders the man pages and the completions, by path from
// the repository root.
func generatedDocs(t *testing.T) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	header := &doc.GenManHeader{Section: "1", Date: &manDate, Source: "dexonboard", Manual: "dexonboard manual"}
	if err := doc.GenManTree(fullRoot(), header, dir); err != nil {
		t.Fatalf("man pages: %v", err)
	}
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files["docs/man/"+e.Name()] = data
	}
	root := fullRoot()
	for name, gen := range map[string]func(*bytes.Buffer) error{
		"completions/dexonboard.bash": func(b *bytes.Buffer) error { return root.GenBashCompletionV2(b, true) },
		"completions/_dexonboard":     func(b *bytes.Buffer) error { return root.GenZshCompletion(b) },
		"completions/dexonboard.fish": func(b *bytes.Buffer) error { return root.GenFishCompletion(b, true) },
		"completions/dexonboard.ps1":  func(b *bytes.Buffer) error { return root.GenPowerShellCompletionWithDesc(b) },
	} {
		var b bytes.Buffer
		if err := gen(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[name] = b.Bytes()
	}
	return files
}

// TestManPagesAndCompletions fails when docs/man or completions/ differ
// from what the commands make; -update-docs rewrites them.
func TestManPagesAndCompletions(t *testing.T) {
	want := generatedDocs(t)
	repo := filepath.Join("..", "..")
	var have []string
	for _, d := range []string{"docs/man", "completions"} {
		entries, _ := os.ReadDir(filepath.Join(repo, d))
		for _, e := range entries {
			have = append(have, d+"/"+e.Name())
		}
	}
	if *updateDocs {
		for _, name := range have {
			if want[name] == nil {
				if err := os.Remove(filepath.Join(repo, name)); err != nil {
					t.Fatal(err)
				}
			}
		}
		for name, data := range want {
			p := filepath.Join(repo, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	var stale []string
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(repo, name))
		if err != nil || !bytes.Equal(got, data) {
			stale = append(stale, name)
		}
	}
	for _, name := range have {
		if want[name] == nil {
			stale = append(stale, name+" (no such command)")
		}
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		t.Errorf("stale: %s\nrun: go generate ./cmd/dexonboard", strings.Join(stale, ", "))
	}
	if len(want) < 20 || want["docs/man/dexonboard-check.1"] == nil || want["docs/man/dexonboard-vault-add.1"] == nil {
		t.Errorf("the man pages miss commands: %d files", len(want))
	}
}
