package rooksim_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Many users connect, poll and pull at once, with pushes running: every
// one ends connected with its own data, and -race sees the shared state.
func TestManyUsersAtOnce(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 200)
	app := sandbox.DemoApp()
	cl := rooksim.DemoClient(app.ClientID, app.ClientSecret)
	cl.WebhookURL = rc.URL
	st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Clients: []rooksim.Client{cl}, PushDays: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := rook.New(rook.Config{BaseURL: st.ROOK.URL, Credentials: rook.Credentials{ClientUUID: cl.UUID, SecretKey: secret.New(cl.SecretKey)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	day := time.Now().UTC().AddDate(0, 0, -1).Format(rook.DateLayout)
	const n = 24
	var wg sync.WaitGroup
	readings := make([]int, n)
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("user-%d", i)
			a, err := c.Authorizer(ctx, id, rook.Dexcom, "")
			if err != nil {
				t.Error(err)
				return
			}
			if err := sandbox.Autopilot(http.DefaultClient, sandbox.Users[i%len(sandbox.Users)].Name, true)(ctx, a.AuthorizationURL); err != nil {
				t.Error(err)
				return
			}
			if err := c.WaitAuthorized(ctx, id, rook.Dexcom, rook.Poll{Attempts: 1}); err != nil {
				t.Error(err)
				return
			}
			doc, found, err := c.BloodGlucose(ctx, id, day)
			if err != nil || !found || doc.UserID != id {
				t.Errorf("%s: %v %v", id, found, err)
				return
			}
			readings[i] = doc.Readings()
		})
	}
	wg.Wait()
	for i, r := range readings {
		if r == 0 {
			t.Errorf("user-%d has no readings", i)
		}
	}
	// Users on the same sandbox user see the same day.
	for i := len(sandbox.Users); i < n; i++ {
		if readings[i] != readings[i-len(sandbox.Users)] {
			t.Errorf("user-%d has %d readings, user-%d %d", i, readings[i], i-len(sandbox.Users), readings[i-len(sandbox.Users)])
		}
	}
}
