// Package demo builds the demo's world: the simulated Dexcom, ROOK's
// sandbox and production, a webhook receiver ROOK delivers to, a ROOK
// engineer (CSE) who opens hand-offs, and the sandbox's test users. It
// hands a session ordinary pieces (API bases, values to prefill, test
// logins, a delivery source, a hand-off taker, a redirect registrar); the
// core never asks whether it runs in the demo.
package demo

import (
	"context"
	"crypto/rand"
	"net/http"
	"time"

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
)

// ROOKRedirect is the made-up ROOK Redirect URL the Dexcom apps are first
// registered with (.example is reserved).
const ROOKRedirect = "https://rook.example/api/v1/dexcom/callback"

// ProductionClientUUID is the ROOK client of the production environment:
// each ROOK environment has its own.
const ProductionClientUUID = "5b0e7c2d-9a41-4f63-b8d2-1c7e3a9f0b64"

// DefaultUser is the test user who logs in unless another is picked.
const DefaultUser = "SandboxUser7"

// Options shape the world.
type Options struct {
	// Ready starts it as after steps 4 and 5: ROOK's sandbox holds the demo
	// app and its Redirect URL is registered at Dexcom (check --demo).
	// Otherwise ROOK learns the app from the hand-off (step 4) and the
	// URL is registered when the client confirms it (step 5).
	Ready bool
}

// World is the demo's simulated services, running on loopback.
type World struct {
	Dexcom *sandbox.Running
	// ROOK is ROOK's sandbox ([0]) and production ([1]).
	ROOK       []*rooksim.Running
	Hook       *webhook.Listener
	HookURL    string
	Deliveries *service.DeliveryHub
	// Sandbox and Production are the values typed for each track's app.
	Sandbox, Production service.Prefill
	HTTP                *http.Client

	identity secret.String
	sw       switches
}

