package rooksim_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// A code exchange that fails at Dexcom (ROOK holds a wrong Client Secret)
// is reported to the browser in one of three ways; none connects the user.
func TestExchangeFailureVariants(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v      rooksim.ExchangeFailure
		status int
		has    string
		lacks  string
	}{
		{rooksim.RelayOwnCode, 502, "token_exchange_failed", ""},
		{rooksim.RelayOAuthCode, 502, "invalid_client", "token_exchange_failed"},
		{rooksim.Silent, 200, "Something went wrong", "invalid_client"},
	} {
		st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Faults: rooksim.Faults{WrongSecret: true}, ExchangeFailure: tt.v}})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		c, err := rook.New(rook.Config{BaseURL: st.ROOK.URL, Credentials: rook.Credentials{ClientUUID: rooksim.DemoClientUUID, SecretKey: secret.New(rooksim.DemoSecretKey)}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := c.AuthorizationLink(ctx, "x-user", rook.Dexcom)
		if err != nil {
			t.Fatal(err)
		}
		loc, err := sandbox.LogIn(ctx, http.DefaultClient, a.AuthorizationURL, "SandboxUser7", true)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(loc.String())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(b)
		if resp.StatusCode != tt.status || !strings.Contains(page, tt.has) || tt.lacks != "" && strings.Contains(page, tt.lacks) {
			t.Errorf("variant %d: %d %q", tt.v, resp.StatusCode, page)
		}
		s, err := c.AuthorizedSources(ctx, "x-user")
		if err != nil || rook.IsAuthorized(s, rook.Dexcom) {
			t.Errorf("variant %d: connected after a failed exchange: %v %v", tt.v, s, err)
		}
		if st.ROOK.LastError(rooksim.DemoClientUUID, "x-user") == "" {
			t.Errorf("variant %d: the failure was not recorded", tt.v)
		}
		st.Close()
	}
}
