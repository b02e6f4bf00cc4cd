package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/internal/vault"
	"github.com/tryrook/dexonboard/internal/webhook"
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
	s := &service.Session{
		VaultPath: path, Create: !vault.Exists(path), APIBase: o.apiBase,
		Open:        func(p []byte) (*vault.Vault, error) { return vault.Open(path, p, e.vault.screenOptions()) },
		CreateVault: func(p []byte) (*vault.Vault, error) { return vault.Create(path, p, e.vault.screenOptions()) },
		Browse:      quietBrowser(e),
		HTTP:        &http.Client{Timeout: 60 * time.Second},
	}
	// A passphrase from a file or the environment skips the unlock screen.
	if !s.Create && (e.vault.passFile != "" || secretEnv("DEXONBOARD_PASSPHRASE") != "") {
		v, pass, err := openVault(e.ios, e.prompt, &e.vault)
		if err != nil {
			return err
		}
		secret.Wipe(pass)
		s.Vault = v
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

// closeSession finishes the saves the wizard queued, then closes the vault:
// quitting never loses a change the wizard has taken.
func closeSession(s *service.Session) {
	s.DrainSaves()
	if s.Vault != nil {
		s.Vault.Close()
	}
}

// quietBrowser opens URLs in a browser when there is a display; it never
// prints, since the wizard shows the URL on screen itself.
func quietBrowser(e *env) func(context.Context, string) error {
	if e.browse != nil {
		return e.browse
	}
	return connect.NewOpener(io.Discard, false).Open
}

// Demo values: ROOK's redirect URL is made up (.example is reserved).
const demoROOKRedirect = "https://rook.example/api/v1/dexcom/callback"

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
	sim, s, err := newDemoWorld(dir)
	if err != nil {
		return exitWith(exitFailure, err)
	}
	defer sim.Close()
	defer closeSession(s)
	stopROOK, err := demoROOK(s, sim)
	if err != nil {
		return exitWith(exitFailure, err)
	}
	defer stopROOK()
	mu.Lock()
	session = s
	mu.Unlock()
	s.Browse = quietBrowser(e)
	if e.browse != nil {
		s.Browse = e.browse
	}
	return runSession(ctx, e, s, o.accessible)
}

