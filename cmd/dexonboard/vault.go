package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

func newVaultCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use: "vault",
		Long: `The vault is one encrypted file holding every client profile: the Dexcom apps'
Client IDs and Secrets, redirect URLs, OAuth tokens, step progress and an audit
trail. It is useless without its passphrase, which is read from
--passphrase-file, else $DEXONBOARD_PASSPHRASE, else a masked prompt.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(
		newVaultInitCmd(e), newVaultListCmd(e), newVaultShowCmd(e), newVaultAddCmd(e),
		newVaultRenameCmd(e), newVaultDeleteCmd(e), newVaultPasswdCmd(e), newVaultRotateCmd(e),
		newVaultBackupCmd(e), newVaultCheckCmd(e), newVaultAuditCmd(e), newVaultCompactCmd(e),
	)
	return cmd
}

func newVaultInitCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create a new vault",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			path, err := e.vault.resolvePath()
			if err != nil {
				return exitWith(exitVault, err)
			}
			if vault.Exists(path) {
				return exitWith(exitVault, fmt.Errorf("a vault already exists at %s; use it, or pass --vault for another", path))
			}
			pass, err := newPassphrase(e.ios, e.prompt, &e.vault, "DEXONBOARD_PASSPHRASE")
			if err != nil {
				return exitWith(exitVault, err)
			}
			defer secret.Wipe(pass)
			v, err := vault.Create(path, pass, e.vault.options(e.ios))
			if err != nil {
				return exitWith(exitVault, err)
			}
			defer v.Close()
			fmt.Fprintln(e.ios.Out, "vault created:", path)
			fmt.Fprintln(e.ios.ErrOut, "Keep the passphrase safe: without it the vault cannot be opened, by anyone.")
			return nil
		},
	}
}

// withVaultRead is withVault for a command that only reads: the vault opens
// read-only (a shared lock, nothing created or written), so it works on
// read-only media such as a backup disk.
func withVaultRead(e *env, fn func(v *vault.Vault) error) error {
	e.vault.readOnly = true
	return withVault(e, func(v *vault.Vault, _ []byte) error { return fn(v) })
}

// withVault runs fn on the unlocked vault and closes it.
func withVault(e *env, fn func(v *vault.Vault, pass []byte) error) error {
	v, pass, err := openVault(e.ios, e.prompt, &e.vault)
	if err != nil {
		return err
	}
	defer secret.Wipe(pass)
	defer v.Close()
	return fn(v, pass)
}

func newVaultListCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the client profiles",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return withVaultRead(e, func(v *vault.Vault) error {
				ps, err := v.Profiles()
				if err != nil {
					return exitWith(exitVault, err)
				}
				if asJSON {
					type row struct {
						Name       string `json:"name"`
						Sandbox    string `json:"sandbox"`
						Production string `json:"production"`
					}
					rows := []row{}
					for _, p := range ps {
						rows = append(rows, row{p.Name, trackSummary(v, p, onboarding.SandboxTrack), trackSummary(v, p, onboarding.ProductionTrack)})
					}
					return writeJSON(e.ios.Out, rows)
				}
				if len(ps) == 0 {
					fmt.Fprintln(e.ios.ErrOut, "no profiles yet: add one with dexonboard vault add NAME, or in the wizard")
					return nil
				}
				tw := tabwriter.NewWriter(e.ios.Out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "PROFILE\tSANDBOX\tPRODUCTION\tUPDATED")
				for _, p := range ps {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", safetext.Line(p.Name), trackSummary(v, p, onboarding.SandboxTrack),
						trackSummary(v, p, onboarding.ProductionTrack), p.Updated.Local().Format("2006-01-02 15:04"))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func trackSummary(v *vault.Vault, p *onboarding.Profile, t onboarding.Track) string {
	pr, err := v.Progress(p.ID, t)
	if err != nil {
		return "unreadable"
	}
	if pr == nil {
		return "not started"
	}
	done, total := pr.Completed()
	return fmt.Sprintf("%d/%d steps", done, total)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newVaultShowCmd(e *env) *cobra.Command {
	var reveal, yes bool
	cmd := &cobra.Command{
		Use:   "show PROFILE",
		Short: "Show a profile (the client secret masked unless --reveal)",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return withVaultRead(e, func(v *vault.Vault) error {
				p, err := v.Profile(args[0])
				if err != nil {
					return exitWith(exitVault, err)
				}
				if reveal && !yes {
					ok, err := e.prompt.Confirm("Show the client secret in the clear on this screen?")
					if errors.Is(err, errNoTTY) {
						return exitWith(exitUsage, errors.New("--reveal needs confirmation: answer the prompt, or add --yes when not at a terminal"))
					}
					if err != nil || !ok {
						return exitWith(exitFailure, errors.New("not revealed"))
					}
				}
				showProfile(e.ios.Out, v, p, reveal)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&reveal, "reveal", false, "show client secrets in the clear (asks first)")
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask before revealing")
	return cmd
}

func showProfile(w io.Writer, v *vault.Vault, p *onboarding.Profile, reveal bool) {
	fmt.Fprintf(w, "profile: %s\ncreated: %s\nupdated: %s\n", safetext.Line(p.Name), p.Created.Local().Format("2006-01-02 15:04"), p.Updated.Local().Format("2006-01-02 15:04"))
	for _, env := range dexcom.Environments {
		a, ok := p.Apps[env]
		if !ok {
			continue
		}
		sec := a.ClientSecret.Hint()
		if a.ClientSecret.Empty() {
			sec = "(not set)"
		} else if reveal {
			sec = a.ClientSecret.Reveal()
		}
		fmt.Fprintf(w, "\n[%s]\n", env.Label())
		for _, kv := range [][2]string{{"app", safetext.Line(a.Name)}, {"client id", safetext.Line(a.ClientID)}, {"client secret", sec},
			{"redirect uri", safetext.Line(a.RedirectURI)}, {"rook redirect url", safetext.Line(a.ROOKRedirectURL)}} {
			if kv[1] != "" {
				fmt.Fprintf(w, "  %-18s %s\n", kv[0]+":", kv[1])
			}
		}
		if tok, err := v.Token(p.ID, env); err == nil && tok != nil {
			fmt.Fprintf(w, "  %-18s saved, access token expires %s\n", "login:", tok.Expiry.Local().Format("2006-01-02 15:04"))
		}
	}
	if p.LastCheck != nil {
		fmt.Fprintf(w, "\nlast check: %s on %s: %s\n", p.LastCheck.At.Local().Format("2006-01-02 15:04"), p.LastCheck.Env, safetext.Line(p.LastCheck.Summary))
	}
}

func newVaultAddCmd(e *env) *cobra.Command {
	var envName, clientID, redirect, appName string
	cmd := &cobra.Command{
		Use:   "add PROFILE",
		Short: "Add or update a profile's Dexcom app credentials",
		Long: `Add a profile (or update one) with a Dexcom app's Client ID and redirect URI.
