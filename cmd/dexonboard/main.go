// Command dexonboard onboards a company's own Dexcom developer credentials
// onto the ROOK platform: a step-by-step terminal wizard, a self-check, an
// encrypted vault and an embedded Dexcom sandbox simulator.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/vault"
)

func main() {
	// Before anything holds a secret: no core file can keep one, and the
	// passphrase leaves the environment.
	if err := noCoreDumps(); err != nil {
		fmt.Fprintln(os.Stderr, "warning: could not turn off core dumps:", err)
	}
	secrets := takeSecretVars()
	ctx, cancel := context.WithCancel(context.Background())
	// Listen before anything is printed: a signal sent once the program has
	// shown a prompt must find the handler, not the default that kills it.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go endOnSignal(sigs, cancel)
	code := run(ctx, iostreams.System(), secrets, os.Args[1:])
	cancel()
	os.Exit(code)
}

// signalGrace is how long a signalled command may take to stop by itself
// (longer than the demo's own grace, so the demo cleans up first).
const signalGrace = 3 * grace

// endOnSignal cancels the run on SIGINT or SIGTERM, so a command stops and
// cleans up. A prompt blocked on standard input never sees that, so the
// process exits anyway a moment later, or at a second signal.
func endOnSignal(ch <-chan os.Signal, cancel func()) {
	sig := <-ch
	cancel()
	select {
	case <-ch:
	case <-time.After(signalGrace):
	}
	os.Exit(128 + signalNumber(sig))
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, ios *iostreams.IOStreams, secrets secretLookup, args []string) int {
	return runWith(ctx, &env{ios: ios, prompt: newPrompter(ios), secrets: secrets}, args)
}

// advice is what the command line adds to an error from internal/: the
// flag or variable that fixes it.
func advice(err error) string {
	var wrong *vault.WrongFileError
	switch {
	case errors.As(err, &wrong) && wrong.Link:
		return ": pass the real file with --vault"
	case errors.As(err, &wrong):
		return ": pass the vault file itself with --vault"
	case errors.Is(err, vault.ErrExists):
		return " (open it, or pass --vault for another path)"
	case errors.Is(err, vault.ErrNoDefaultPath):
		return " (set DEXONBOARD_VAULT or pass --vault)"
	case errors.Is(err, vault.ErrInUse):
		return " (--wait sets how long to wait for it)"
	}
	return ""
}

// runWith runs the command line with a given env (tests pass fakes).
func runWith(ctx context.Context, e *env, args []string) int {
	ios := e.ios
	root := newRootCmdWith(e)
	addSubcommands(root, e.subcommands(), args)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && !ee.quiet {
			fmt.Fprintln(ios.ErrOut, "error:", safetext.Line(ee.err.Error()+advice(ee.err)))
		}
		return ee.code
	}
	fmt.Fprintln(ios.ErrOut, "error:", safetext.Line(err.Error()+advice(err)))
	if errors.Is(err, context.Canceled) {
		return exitCancelled
	}
	return exitUsage
}

// Exit codes. 130 follows the shell's convention for ctrl+c.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitLogin     = 3
	exitAPI       = 4
	exitVault     = 5
	exitROOK      = 6 // check: the ROOK leg failed
	exitPartial   = 7 // vault rotate-key/passwd: the change is saved, its compaction is not
	exitCancelled = 130
)

// exitError carries an exit code; quiet means the message was already shown.
type exitError struct {
	code  int
	err   error
	quiet bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func exitWith(code int, err error) error { return &exitError{code: code, err: err} }
