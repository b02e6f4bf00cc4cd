package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/internal/vault"
)

func newHandoffCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use: "handoff",
		Long: `The client seals the app's Client ID and Secret for the ROOK engineer's
public key; only the engineer's vault can open it, once, before it expires.
Both sides see the same verification code to read out on the call.

  ROOK engineer:  dexonboard handoff keygen          (prints age1…, not secret)
  client:         dexonboard handoff seal --to age1… --profile NAME -o acme.age
  ROOK engineer:  dexonboard handoff open acme.age
  ROOK engineer:  dexonboard handoff reply --profile NAME --redirect-url https://…`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newHandoffKeygenCmd(e), newHandoffSealCmd(e), newHandoffOpenCmd(e), newHandoffReplyCmd(e))
	return cmd
}

func newHandoffKeygenCmd(e *env) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Create your hand-off key in the vault and print its public part",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return withVault(e, func(v *vault.Vault, _ []byte) error {
				if _, rcpt, err := v.HandoffIdentity(); err == nil && !force {
					fmt.Fprintln(e.ios.ErrOut, "This vault already has a hand-off key (--force makes a new one; old hand-offs then no longer open). Its public key:")
					fmt.Fprintln(e.ios.Out, rcpt)
					return nil
				}
				id, rcpt, err := handoff.NewIdentity()
				if err != nil {
					return exitWith(exitFailure, err)
				}
				if err := v.SetHandoffIdentity(id, rcpt); err != nil {
					return exitWith(exitVault, err)
				}
				fmt.Fprintln(e.ios.ErrOut, "Hand-off key created and stored in the vault. Give clients this public key (it is not secret):")
				fmt.Fprintln(e.ios.Out, rcpt)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing key")
	return cmd
}