// newDemoWorld starts the simulator with the demo's two apps (sandbox and
// production), each registered for its own free loopback and ROOK's URL,
// and the session on a throwaway vault in dir.
func newDemoWorld(dir string) (*sandbox.Running, *service.Session, error) {
	loopback, err := connect.FreeRedirectURI()
	if err != nil {
		return nil, nil, err
	}
	prodLoopback := loopback
	for prodLoopback == loopback {
		if prodLoopback, err = connect.FreeRedirectURI(); err != nil {
			return nil, nil, err
		}
	}
	apps := []sandbox.App{sandbox.DemoApp(loopback, demoROOKRedirect), sandbox.DemoProductionApp(prodLoopback, demoROOKRedirect)}
	sim, err := sandbox.Start(sandbox.New(sandbox.Config{Apps: apps}), "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	s, err := demoSession(dir, sim.URL, loopback)
	if err != nil {
		sim.Close()
		return nil, nil, err
	}
	s.Demo.Production = service.Prefill{ClientID: sandbox.DemoProductionClientID, ClientSecret: sandbox.DemoProductionClientSecret,
		ROOKRedirect: demoROOKRedirect, Recipient: s.Demo.Prefill.Recipient, Loopback: prodLoopback}
	return sim, s, nil
}

func demoSession(dir, simURL, loopback string) (*service.Session, error) {
	pass := make([]byte, 24)
	_, _ = rand.Read(pass)
	phrase := []byte(base64.RawURLEncoding.EncodeToString(pass)) // never shown: the vault is thrown away
	opts := vaultOptions
	opts.Demo = true // the cheap demo KDF: the passphrase is random and the vault thrown away
	v, err := vault.Create(dir+"/vault.db", phrase, opts)
	secret.Wipe(phrase)
	if err != nil {
		return nil, err
	}
	p, err := v.CreateProfile("Demo Clinic")
	if err != nil {
		v.Close()
		return nil, err
	}
	p.App(dexcom.Sandbox).RedirectURI = loopback
	if err := v.SaveProfile(p); err != nil {
		v.Close()
		return nil, err
	}
	progress := onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox)
	if err := v.SaveProgress(p.ID, progress); err != nil {
		v.Close()
		return nil, err
	}
	// A throwaway ROOK key, so the presenter can seal the hand-off too.
	_, demoRecipient, err := handoff.NewIdentity()
	if err != nil {
		v.Close()
		return nil, err
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	users := make([]service.DemoUser, 0, len(sandbox.Users))
	for _, u := range sandbox.Users {
		users = append(users, service.DemoUser{Name: u.Name, Device: u.Device})
	}
	// No ExportDir: exports and the sealed file go to the working directory,
	// as outside the demo, not into the folder deleted on exit.
	return &service.Session{
		Vault: v, VaultPath: dir + "/vault.db", Profile: p, Progress: progress, APIBase: simURL, HTTP: hc,
		Demo: &service.Demo{
			TempDir: dir, Users: users,
			LogIn:   func(user string) func(context.Context, string) error { return sandbox.Autopilot(hc, user, true) },
			Prefill: service.Prefill{ClientID: sandbox.DemoClientID, ClientSecret: sandbox.DemoClientSecret, ROOKRedirect: demoROOKRedirect, Recipient: demoRecipient},
		},
	}, nil
}

// demoROOK starts the simulated ROOK (sandbox and production) beside the
// demo's Dexcom simulator, and a local webhook receiver both deliver to.
// ROOK knows the demo client
// but holds no Dexcom app until it opens the hand-off of step 4; ROOK's
// Redirect URL is registered at Dexcom only when step 5 is confirmed.
func demoROOK(s *service.Session, dex *sandbox.Running) (stop func(), err error) {
	identity, recipient, err := handoff.NewIdentity()
	if err != nil {
		return nil, err
	}
	deliveries := &service.DeliveryHub{}
	hook, err := webhook.Listen("127.0.0.1:0", 0, func(r webhook.Received) {
		deliveries.Add(service.Delivery{DataStructure: r.DataStructure, ClientUUID: r.ClientUUID, UserID: r.UserID, Date: r.Date, Readings: r.Readings, Status: r.Status, At: r.At})
	})
	if err != nil {
		return nil, err
	}
	hookURL := hook.URL + "/rook/webhook"
	// ROOK's sandbox and production are separate environments, each with
	// its own users and Redirect URL: one simulator for each track.
	d := s.Demo
	var sims []*rooksim.Running
	stop = func() {
		for _, rk := range sims {
			rk.Close()
		}
		hook.Close()
	}
	for _, p := range []*service.Prefill{&d.Prefill, &d.Production} {
		rk, err := rooksim.Start(rooksim.New(rooksim.Config{DexcomBaseURL: dex.URL,
			Clients: []rooksim.Client{{UUID: rooksim.DemoClientUUID, SecretKey: rooksim.DemoSecretKey}}}), "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, err
		}
		sims = append(sims, rk)
		_ = rk.SetWebhookURL(rooksim.DemoClientUUID, hookURL)
		p.ROOKRedirect, p.Recipient, p.ROOKAPIBase = rk.RedirectURL(), recipient, rk.URL
		p.ROOKClientUUID, p.ROOKSecretKey, p.WebhookURL = rooksim.DemoClientUUID, rooksim.DemoSecretKey, hookURL
	}
	s.ROOKAPIBase = sims[0].URL
	s.Handoff = cse{sims: sims, identity: identity}
	s.RegisterRedirect = func(clientID, loopback, u string) {
		app := sandbox.DemoApp(loopback, demoROOKRedirect, u)
		if clientID == sandbox.DemoProductionClientID {
			app = sandbox.DemoProductionApp(loopback, demoROOKRedirect, u)
		}
		dex.RegisterApp(app)
	}
	s.Deliveries = deliveries
	s.ROOKPoll = rook.Poll{Attempts: 8, Delay: 200 * time.Millisecond, MaxDelay: time.Second}
	return stop, nil
}

// cse is the simulated ROOK engineer who opens the hand-off, in ROOK's
// sandbox (sims[0]) or production (sims[1]).
type cse struct {
	sims     []*rooksim.Running
	identity secret.String
}

func (c cse) TakeHandoff(production bool, sealed []byte) (string, string, error) {
	rk := c.sims[0]
	if production {
		rk = c.sims[1]
	}
	h, err := rk.TakeHandoff(rooksim.DemoClientUUID, sealed, c.identity)
	if err != nil {
		return "", "", err
	}
	return h.RedirectURL, h.Code, nil
}

func addWizardFlags(cmd *cobra.Command, o *wizardOptions) {
	cmd.Flags().BoolVar(&o.accessible, "accessible", false, "plain line-by-line prompts, no redraws (for screen readers and scripts)")
}