The Client Secret is read from a masked prompt, or from standard input when it
is not a terminal; it is never a flag, so it stays out of shell history.`,
		Example: `  dexonboard vault add "Acme Health" --env sandbox --client-id abc123 --redirect-uri http://localhost:8765/callback
  printf '%s' "$SECRET" | dexonboard vault add "Acme Health" --env sandbox --client-id abc123`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			env, err := parseAppEnv(envName)
			if err != nil {
				return err
			}
			clientID = strings.TrimSpace(clientID)
			if clientID == "" {
				return exitWith(exitUsage, errors.New("--client-id is required"))
			}
			if err := validateAddFlags(clientID, appName, redirect); err != nil {
				return exitWith(exitUsage, err)
			}
			sec, err := readSecret(e)
			if err == nil {
				err = onboarding.ValidateClientSecret(sec.Reveal())
			}
			if err != nil {
				return exitWith(exitUsage, err)
			}
			return withVault(e, func(v *vault.Vault, _ []byte) error {
				p, err := v.Profile(args[0])
				if errors.Is(err, vault.ErrNoProfile) {
					p, err = v.CreateProfile(args[0])
				}
				if err != nil {
					return exitWith(exitVault, err)
				}
				a := p.App(env)
				a.ClientID, a.ClientSecret = clientID, sec
				if redirect != "" {
					a.RedirectURI = redirect
				}
				if appName != "" {
					a.Name = appName
				}
				if err := v.SaveProfile(p); err != nil {
					return exitWith(exitVault, err)
				}
				fmt.Fprintf(e.ios.Out, "stored encrypted: %s, %s app, client id %s, secret %s\n", safetext.Line(p.Name), env.Label(), safetext.Line(a.ClientID), sec.Hint())
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&envName, "env", "sandbox", "environment of the app: sandbox, us, eu or jp")
	f.StringVar(&clientID, "client-id", "", "the app's Client ID (not secret)")
	f.StringVar(&redirect, "redirect-uri", "", "loopback redirect URI registered for the self-check")
	f.StringVar(&appName, "app-name", "", "the app's name in the Dexcom developer portal")
	return cmd
}

// validateAddFlags checks vault add's flags by the rules every entry point
// uses, before the secret is read or the vault opened: nothing is stored.
func validateAddFlags(clientID, appName, redirect string) error {
	if err := onboarding.ValidateClientID(clientID); err != nil {
		return fmt.Errorf("--client-id: %w", err)
	}
	if appName != "" {
		if err := onboarding.ValidateAppName(appName); err != nil {
			return fmt.Errorf("--app-name: %w", err)
		}
	}
	if redirect != "" {
		if err := onboarding.ValidateRedirectURI(redirect); err != nil {
			return fmt.Errorf("--redirect-uri: %w", err)
		}
	}
	return nil
}

// readSecret reads the client secret from a masked prompt, or stdin when piped.
func readSecret(e *env) (secret.String, error) {
	var b []byte
	var err error
	if e.ios.IsStdinTTY() {
		b, err = e.prompt.Password("Client Secret (input hidden): ")
	} else {
		b, err = io.ReadAll(io.LimitReader(e.ios.In, 4096))
	}
	if err != nil {
		return secret.String{}, fmt.Errorf("read client secret: %w", err)
	}
	defer secret.Wipe(b)
	s := strings.TrimSpace(string(b))
	if s == "" {
		return secret.String{}, errors.New("the client secret is empty")
	}
	return secret.New(s), nil
}

func newVaultRenameCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "rename PROFILE NEW-NAME",
		Short: "Rename a profile",
		Args:  cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			return withVault(e, func(v *vault.Vault, _ []byte) error {
				if err := v.RenameProfile(args[0], args[1]); err != nil {
					return exitWith(exitVault, err)
				}
				fmt.Fprintf(e.ios.Out, "renamed %q to %q\n", args[0], args[1])
				return nil
			})
		},
	}
}

func newVaultDeleteCmd(e *env) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete PROFILE",
		Short: "Delete a profile with its credentials, tokens and progress",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return withVault(e, func(v *vault.Vault, _ []byte) error {
				p, err := v.Profile(args[0])
				if err != nil {
					return exitWith(exitVault, err)
				}
				if !yes {
					ok, err := e.prompt.Confirm(fmt.Sprintf("Delete %q and everything stored for it?", p.Name))
					if errors.Is(err, errNoTTY) {
						return exitWith(exitUsage, errors.New("deleting needs confirmation: answer the prompt, or add --yes"))
					}
					if err != nil || !ok {
						return exitWith(exitFailure, errors.New("not deleted"))
					}
				}
				if err := v.DeleteProfile(p.Name); err != nil {
					return exitWith(exitVault, err)
				}
				fmt.Fprintf(e.ios.Out, "deleted %q\n", p.Name)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return cmd
}

func newVaultPasswdCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "passwd",
		Short: "Change the vault passphrase",
		Long: `Change the passphrase. Only the wrapped data key changes; the records are