func newHandoffSealCmd(e *env) *cobra.Command {
	var to, profile, envName, out string
	var clip bool
	var expires time.Duration
	cmd := &cobra.Command{
		Use:   "seal",
		Short: "Seal a profile's app credentials for a ROOK engineer's public key",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if _, err := handoff.Recipient(to); err != nil {
				return exitWith(exitUsage, err)
			}
			env, err := parseAppEnv(envName)
			if err != nil {
				return err
			}
			if out == "" && !clip {
				return exitWith(exitUsage, errors.New("say where the sealed message goes: -o FILE, or --clipboard"))
			}
			return withVault(e, func(v *vault.Vault, _ []byte) error {
				p, err := v.Profile(profile)
				if err != nil {
					return exitWith(exitVault, err)
				}
				sealed, code, err := service.SealHandoff(p, env, to, time.Now(), expires)
				if err != nil {
					return exitWith(exitUsage, err)
				}
				if out != "" {
					if err := writeNew(out, sealed); err != nil {
						return exitWith(exitFailure, err)
					}
					fmt.Fprintln(e.ios.Out, "sealed hand-off written:", out)
				}
				if clip {
					_, _ = osc52.New(string(sealed)).WriteTo(e.ios.ErrOut)
					fmt.Fprintln(e.ios.Out, "sealed hand-off copied to the clipboard")
				}
				fmt.Fprintln(e.ios.Out, "verification code:", code)
				fmt.Fprintln(e.ios.ErrOut, "Send it to your ROOK contact; read the code out on the call: they must see the same.")
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "the ROOK engineer's public key (age1…)")
	f.StringVar(&profile, "profile", "", "the profile whose app to seal")
	f.StringVar(&envName, "env", "sandbox", "which app: sandbox, us, eu or jp")
	f.StringVarP(&out, "output", "o", "", "file to write (created 0600, never overwritten)")
	f.BoolVar(&clip, "clipboard", false, "copy the sealed message to the clipboard (OSC 52)")
	f.DurationVar(&expires, "expires", handoff.DefaultExpiry, "how long it can be opened")
	boundDuration(f, "expires", 30*24*time.Hour, "")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.MarkFlagRequired("profile")
	return cmd
}

// parseAppEnv reads --env: the environment of one of a profile's apps.
func parseAppEnv(name string) (dexcom.Environment, error) {
	env, err := dexcom.ParseEnvironment(name)
	if err != nil || env == dexcom.Custom {
		return "", exitWith(exitUsage, errors.New("--env: use sandbox, us, eu or jp"))
	}
	return env, nil
}

// writeNew writes a new 0600 file, refusing to replace one.
func writeNew(path string, b []byte) error {
	_, err := service.WriteNew(filepath.Dir(path), filepath.Base(path), b)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("write %s: %w (choose a new file name)", path, err)
	}
	return err
}

func newHandoffOpenCmd(e *env) *cobra.Command {
	var profile string
	var replace bool
	cmd := &cobra.Command{
		Use:   "open FILE",
		Short: "Open a sealed hand-off (once) and store the credentials in a profile",
		Long: `Open a sealed hand-off with the vault's key and store its credentials into the
profile it names (or --profile). FILE may be - for standard input.

Every field is checked first. The verification code and what would change are
shown before anything is written; replacing credentials a profile already
holds needs a yes at the prompt, or --replace when not at a terminal.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			sealed, err := readArg(e, args[0])
			if err != nil {
				return exitWith(exitUsage, err)
			}
			return withVault(e, func(v *vault.Vault, _ []byte) error {
				o, err := handoff.Prepare(v, sealed, profile, time.Now())
				if err != nil {
					return exitWith(exitFailure, err)
				}
				fmt.Fprintln(e.ios.Out, "verification code:", o.Code)
				printChanges(e.ios.ErrOut, o)
				if o.Replaces() && !replace {
					if err := confirmReplace(e, o); err != nil {
						return err
					}
				}
				res, err := o.Store(v, true) // asked above, or --replace, or nothing to replace
				if err != nil {
					return exitWith(exitFailure, err)
				}
				fmt.Fprintf(e.ios.Out, "stored encrypted into profile %q: %s app, client id %s, secret %s\n", res.Profile, res.Env.Label(), res.ClientID, res.SecretHint)
				fmt.Fprintln(e.ios.ErrOut, "Check the code with the client. Then send ROOK's redirect URL: dexonboard handoff reply --profile", fmt.Sprintf("%q", res.Profile), "--redirect-url …")
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "", "store into this profile instead of the one the hand-off names")
	cmd.Flags().BoolVar(&replace, "replace", false, "replace credentials the profile already holds without asking (for scripts)")
	return cmd
}

// printChanges says where an opened hand-off goes and what it sets or
// replaces; secrets are masked.
func printChanges(w io.Writer, o *handoff.Opening) {
	switch {
	case o.NewProfile:
		fmt.Fprintf(w, "New profile %q, %s app:\n", o.Profile, o.Env.Label())
	case len(o.Changes) == 0:
		fmt.Fprintf(w, "Profile %q already holds exactly this %s app.\n", o.Profile, o.Env.Label())
	default:
		fmt.Fprintf(w, "Profile %q exists; storing this changes its %s app:\n", o.Profile, o.Env.Label())
	}
	for _, c := range o.Changes {
		if c.Old == "" {
			fmt.Fprintf(w, "  %-14s %s\n", c.Field, c.New)
		} else {
			fmt.Fprintf(w, "  %-14s %s  →  %s\n", c.Field, c.Old, c.New)
		}
	}
}

// confirmReplace asks before credentials a profile holds are replaced.
func confirmReplace(e *env, o *handoff.Opening) error {
	ok, err := e.prompt.Confirm(fmt.Sprintf("Replace what %q holds? Say yes only if the client read out the same verification code.", o.Profile))
	switch {
	case errors.Is(err, errNoTTY):
		return exitWith(exitUsage, fmt.Errorf("storing would replace what profile %q holds in its %s app (listed above), so nothing was changed: check the verification code with the client, then run again with --replace", o.Profile, o.Env.Label()))
	case err != nil:
		return exitWith(exitFailure, err)
	case !ok:
		return exitWith(exitFailure, fmt.Errorf("nothing was changed: %q keeps what it holds (the hand-off can still be opened)", o.Profile))
	}
	return nil
}

func readArg(e *env, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(io.LimitReader(e.ios.In, 1<<20))
	}
	return os.ReadFile(path)
}

func newHandoffReplyCmd(e *env) *cobra.Command {
	var profile, envName, redirect string
	cmd := &cobra.Command{
		Use:   "reply",
		Short: "Record ROOK's redirect URL for a client and print the reply to send (not secret)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := onboarding.ValidateROOKRedirect(strings.TrimSpace(redirect)); err != nil {
				return exitWith(exitUsage, err)
			}
			env, err := parseAppEnv(envName)
			if err != nil {
				return err
			}
			return withVault(e, func(v *vault.Vault, _ []byte) error {
				p, err := v.Profile(profile)
				if err != nil {
					return exitWith(exitVault, err)
				}
				p.App(env).ROOKRedirectURL = strings.TrimSpace(redirect)
				if err := v.SaveProfile(p); err != nil {
					return exitWith(exitVault, err)
				}
				fmt.Fprint(e.ios.Out, handoff.Reply(p.Name, string(env), strings.TrimSpace(redirect)))
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&profile, "profile", "", "the client's profile")
	f.StringVar(&envName, "env", "sandbox", "which app: sandbox, us, eu or jp")
	f.StringVar(&redirect, "redirect-url", "", "ROOK's redirect URL for this client (https)")
	_ = cmd.MarkFlagRequired("profile")
	_ = cmd.MarkFlagRequired("redirect-url")
	return cmd
}
