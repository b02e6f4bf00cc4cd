package rooksim

import (
	"slices"

	"github.com/tryrook/dexonboard/internal/sandbox"
)

// StackConfig sets up both simulators, wired as in the guide: ROOK holds
// the client's Dexcom app credentials, and the Dexcom app has ROOK's
// Redirect URL among its registered redirect URIs (Step 5) unless
// ROOK.Faults.RedirectNotRegistered.
type StackConfig struct {
	Dexcom     sandbox.Config // Apps default to the demo app
	ROOK       Config         // Clients default to the demo client holding the first app; DexcomBaseURL is set here
	DexcomAddr string         // default 127.0.0.1:0
	ROOKAddr   string         // default 127.0.0.1:0
}

// Stack is both simulators running.
type Stack struct {
	Dexcom *sandbox.Running
	ROOK   *Running
	Apps   []sandbox.App // the Dexcom apps as registered, ROOK's Redirect URL included
}

// StartStack starts the Dexcom simulator, then ROOK's pointed at it, then
// registers ROOK's Redirect URL with each Dexcom app a ROOK client holds.
func StartStack(cfg StackConfig) (*Stack, error) {
	if len(cfg.Dexcom.Apps) == 0 {
		cfg.Dexcom.Apps = []sandbox.App{sandbox.DemoApp()}
	}
	if len(cfg.ROOK.Clients) == 0 {
		a := cfg.Dexcom.Apps[0]
		cfg.ROOK.Clients = []Client{DemoClient(a.ClientID, a.ClientSecret)}
	}
	dex, err := sandbox.Start(sandbox.New(cfg.Dexcom), orLoopback(cfg.DexcomAddr))
	if err != nil {
		return nil, err
	}
	cfg.ROOK.DexcomBaseURL = dex.URL
	rk, err := Start(New(cfg.ROOK), orLoopback(cfg.ROOKAddr))
	if err != nil {
		dex.Close()
		return nil, err
	}
	st := &Stack{Dexcom: dex, ROOK: rk}
	for _, a := range cfg.Dexcom.Apps {
		held := slices.ContainsFunc(cfg.ROOK.Clients, func(c Client) bool { return c.DexcomClientID == a.ClientID })
		if held && !cfg.ROOK.Faults.RedirectNotRegistered {
			a = st.RegisterRedirect(a)
		}
		st.Apps = append(st.Apps, a)
	}
	return st, nil
}

// RegisterRedirect adds ROOK's Redirect URL to app's registered redirect
// URIs at the Dexcom simulator, as the client does in Step 5, and returns
// the app as registered.
func (s *Stack) RegisterRedirect(app App) App {
	if !slices.Contains(app.RedirectURIs, s.ROOK.RedirectURL()) {
		app.RedirectURIs = append(slices.Clone(app.RedirectURIs), s.ROOK.RedirectURL())
	}
	s.Dexcom.RegisterApp(app)
	return app
}

// App is a Dexcom simulator app.
type App = sandbox.App

// Close stops both simulators.
func (s *Stack) Close() {
	s.ROOK.Close()
	s.Dexcom.Close()
}

func orLoopback(addr string) string {
	if addr == "" {
		return "127.0.0.1:0"
	}
	return addr
}