untouched. Then the file is compacted, so no copy of the key wrapped under the
old passphrase stays in its free pages. The new passphrase comes from
$DEXONBOARD_NEW_PASSPHRASE or a prompt. If the old passphrase may have leaked,
run dexonboard vault rotate-key too.

` + partialHelp,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return withVault(e, func(v *vault.Vault, old []byte) error {
				fresh, err := newPassphrase(e.ios, e.prompt, &vaultFlags{secrets: e.secrets}, "DEXONBOARD_NEW_PASSPHRASE")
				if err != nil {
					return exitWith(exitVault, err)
				}
				defer secret.Wipe(fresh)
				if err := v.ChangePassphrase(old, fresh); err != nil {
					return keyChangeError(e, err)
				}
				fmt.Fprintln(e.ios.Out, "passphrase changed")
				fmt.Fprintln(e.ios.ErrOut, "Old backups still open with the old passphrase. If it leaked, run dexonboard vault rotate-key and delete them.")
				return nil
			})
		},
	}
}

func newVaultRotateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "rotate-key",
		Short: "Re-encrypt everything under a new data key and compact the file",
		Long: `Make a new data key, re-seal every record under it in one transaction, and
compact the file so no old copy of the wrapped key remains. Use it when a
passphrase may have leaked: free pages and old backups hold the old key.

