package main

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/iostreams"
)

// allBuilt is the root with every command built in full, as it was before
// commands were built on demand: the reference the lazy root must match.
func allBuilt(e *env) *cobra.Command {
	root := newRootCmdWith(e)
	for _, s := range e.subcommands() {
		cmd := s.build()
		cmd.Short = s.short
		root.AddCommand(cmd)
	}
	return root
}

// commandPaths lists every command under root as its words ("vault list").
func commandPaths(root *cobra.Command) [][]string {
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			p := append(append([]string(nil), path...), sub.Name())
			paths = append(paths, p)
			walk(sub, p)
		}
	}
	walk(root, nil)
	return paths
}

// TestEveryCommandsHelpIsAsIfAllWereBuilt runs --help (and help CMD) for the
// root and every command through the real command line, where only the
// named command is built, and compares with a root that has everything.
func TestEveryCommandsHelpIsAsIfAllWereBuilt(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	e := &env{ios: ios, prompt: &fakePrompter{}}
	paths := commandPaths(allBuilt(e))
	if len(paths) < 20 {
		t.Fatalf("only %d commands found: %v", len(paths), paths)
	}
	help := func(lazy bool, args []string) string {
		out.Reset()
		var code int
		if lazy {
			code = runWith(context.Background(), e, args)
		} else {
			root := allBuilt(e)
			root.SetArgs(args)
			if err := root.ExecuteContext(context.Background()); err != nil {
				code = exitUsage
			}
		}
		if code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		return out.String()
	}
	for _, p := range append(paths, nil) {
		for _, args := range [][]string{append(p, "--help"), append([]string{"help"}, p...)} {
			want := help(false, args)
			if got := help(true, args); got != want {
				t.Errorf("%v differs from the fully built root's:\n--- got\n%s\n--- want\n%s", args, got, want)
			}
		}
	}
}

// TestOnlyTheNamedCommandIsBuilt: a command line builds the command it runs
// and leaves the others as names (building all of them doubled start-up);
// a line naming none (help, completion, a typo) builds them all.
func TestOnlyTheNamedCommandIsBuilt(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	e := &env{ios: ios, prompt: &fakePrompter{}}
	built := func(args ...string) []string {
		root := newRootCmdWith(e)
		addSubcommands(root, e.subcommands(), args)
		var names []string
		for _, c := range root.Commands() {
			if c.HasSubCommands() || c.HasAvailableFlags() {
				names = append(names, c.Name())
			}
		}
		return names
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"version"}, "version"},
		{[]string{"--help"}, ""},
		{nil, ""},
		{[]string{"check", "--demo"}, "check"},
		{[]string{"--vault", "/tmp/v.db", "vault", "list"}, "vault"},
		{[]string{"--wait=0", "sandbox", "serve", "--help"}, "sandbox"},
		{[]string{"help", "check"}, "check demo handoff report sandbox vault version webhook"},
		{[]string{"completion", "bash"}, "check demo handoff report sandbox vault version webhook"},
		{[]string{"chek"}, "check demo handoff report sandbox vault version webhook"},
	} {
		if got := strings.Join(built(tc.args...), " "); got != tc.want {
			t.Errorf("%q built %q, want %q", tc.args, got, tc.want)
		}
	}
}