// Start starts the world; Close stops it.
func Start(o Options) (w *World, err error) {
	w = &World{Deliveries: &service.DeliveryHub{}, HTTP: &http.Client{Timeout: 30 * time.Second}}
	defer func() {
		if err != nil {
			w.Close()
		}
	}()
	loopback, prodLoopback, err := twoLoopbacks()
	if err != nil {
		return nil, err
	}
	apps := []sandbox.App{sandbox.DemoApp(loopback, ROOKRedirect), sandbox.DemoProductionApp(prodLoopback, ROOKRedirect)}
	if w.Dexcom, err = sandbox.Start(sandbox.New(sandbox.Config{Apps: apps}), "127.0.0.1:0"); err != nil {
		return nil, err
	}
	identity, recipient, err := handoff.NewIdentity()
	if err != nil {
		return nil, err
	}
	w.identity = identity
	// The receiver refuses unsigned posts, as a careful client's does;
	// ROOK signs with the client's hash key and so does dexonboard's probe.
	hook := webhook.ListenOptions{HashKey: secret.New(rooksim.DemoHashKey), RequireHash: true}
	if w.Hook, err = webhook.ListenWith("127.0.0.1:0", hook, w.heard); err != nil {
		return nil, err
	}
	w.HookURL = w.Hook.URL + "/rook/webhook"
	w.Sandbox = service.Prefill{ClientID: sandbox.DemoClientID, ClientSecret: sandbox.DemoClientSecret, Loopback: loopback}
	w.Production = service.Prefill{ClientID: sandbox.DemoProductionClientID, ClientSecret: sandbox.DemoProductionClientSecret, Loopback: prodLoopback}
	// ROOK's sandbox and production are separate environments, each with
	// its own client, users and Redirect URL.
	for _, p := range []struct {
		prefill *service.Prefill
		uuid    string
	}{{&w.Sandbox, rooksim.DemoClientUUID}, {&w.Production, ProductionClientUUID}} {
		rk, err := rooksim.Start(rooksim.New(rooksim.Config{DexcomBaseURL: w.Dexcom.URL,
			Clients: []rooksim.Client{{UUID: p.uuid, SecretKey: rooksim.DemoSecretKey, HashKey: rooksim.DemoHashKey}}}), "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		w.ROOK = append(w.ROOK, rk)
		if err := rk.SetWebhookURL(p.uuid, w.HookURL); err != nil {
			return nil, err
		}
		*p.prefill = service.Prefill{ClientID: p.prefill.ClientID, ClientSecret: p.prefill.ClientSecret, Loopback: p.prefill.Loopback,
			ROOKRedirect: rk.RedirectURL(), Recipient: recipient, ROOKAPIBase: rk.URL,
			ROOKClientUUID: p.uuid, ROOKSecretKey: rooksim.DemoSecretKey, WebhookURL: w.HookURL}
	}
	if o.Ready {
		held := rooksim.DemoClient(sandbox.DemoClientID, sandbox.DemoClientSecret)
		held.WebhookURL = w.HookURL
		w.ROOK[0].AddClient(held)
		w.RegisterRedirect(sandbox.DemoClientID, loopback, w.ROOK[0].RedirectURL())
	}
	return w, nil
}

// twoLoopbacks are the two apps' redirect URIs; each port is held for this
// process until a login listens on it or Close releases it.
func twoLoopbacks() (string, string, error) {
	a, err := connect.FreeRedirectURI()
	if err != nil {
		return "", "", err
	}
	b, err := connect.FreeRedirectURI()
	if err != nil {
		connect.Release(a)
	}
	return a, b, err
}

// heard reports a webhook delivery to the runs listening.
func (w *World) heard(r webhook.Received) {
	w.Deliveries.Add(service.Delivery{DataStructure: r.DataStructure, ClientUUID: r.ClientUUID, UserID: r.UserID,
		Date: r.Date, Readings: r.Readings, Status: r.Status, At: r.At, Hash: hashVerdict(r.HashCheck)})
}

// hashVerdict is the receiver's word on x-rook-hash ("" : not checked).
func hashVerdict(c rook.HashCheck) string {
	if c.Verdict == rook.HashNotChecked {
		return ""
	}
	return c.Verdict.String()
}

// Close stops every simulator and the receiver.
func (w *World) Close() {
	for _, rk := range w.ROOK {
		rk.Close()
	}
	if w.Hook != nil {
		w.Hook.Close()
	}
	if w.Dexcom != nil {
		w.Dexcom.Close()
	}
	connect.Release(w.Sandbox.Loopback)
	connect.Release(w.Production.Loopback)
}

// TakeHandoff is the CSE: ROOK's engineer opens the sealed hand-off in the
// environment's simulator, which then holds the app; it answers with ROOK's
// Redirect URL and the code read.
func (w *World) TakeHandoff(production bool, sealed []byte) (string, string, error) {
	rk, uuid := w.ROOK[0], rooksim.DemoClientUUID
	if production {
		rk, uuid = w.ROOK[1], ProductionClientUUID
	}
	h, err := rk.TakeHandoff(uuid, sealed, w.identity)
	if err != nil {
		return "", "", err
	}
	return h.RedirectURL, h.Code, nil
}

// RegisterRedirect registers u beside the app's loopback at the Dexcom
// simulator, as the client does in Dexcom's portal (step 5).
func (w *World) RegisterRedirect(clientID, loopback, u string) {
	w.sw.changing.Lock()
	defer w.sw.changing.Unlock()
	w.sw.mu.Lock()
	if w.sw.registered == nil {
		w.sw.registered = map[string]registration{}
	}
	w.sw.registered[clientID] = registration{loopback: loopback, rookURL: u}
	w.sw.mu.Unlock()
	if w.sw.is(FaultRedirectMissing) {
		u = ""
	}
	w.registerApp(clientID, loopback, u)
}

// registerApp registers the app's loopback and, when u is set, u.
func (w *World) registerApp(clientID, loopback, u string) {
	uris := []string{loopback, ROOKRedirect}
	if u != "" {
		uris = append(uris, u)
	}
	app := sandbox.DemoApp(uris...)
	if clientID == sandbox.DemoProductionClientID {
		app = sandbox.DemoProductionApp(uris...)
	}
	w.Dexcom.RegisterApp(app)
}

// LogIn returns an opener that logs user in on the simulator's login page.
func (w *World) LogIn(user string) func(context.Context, string) error {
	return w.opener(user)
}

// TestLogins are the sandbox's test users, DefaultUser first picked.
func (w *World) TestLogins() *service.TestLogins {
	users := make([]service.TestUser, 0, len(sandbox.Users))
	for _, u := range sandbox.Users {
		users = append(users, service.TestUser{Name: u.Name, Device: u.Device, Default: u.Name == DefaultUser})
	}
	return &service.TestLogins{Users: users, LogIn: w.LogIn}
}

// Equip hands s the world's pieces.
func (w *World) Equip(s *service.Session) {
	s.APIBase, s.ROOKAPIBase, s.HTTP = w.Dexcom.URL, w.ROOK[0].URL, w.HTTP
	s.Prefill, s.ProductionPrefill = w.Sandbox, w.Production
	s.TestLogins = w.TestLogins()
	s.Deliveries, s.Handoff, s.RegisterRedirect = w.Deliveries, w, w.RegisterRedirect
	s.ROOKPoll = rook.Poll{Attempts: 8, Delay: 200 * time.Millisecond, MaxDelay: time.Second}
	s.ROOKHashKey = secret.New(rooksim.DemoHashKey)
	s.Faults = w.Faults()
	// The portal is Dexcom's real one: the demo shows its address only.
	s.OpenPortal = func(context.Context, string) error { return nil }
}

// Session is a session on a throwaway vault in dir, unlocked on the
// "Demo Clinic" profile at the sandbox track, equipped with the world.
// opts are the vault's options (the demo's cheap KDF: the passphrase is
// random and never shown).
func (w *World) Session(dir string, opts vault.Options) (*service.Session, error) {
	path := dir + "/vault.db"
	pass := []byte(rand.Text())
	v, err := vault.Create(path, pass, opts)
	secret.Wipe(pass)
	if err != nil {
		return nil, err
	}
	p, progress, err := demoProfile(v, w.Sandbox.Loopback)
	if err != nil {
		v.Close()
		return nil, err
	}
	// No ExportDir: exports and the sealed file go to the working
	// directory, as outside the demo, not into the folder deleted on exit.
	s := &service.Session{Vault: v, VaultPath: path, Profile: p, Progress: progress, Throwaway: dir}
	w.Equip(s)
	return s, nil
}

func demoProfile(v *vault.Vault, loopback string) (*onboarding.Profile, *onboarding.Progress, error) {
	p, err := v.CreateProfile("Demo Clinic")
	if err != nil {
		return nil, nil, err
	}
	p.App(dexcom.Sandbox).RedirectURI = loopback
	if err := v.SaveProfile(p); err != nil {
		return nil, nil, err
	}
	progress := onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox)
	if err := v.SaveProgress(p.ID, progress); err != nil {
		return nil, nil, err
	}
	return p, progress, nil
}

// ReadySession is a session on an in-memory profile whose sandbox app is
// set up as after steps 1 to 5 (`check --demo` on a world started Ready).
func (w *World) ReadySession() *service.Session {
	s := service.NewSession("Demo Clinic", dexcom.Sandbox)
	w.Equip(s)
	p := w.Sandbox
	s.Override(service.AppValues{ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURI: p.Loopback,
		ROOKRedirectURL: p.ROOKRedirect, ROOKClientUUID: p.ROOKClientUUID, ROOKSecretKey: p.ROOKSecretKey, WebhookURL: p.WebhookURL})
	return s
}

// HasUser reports whether the sandbox has the test user name.
func HasUser(name string) bool {
	_, ok := sandbox.FindUser(name)
	return ok
}
