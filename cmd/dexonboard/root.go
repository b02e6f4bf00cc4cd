package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/iostreams"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

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
}

func newRootCmdWith(e *env) *cobra.Command {
	ios := e.ios
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
		e.vault.waitSet = cmd.Flags().Changed("wait")
		return runWizard(cmd.Context(), e, wo)
	}
	addWizardFlags(root, wo)
	root.Flags().StringVar(&wo.apiBase, "api-base", "", "API base URL instead of Dexcom's (a simulator from dexonboard sandbox serve)")
	root.PersistentFlags().StringVar(&e.vault.path, "vault", "", "vault file (default $DEXONBOARD_VAULT, else $XDG_DATA_HOME/dexonboard/vault.db)")
	root.PersistentFlags().StringVar(&e.vault.passFile, "passphrase-file", "", "read the vault passphrase from this file (else $DEXONBOARD_PASSPHRASE, else a prompt)")
	root.PersistentFlags().DurationVar(&e.vault.wait, "wait", defaultWait, "how long to wait for another dexonboard to let go of the vault (0: do not wait)")
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.AddCommand(
		newDemoCmd(e),
		newCheckCmd(e),
		newSandboxCmd(ios),
		newWebhookCmd(e),
		newVaultCmd(e),
		newHandoffCmd(e),
		newReportCmd(e),
		newVersionCmd(ios),
	)
	return root
}

func newVersionCmd(ios *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintln(ios.Out, "dexonboard", version)
		},
	}
}

func newDemoCmd(e *env) *cobra.Command {
	o := &wizardOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Walk the whole onboarding offline against the embedded sandbox simulator",
		Long: `Open the wizard on a throwaway vault (in a temporary folder, deleted on exit)
and the embedded Dexcom sandbox simulator, with a demo app ready to store, so
all seven steps can be shown in a few minutes without real credentials. In
step 6 the test user logs in from a picker in the terminal, or in your browser.

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
