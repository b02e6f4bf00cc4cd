package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/demo"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/ui"
)

// wizardOptions are the flags of the bare command and of demo.
type wizardOptions struct {
	accessible bool
	apiBase    string
	check      bool
}

// runWizard opens the vault (or lets the wizard create it) and runs the
// wizard, as a full-screen program or, for screen readers and scripts, as
// plain prompts.
func runWizard(ctx context.Context, e *env, o *wizardOptions) error {
	path, err := e.vault.resolvePath()
	if err != nil {
		return exitWith(exitVault, err)
	}
	s := service.AtVault(path, e.vault.screenOptions())
	s.APIBase, s.Browse, s.HTTP = o.apiBase, quietBrowser(e), &http.Client{Timeout: 60 * time.Second}
	// A passphrase from a file or the environment skips the unlock screen.
	if !s.Create && (e.vault.passFile != "" || e.secrets.get("DEXONBOARD_PASSPHRASE") != "") {
		v, pass, err := openVault(e.ios, e.prompt, &e.vault)
		if err != nil {
			return err
		}
		secret.Wipe(pass)
		s.Unlocked(v)
	}
	defer closeSession(s)
	return runSession(ctx, e, s, o.accessible)
}

func runSession(ctx context.Context, e *env, s *service.Session, accessible bool) error {
	lineMode := accessible || !e.ios.IsStdinTTY() || !e.ios.IsStdoutTTY()
	if tp, ok := e.prompt.(*ttyPrompter); ok && lineMode {
		tp.piped = true
	}
	return ui.Run(ctx, s, ui.RunOptions{LineMode: lineMode, Prompter: e.prompt, In: e.ios.In, Out: e.ios.Out})
}

// closeSession stops what still runs, finishes the saves the wizard
// queued, then closes the vault: quitting never loses a change the wizard
// has taken, nor a token a check received.
func closeSession(s *service.Session) { _ = s.Close() }

// quietBrowser opens URLs in a browser when there is a display; it never
// prints, since the wizard shows the URL on screen itself.
func quietBrowser(e *env) func(context.Context, string) error {
	if e.browse != nil {
		return e.browse
	}
	return connect.NewOpener(io.Discard, false).Open
}

// runDemo makes a throwaway vault and starts the simulator, then runs the
// wizard on them with the demo app's credentials ready to store.
// Its folder goes on SIGINT, SIGTERM and SIGHUP too; one left by a killed
// demo goes at the next demo's start.
func runDemo(ctx context.Context, e *env, o *wizardOptions) (err error) {
	removeStaleDemoDirs(os.TempDir(), e.ios.ErrOut)
	dir, err := makeDemoDir()
	if err != nil {
		return exitWith(exitFailure, err)
	}
	defer os.RemoveAll(dir)
	var (
		mu      sync.Mutex
		session *service.Session
	)
	ctx, signals := watchDemoSignals(ctx, func() {
		mu.Lock()
		s := session
		mu.Unlock()
		if s != nil {
			closed := make(chan struct{})
			go func() { closeSession(s); close(closed) }()
			select {
			case <-closed:
			case <-time.After(grace):
			}
		}
		os.RemoveAll(dir)
	})
	defer func() {
		if sig := signals.stop(); sig != nil && err == nil {
			err = &exitError{code: 128 + signalNumber(sig), quiet: true}
		}
	}()
	world, s, err := newDemo(dir)
	if err != nil {
		return exitWith(exitFailure, err)
	}
	defer world.Close()
	defer closeSession(s)
	mu.Lock()
	session = s
	mu.Unlock()
	s.Browse = quietBrowser(e)
	if e.browse != nil {
		s.Browse = e.browse
	}
	return runSession(ctx, e, s, o.accessible)
}

// newDemo starts the demo's world and a session on a throwaway vault in dir.
func newDemo(dir string) (*demo.World, *service.Session, error) {
	world, err := demo.Start(demo.Options{})
	if err != nil {
		return nil, nil, err
	}
	opts := vaultOptions
	opts.Demo = true // the cheap demo KDF: the passphrase is random and the vault thrown away
	s, err := world.Session(dir, opts)
	if err != nil {
		world.Close()
		return nil, nil, err
	}
	return world, s, nil
}

func addWizardFlags(cmd *cobra.Command, o *wizardOptions) {
	cmd.Flags().BoolVar(&o.accessible, "accessible", false, "plain line-by-line prompts, no redraws (for screen readers and scripts)")
}
