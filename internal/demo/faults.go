package demo

import (
	"context"
	"net/http"
	"sync"

	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/service"
)

// The onboarding misconfigurations the world can play, live: each is
// switched on the running simulators and receiver, so the presenter shows
// how step 6 (or the webhook probe) names it, then switches it off.

// Where each misconfiguration shows.
const (
	inStep6   = "step 6 through ROOK"
	inCompare = "step 6 through ROOK after the direct check (the comparison with Dexcom)"
	inProbe   = "the prerequisites' webhook probe"
)

// switches is what the world has switched on, and the Redirect URLs
// registered at Dexcom, which one fault takes away.
type switches struct {
	// changing orders a switch's flip with the registrations it touches:
	// a redirect registered while "not registered" goes on or off must not
	// land between the flip and its effect.
	changing   sync.Mutex
	mu         sync.Mutex
	on         map[string]bool
	registered map[string]registration // by Client ID
}

type registration struct{ loopback, rookURL string }

func (sw *switches) is(name string) bool {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	return sw.on[name]
}

func (sw *switches) set(name string, on bool) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.on == nil {
		sw.on = map[string]bool{}
	}
	sw.on[name] = on
}

// The misconfigurations' names, in the order the list shows them.
const (
	FaultWrongClientID     = "Wrong Client ID at ROOK"
	FaultWrongSecret       = "Wrong Client Secret at ROOK"
	FaultRedirectMissing   = "ROOK's Redirect URL not registered at Dexcom"
	FaultRedirectDiffers   = "Redirect URL handed over differs from ROOK's"
	FaultDexcomDisabled    = "Dexcom not enabled at ROOK"
	FaultBadROOKKey        = "Bad ROOK credentials (secret key rotated)"
	FaultWebhook500        = "Webhook answers 500"
	FaultWebhookDown       = "Webhook down (connection refused)"
	FaultNoData            = "No data at ROOK yet"
	FaultDataDiffers       = "ROOK's data differs from Dexcom's"
	FaultEnvironmentsMixed = "Sandbox/production mix (ROOK sends users to production Dexcom)"
	FaultLoginDenied       = "Test user denies the login"
)

// Faults are the world's misconfigurations, each off at first.
func (w *World) Faults() []service.Fault {
	eachROOK := func(f func(*rooksim.Running)) {
		for _, rk := range w.ROOK {
			f(rk)
		}
	}
	rookFault := func(change func(*rooksim.Faults, bool)) func(bool) error {
		return func(on bool) error {
			eachROOK(func(rk *rooksim.Running) { rk.SetFaults(func(f *rooksim.Faults) { change(f, on) }) })
			return nil
		}
	}
	list := []struct {
		name, key, where string
		set              func(on bool) error
	}{
		{FaultWrongClientID, "wrong-client-id", inStep6, rookFault(func(f *rooksim.Faults, on bool) { f.WrongClientID = on })},
		{FaultWrongSecret, "wrong-client-secret", inStep6, rookFault(func(f *rooksim.Faults, on bool) { f.WrongSecret = on })},
		{FaultRedirectMissing, "redirect-not-registered", inStep6, w.setRedirectMissing},
		{FaultRedirectDiffers, "redirect-differs", inStep6, func(on bool) error {
			eachROOK(func(rk *rooksim.Running) { rk.SetRedirectMoved(on) })
			return nil
		}},
		{FaultDexcomDisabled, "dexcom-disabled", inStep6, rookFault(func(f *rooksim.Faults, on bool) { f.DexcomDisabled = on })},
		{FaultBadROOKKey, "bad-rook-credentials", inStep6, w.setROOKKeyRotated},
		{FaultWebhook500, "webhook-500", inProbe, func(on bool) error {
			status := 0
			if on {
				status = http.StatusInternalServerError
			}
			w.Hook.SetAnswer(status)
			return nil
		}},
		{FaultWebhookDown, "webhook-down", inProbe, w.Hook.SetDown},
		{FaultNoData, "no-data", inStep6, func(on bool) error {
			eachROOK(func(rk *rooksim.Running) { rk.NoDataFromNow(on) })
			return nil
		}},
		{FaultDataDiffers, "data-differs", inCompare, rookFault(func(f *rooksim.Faults, on bool) {
			f.DropEvery, f.ChangeEvery = 0, 0
			if on {
				f.DropEvery, f.ChangeEvery = 3, 5
			}
		})},
		{FaultEnvironmentsMixed, "environments-mixed", inStep6, func(on bool) error {
			sandboxLogin, productionLogin := "", ""
			if on { // each ROOK environment set up with the other Dexcom
				sandboxLogin, productionLogin = "https://api.dexcom.com", "https://sandbox-api.dexcom.com"
			}
			w.ROOK[0].SetDexcomLogin(sandboxLogin)
			w.ROOK[1].SetDexcomLogin(productionLogin)
			return nil
		}},
		{FaultLoginDenied, "login-denied", inStep6, func(bool) error { return nil }}, // read by LogIn's opener
	}
	out := make([]service.Fault, 0, len(list))
	for _, f := range list {
		out = append(out, service.Fault{Name: f.name, Key: f.key, Where: f.where,
			On: func() bool { return w.sw.is(f.name) },
			Set: func(on bool) error {
				w.sw.changing.Lock()
				defer w.sw.changing.Unlock()
				if err := f.set(on); err != nil {
					return err
				}
				w.sw.set(f.name, on)
				// The test user starts afresh at ROOK, so the next run logs
				// in again and meets the misconfiguration (or its absence).
				eachROOK(func(rk *rooksim.Running) { rk.DisconnectAll() })
				return nil
			}})
	}
	return out
}

// setRedirectMissing takes ROOK's Redirect URL off each Dexcom app it was
// registered with (on), or puts it back (off).
func (w *World) setRedirectMissing(on bool) error {
	w.sw.mu.Lock()
	regs := make(map[string]registration, len(w.sw.registered))
	for id, r := range w.sw.registered {
		regs[id] = r
	}
	w.sw.mu.Unlock()
	for id, r := range regs {
		u := r.rookURL
		if on {
			u = ""
		}
		w.registerApp(id, r.loopback, u)
	}
	return nil
}

// setROOKKeyRotated changes the ROOK clients' secret key at ROOK (on), so
// the key the client holds is refused, or restores it (off).
func (w *World) setROOKKeyRotated(on bool) error {
	key := rooksim.DemoSecretKey
	if on {
		key = "rotated-" + rooksim.DemoSecretKey
	}
	for i, uuid := range []string{rooksim.DemoClientUUID, ProductionClientUUID} {
		if err := w.ROOK[i].SetSecretKey(uuid, key); err != nil {
			return err
		}
	}
	return nil
}

// opener logs user in, or denies the login while FaultLoginDenied is on;
// it reads the switch when the login opens.
func (w *World) opener(user string) func(context.Context, string) error {
	return func(ctx context.Context, url string) error {
		return sandbox.Autopilot(w.HTTP, user, !w.sw.is(FaultLoginDenied))(ctx, url)
	}
}
