package rooksim_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// A link followed after it expired connects nobody.
func TestExpiredLinkIsRefused(t *testing.T) {
	t.Parallel()
	var skew atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Now: now}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	c, err := rook.New(rook.Config{BaseURL: st.ROOK.URL, Credentials: rook.Credentials{ClientUUID: rooksim.DemoClientUUID, SecretKey: secret.New(rooksim.DemoSecretKey)}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Authorizer(ctx, "late", rook.Dexcom, "")
	if err != nil {
		t.Fatal(err)
	}
	loc, err := sandbox.LogIn(ctx, http.DefaultClient, a.AuthorizationURL, "SandboxUser7", true)
	if err != nil {
		t.Fatal(err)
	}
	skew.Store(int64(16 * time.Minute))
	resp, err := http.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("expired link answered %d", resp.StatusCode)
	}
	if s, err := c.AuthorizedSources(ctx, "late"); err != nil || rook.IsAuthorized(s, rook.Dexcom) {
		t.Fatalf("%v %v", s, err)
	}
}
