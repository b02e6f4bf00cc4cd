package service

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// The webhook probe runs alongside the login: many legs at once (run with
// -race), each browser logging in only once its probe reached the webhook,
// and the report carries the probe's verdict whether the leg passed or
// failed before it.
func TestROOKLegProbesWebhookDuringLogin(t *testing.T) {
	t.Parallel()
	st, err := rooksim.StartStack(rooksim.StackConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mu sync.Mutex
	probed := map[string]chan struct{}{}
	arrived := func(user string) chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		if probed[user] == nil {
			probed[user] = make(chan struct{})
		}
		return probed[user]
	}
	var hits atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		close(arrived(r.URL.Query().Get("u")))
	}))
	defer hook.Close()
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := "race-" + string(rune('a'+i))
			walk := sandbox.Autopilot(&http.Client{Timeout: 10 * time.Second}, "SandboxUser7", i%3 != 0)
			leg := ROOKLeg{BaseURL: st.ROOK.URL, UserID: user, DexcomBase: st.Dexcom.URL, ClientID: sandbox.DemoClientID, RedirectURL: st.ROOK.RedirectURL(),
				Credentials: rook.Credentials{ClientUUID: rooksim.DemoClientUUID, SecretKey: secret.New(rooksim.DemoSecretKey)},
				HTTP:        &http.Client{Timeout: 10 * time.Second}, Timeout: 20 * time.Second, Poll: rook.Poll{Attempts: 3, Delay: time.Millisecond},
				WebhookURL: hook.URL + "/?u=" + user,
				Open: func(ctx context.Context, u string) error {
					select {
					case <-arrived(user):
					case <-time.After(15 * time.Second):
						t.Errorf("%s: the webhook was not probed during the login", user)
					}
					return walk(ctx, u)
				}}
			res := leg.Run(context.Background())
			denied := i%3 == 0
			if res.OK() == denied || res.Report.Webhook == nil || !res.Report.Webhook.OK {
				t.Errorf("%s: ok %v (denied %v), webhook %+v, finding %+v", user, res.OK(), denied, res.Report.Webhook, res.Finding)
			}
		}()
	}
	wg.Wait()
	if hits.Load() != 12 {
		t.Fatalf("%d probes, want 12", hits.Load())
	}
}
