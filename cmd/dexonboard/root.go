package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/iostreams"
)

// env is what every command gets: the streams, the prompter and the vault
// flags. Tests build it with fakes.
type env struct {
	ios    *iostreams.IOStreams
	prompt prompter
	vault  vaultFlags
	// browse opens a login URL; nil means the real opener (a browser, or
	// the URL printed). Tests walk the login page instead.
	browse func(ctx context.Context, loginURL string) error
	// sleep waits between ROOK's retries and polls; nil is a real timer.
	// Tests make the waits instant.
	sleep func(ctx context.Context, d time.Duration) error
	// secrets are the secret variables main took from the environment;
	// nil reads the environment (tests that run commands in process).
	secrets secretLookup
}

func newRootCmdWith(e *env) *cobra.Command {
	ios := e.ios
	e.vault.secrets = e.secrets
	root := &cobra.Command{
		Use:   "dexonboard",
		Short: "Onboard your own Dexcom developer credentials onto ROOK",
		Long: `dexonboard walks you through the seven steps of the Dexcom "bring your own
credentials" integration with ROOK, keeps what it collects in an encrypted
vault, and proves the connection by logging in a Dexcom sandbox test user.

Run it with no command to start the wizard, or try everything offline with:
  dexonboard demo`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
	}
	wo := &wizardOptions{}
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkAPIBase(wo.apiBase); err != nil {
			return err
		}
		e.vault.waitSet = cmd.Flags().Changed("wait")
		return runWizard(cmd.Context(), e, wo)
	}
	addWizardFlags(root, wo)
	root.Flags().StringVar(&wo.apiBase, "api-base", "", "API base URL instead of Dexcom's (a simulator from dexonboard sandbox serve)")
	root.PersistentFlags().StringVar(&e.vault.path, "vault", "", "vault file (default $DEXONBOARD_VAULT, else $XDG_DATA_HOME/dexonboard/vault.db)")
	root.PersistentFlags().StringVar(&e.vault.passFile, "passphrase-file", "", "read the vault passphrase from this file (else $DEXONBOARD_PASSPHRASE, else a prompt)")
	root.PersistentFlags().DurationVar(&e.vault.wait, "wait", defaultWait, "how long to wait for another dexonboard to let go of the vault (0: do not wait)")
	boundDuration(root.PersistentFlags(), "wait", time.Hour, "do not wait")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return checkDurations(cmd) }
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	return root
}

// subcommand is one of the root's commands as the root's help lists it.
// The command itself is built only when the command line needs it.
type subcommand struct {
	name, short string
	build       func() *cobra.Command
}

func (e *env) subcommands() []subcommand {
	return []subcommand{
		{"demo", "Walk the whole onboarding offline against the embedded sandbox simulator", func() *cobra.Command { return newDemoCmd(e) }},
		{"check", "Log a test user in (directly with Dexcom, through ROOK, or both) and verify the data", func() *cobra.Command { return newCheckCmd(e) }},
		{"sandbox", "Run the embedded Dexcom and ROOK sandbox simulators", func() *cobra.Command { return newSandboxCmd(e.ios) }},
		{"webhook", "Check a data webhook as ROOK delivers to it, or receive deliveries locally", func() *cobra.Command { return newWebhookCmd(e) }},
		{"vault", "Manage the encrypted vault of client profiles", func() *cobra.Command { return newVaultCmd(e) }},
		{"handoff", "Hand credentials to ROOK end-to-end encrypted (age), one time", func() *cobra.Command { return newHandoffCmd(e) }},
		{"report", "Write a profile's onboarding report (no secrets): markdown, html or json", func() *cobra.Command { return newReportCmd(e) }},
		{"version", "Print the version", func() *cobra.Command { return newVersionCmd(e.ios) }},
	}
}

// addSubcommands adds the root's commands for this command line: the one
// it runs is built in full, the others only as names in the help. Building
// every command and flag took as long as the rest of start-up, and a
// command line runs one of them. When the line names no known command
// (help, completion, a typo), all are built, so nothing can differ.
func addSubcommands(root *cobra.Command, subs []subcommand, args []string) {
	stubs := make([]*cobra.Command, len(subs))
	for i, s := range subs {
		stubs[i] = &cobra.Command{Use: s.name, Short: s.short, RunE: func(*cobra.Command, []string) error {
			return fmt.Errorf("internal error: the %s command was not built", s.name)
		}}
		root.AddCommand(stubs[i])
	}
	found, _, err := root.Find(args)
	buildAll := err != nil || found == root && hasWord(args)
	for i, s := range subs {
		if buildAll || found == stubs[i] {
			root.RemoveCommand(stubs[i])
			cmd := s.build()
			cmd.Short = s.short
			root.AddCommand(cmd)
		}
	}
}

// hasWord reports whether args hold anything but flags: a command root.Find
// did not know, or a flag's value (then building everything is merely slower).
func hasWord(args []string) bool {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return true
		}
	}
	return false
}

func newDemoCmd(e *env) *cobra.Command {
	o := &wizardOptions{}
	cmd := &cobra.Command{
		Use: "demo",
		Long: `Open the wizard on a throwaway vault (in a temporary folder, deleted on exit)
and the embedded Dexcom sandbox simulator, with a demo app ready to store, so
all seven steps can be shown in a few minutes without real credentials. In
step 6 the test user logs in from a picker in the terminal, or in your browser.
f opens a list of onboarding misconfigurations (a wrong Client ID at ROOK, a
webhook that is down, ...): the one picked is switched on in the simulators,
so step 6 shows how dexonboard names it; picking it again switches it off.

With --check, run the self-check against the simulator instead (= check --demo).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.check {
				return runCheck(cmd.Context(), e, &checkOptions{demo: true, days: 1, user: "SandboxUser7", oauth: "v2", timeout: connect.DefaultTimeout, rook: rookFlags{days: 3}})
			}
			return runDemo(cmd.Context(), e, o)
		},
	}
	addWizardFlags(cmd, o)
	cmd.Flags().BoolVar(&o.check, "check", false, "run the self-check against the simulator and exit")
	return cmd
}
