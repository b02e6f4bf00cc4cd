package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/vault"
)

// vaultOptions are the vault settings commands use; tests lower the KDF cost.
var vaultOptions = vault.Options{}

// secretVars carry a passphrase or a client secret. main takes them out of
// the environment at start (takeSecretVars), so a child process (the
// browser opener) does not inherit them and /proc/<pid>/environ does not
// show them.
var secretVars = []string{"DEXONBOARD_PASSPHRASE", "DEXONBOARD_NEW_PASSPHRASE", "DEXCOM_CLIENT_SECRET", "ROOK_SECRET_KEY", "ROOK_HASH_KEY"}

// takeSecretVars moves the secret variables out of the environment and
// returns them (an empty map when none is set).
func takeSecretVars() map[string]string {
	taken := map[string]string{}
	for _, name := range secretVars {
		if v, ok := os.LookupEnv(name); ok {
			taken[name] = strings.Clone(v)
			scrubEnv(name)
		}
	}
	return taken
}

// secretLookup finds a secret variable's value: in what main took at
// start or, when nothing was taken (nil: commands run in process by
// tests), in the environment as it is.
type secretLookup map[string]string

func (l secretLookup) get(name string) string {
	if l != nil {
		return l[name]
	}
	return os.Getenv(name)
}

// vaultFlags are the flags every vault-using command shares.
type vaultFlags struct {
	path     string
	passFile string
	wait     time.Duration // --wait: for another dexonboard to let go of the vault
	waitSet  bool          // --wait was given (the wizard's screens wait only then)
	readOnly bool          // the command only reads: open the vault read-only
	secrets  secretLookup  // where $DEXONBOARD_PASSPHRASE and its like are read
}

// defaultWait is how long a command waits for another dexonboard that holds
// the vault. Commands hold it for a key derivation and a write, a second or
// two on a busy machine (rotate-key for two derivations and a copy): a
// person running two at once should see both succeed, not "in use". A
// wizard holds it until it quits; then the wait ends with "in use".
const defaultWait = 10 * time.Second

// options are the vault settings of a command that runs to its end: it waits
// up to --wait, and says on standard error that it waits.
func (f *vaultFlags) options(ios *iostreams.IOStreams) vault.Options {
	o := vaultOptions
	o.LockTimeout = f.lockTimeout()
	o.ReadOnly = f.readOnly
	o.LockWait = func(pid int) {
		who := "another dexonboard"
		if pid > 0 {
			who += fmt.Sprintf(" (pid %d)", pid)
		}
		fmt.Fprintf(ios.ErrOut, "the vault is in use by %s; waiting up to %s for it (--wait sets how long)\n", who, f.wait)
	}
	return o
}

// screenOptions are the vault settings of the wizard's screens: the vault's
// own short wait unless --wait was given (nothing may print on the screen).
func (f *vaultFlags) screenOptions() vault.Options {
	o := vaultOptions
	if f.waitSet {
		o.LockTimeout = f.lockTimeout()
	}
	return o
}

func (f *vaultFlags) lockTimeout() time.Duration {
	if f.wait <= 0 {
		return -1 // vault.Options: do not wait
	}
	return f.wait
}

func (f *vaultFlags) resolvePath() (string, error) {
	if f.path != "" {
		return f.path, nil
	}
	return vault.DefaultPath()
}

// passphrase reads the passphrase from, in order: --passphrase-file,
// DEXONBOARD_PASSPHRASE, a masked prompt. Never from a flag's value.
func (f *vaultFlags) passphrase(ios *iostreams.IOStreams, p prompter, prompt string) ([]byte, error) {
	if f.passFile != "" {
		b, err := os.ReadFile(f.passFile)
		if err != nil {
			return nil, fmt.Errorf("read --passphrase-file: %w", err)
		}
		return bytes.TrimRight(b, "\r\n"), nil
	}
	if env := f.secrets.get("DEXONBOARD_PASSPHRASE"); env != "" {
		return []byte(env), nil
	}
	b, err := p.Password(prompt)
	if errors.Is(err, errNoTTY) {
		return nil, errors.New("no passphrase: set DEXONBOARD_PASSPHRASE or use --passphrase-file when not at a terminal")
	}
	return b, err
}

// newPassphrase asks for a new passphrase twice, showing why a weak one is refused.
func newPassphrase(ios *iostreams.IOStreams, p prompter, f *vaultFlags, envName string) ([]byte, error) {
	if f.passFile != "" || f.secrets.get(envName) != "" {
		var b []byte
		if env := f.secrets.get(envName); env != "" {
			b = []byte(env)
		} else {
			var err error
			if b, err = f.passphrase(ios, p, ""); err != nil {
				return nil, err
			}
		}
		return b, vault.CheckPassphrase(string(b))
	}
	for tries := 0; tries < 3; tries++ {
		first, err := p.Password("New passphrase: ")
		if errors.Is(err, errNoTTY) {
			return nil, fmt.Errorf("no passphrase: set %s or use --passphrase-file when not at a terminal", envName)
		}
		if err != nil {
			return nil, err
		}
		if err := vault.CheckPassphrase(string(first)); err != nil {
			fmt.Fprintln(ios.ErrOut, err)
			continue
		}
		score, feedback := vault.Strength(string(first))
		fmt.Fprintf(ios.ErrOut, "strength: %d/4, %s\n", score, feedback)
		again, err := p.Password("Repeat it: ")
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(first, again) {
			fmt.Fprintln(ios.ErrOut, "the two passphrases differ; try again")
			continue
		}
		return first, nil
	}
	return nil, errors.New("no passphrase chosen after 3 tries")
}

// openVault unlocks the vault named by the flags, saying what to do on failure.
func openVault(ios *iostreams.IOStreams, p prompter, f *vaultFlags) (*vault.Vault, []byte, error) {
	path, err := f.resolvePath()
	if err != nil {
		return nil, nil, exitWith(exitVault, err)
	}
	if !vault.Exists(path) {
		return nil, nil, exitWith(exitVault, fmt.Errorf("no vault at %s: create one with dexonboard vault init (or pass --vault)", path))
	}
	pass, err := f.passphrase(ios, p, "Vault passphrase: ")
	if err != nil {
		return nil, nil, exitWith(exitVault, err)
	}
	v, err := vault.Open(path, pass, f.options(ios))
	if err != nil {
		return nil, nil, exitWith(exitVault, err)
	}
	for _, w := range v.Warnings() {
		fmt.Fprintln(ios.ErrOut, "warning:", w)
	}
	return v, pass, nil
}
