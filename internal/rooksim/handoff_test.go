package rooksim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// The demo's Steps 4-6 with what was really handed over: ROOK holds no
// Dexcom app until it opens the client's sealed hand-off; then Step 5
// registers its Redirect URL and the hop works.
func TestTakeHandoffThenConnect(t *testing.T) {
	t.Parallel()
	empty := rooksim.Client{UUID: rooksim.DemoClientUUID, SecretKey: rooksim.DemoSecretKey}
	st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Clients: []rooksim.Client{empty}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	identity, recipient, err := handoff.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	sealed, code, err := handoff.Seal(handoff.Payload{ID: handoff.NewID(), Created: now, Expires: now.Add(time.Hour), Profile: "Demo Clinic",
		Company: "Demo Clinic", Environment: "sandbox", AppName: "demo", ClientID: sandbox.DemoClientID,
		ClientSecret: secret.New(sandbox.DemoClientSecret), RedirectURI: sandbox.DemoRedirectURI}, recipient)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ROOK.TakeHandoff("nobody", sealed, identity); !errors.Is(err, rooksim.ErrUnknownClient) {
		t.Fatalf("unknown client: %v", err)
	}
	_, other, _ := handoff.NewIdentity()
	wrongSealed, _, _ := handoff.Seal(handoff.Payload{ID: handoff.NewID(), Created: now, Expires: now.Add(time.Hour), Profile: "x", Company: "x",
		Environment: "sandbox", AppName: "x", ClientID: "someone-else", ClientSecret: secret.New("secret-secret"), RedirectURI: sandbox.DemoRedirectURI}, other)
	if _, err := st.ROOK.TakeHandoff(rooksim.DemoClientUUID, wrongSealed, identity); !errors.Is(err, handoff.ErrWrongIdentity) {
		t.Fatalf("sealed for another key: %v", err)
	}
	h, err := st.ROOK.TakeHandoff(rooksim.DemoClientUUID, sealed, identity)
	if err != nil {
		t.Fatal(err)
	}
	if h.Code != code || h.ClientID != sandbox.DemoClientID || h.RedirectURL != st.ROOK.RedirectURL() || st.ROOK.HeldClientID(rooksim.DemoClientUUID) != sandbox.DemoClientID {
		t.Fatalf("handover %+v, sealed code %s", h, code)
	}

	ctx := context.Background()
	c, err := rook.New(rook.Config{BaseURL: st.ROOK.URL, Credentials: rook.Credentials{ClientUUID: rooksim.DemoClientUUID, SecretKey: secret.New(rooksim.DemoSecretKey)}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Authorizer(ctx, "u", rook.Dexcom, "")
	if err != nil {
		t.Fatal(err)
	}
	want := rook.Expected{DexcomBase: st.Dexcom.URL, ClientID: sandbox.DemoClientID, RedirectURL: h.RedirectURL}
	if p := rook.InspectAuthorizationURL(ctx, http.DefaultClient, a.AuthorizationURL, want); p == nil || p.Mismatch != rook.DexcomRefused {
		t.Fatalf("before Step 5: %v", p)
	}
	st.RegisterRedirect(sandbox.DemoApp()) // Step 5
	if p := rook.InspectAuthorizationURL(ctx, http.DefaultClient, a.AuthorizationURL, want); p != nil {
		t.Fatalf("after Step 5: %v", p)
	}
	connectWith(t, a.AuthorizationURL)
	if s, err := c.AuthorizedSources(ctx, "u"); err != nil || !rook.IsAuthorized(s, rook.Dexcom) {
		t.Fatalf("%v %v", s, err)
	}
}

func connectWith(t *testing.T, authURL string) {
	t.Helper()
	if err := sandbox.Autopilot(http.DefaultClient, "SandboxUser3", true)(context.Background(), authURL); err != nil {
		t.Fatal(err) // includes the callback answering other than 200
	}
}