` + partialHelp,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return withVault(e, func(v *vault.Vault, pass []byte) error {
				if err := v.RotateKey(pass); err != nil {
					return keyChangeError(e, err)
				}
				fmt.Fprintln(e.ios.Out, "data key rotated; backups made before this no longer match: delete them")
				return nil
			})
		},
	}
}

func newVaultBackupCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "backup PATH",
		Short: "Write an encrypted copy of the vault (works while it is in use by this command)",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return withVault(e, func(v *vault.Vault, _ []byte) error {
				if err := v.Backup(args[0]); err != nil {
					return exitWith(exitVault, err)
				}
				fmt.Fprintln(e.ios.Out, "backup written:", args[0])
				return nil
			})
		},
	}
}

func newVaultCheckCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify every record decrypts and nothing was changed, without writing",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			path, err := e.vault.resolvePath()
			if err != nil {
				return exitWith(exitVault, err)
			}
			pass, err := e.vault.passphrase(e.ios, e.prompt, "Vault passphrase: ")
			if err != nil {
				return exitWith(exitVault, err)
			}
			defer secret.Wipe(pass)
			r, err := vault.Check(path, pass, e.vault.options(e.ios))
			if err != nil {
				return exitWith(exitVault, err)
			}
			fmt.Fprintf(e.ios.Out, "vault: %s\ncreated: %s\nkey derivation: Argon2id, %d MiB, %d passes, %d lanes\ndata key generation: %d\nrecords: %d (%d profiles)\n",
				r.Path, r.Created.Local().Format("2006-01-02 15:04"), r.KDF.MemoryKiB/1024, r.KDF.Passes, r.KDF.Lanes, r.KeyGen, r.Records, r.Profiles)
			if r.CompactPending != "" {
				fmt.Fprintf(e.ios.Out, "compaction pending: %s, but old key material may remain in free pages: free space and run dexonboard vault compact\n", r.CompactPending)
			}
			if r.OK() {
				fmt.Fprintln(e.ios.Out, "ok: every record decrypts and matches the manifest")
				return nil
			}
			for _, p := range r.Problems {
				fmt.Fprintln(e.ios.Out, "problem:", p)
			}
			return exitWith(exitVault, fmt.Errorf("%d problems found; nothing was changed. Restore a backup", len(r.Problems)))
		},
	}
}

func newVaultAuditCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "audit [PROFILE]",
		Short: "Show the audit trail (what changed and when; never secrets)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return withVaultRead(e, func(v *vault.Vault) error {
				id := ""
				if len(args) == 1 {
					p, err := v.Profile(args[0])
					if err != nil {
						return exitWith(exitVault, err)
					}
					id = p.ID
				}
				entries, err := v.Audit(id)
				if err != nil {
					return exitWith(exitVault, err)
				}
				for _, a := range entries {
					fmt.Fprintf(e.ios.Out, "%s  %-24s %s %s\n", a.At.Local().Format("2006-01-02 15:04:05"), safetext.Line(a.Profile), a.Action, safetext.Line(a.Detail))
				}
				return nil
			})
		},
	}
}

// partialHelp is what rotate-key and passwd say about a disk that fills.
const partialHelp = `If the disk fills after the change is saved but before the compaction ends,
the change stands (use the new key or passphrase), it says that old key
material may remain in free pages, and exits 7. Free space and run dexonboard
vault compact; any later command that opens the vault for writing also
finishes the compaction.`

// keyChangeError is the exit of rotate-key and passwd: 7 when the change is
// saved and only its compaction failed, said in those words.
func keyChangeError(e *env, err error) error {
	var pending *vault.CompactPendingError
	if !errors.As(err, &pending) {
		return exitWith(exitVault, err)
	}
	fmt.Fprintf(e.ios.ErrOut, "%s; old key material may remain in the vault file's free pages until compaction succeeds: free space and run dexonboard vault compact\n(compaction failed: %s)\n",
		pending.Change, safetext.Line(pending.Err.Error()))
	return &exitError{code: exitPartial, err: err, quiet: true}
}

func newVaultCompactCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "compact",
		Short: "Rewrite the vault file without its free pages (finishes a key change on a full disk)",
		Long: `Rewrite the vault file with its live data only: free pages, which may hold old
key material after rotate-key or passwd, or deleted records, are gone. Run it
when rotate-key or passwd said the compaction is pending (exit 7), once there
is free space. It needs room for a second copy of the vault while it runs.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return withVault(e, func(v *vault.Vault, _ []byte) error {
				if err := v.Compact(); err != nil {
					return exitWith(exitVault, fmt.Errorf("%w: free space and run it again", err))
				}
				fmt.Fprintln(e.ios.Out, "vault compacted:", v.Path())
				return nil
			})
		},
	}
}
