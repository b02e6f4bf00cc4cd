package rook_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// Each misconfiguration the guide's Steps 3-5 can leave shows before any
// browser opens, in the authorization URL or in Dexcom's answer to it.
func TestAuthorizationURLFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		faults rooksim.Faults
		want   rook.Mismatch
		detail string
	}{
		{"wrong Client ID held by ROOK", rooksim.Faults{WrongClientID: true}, rook.WrongClientID, ""},
		{"Redirect URL not registered at Dexcom", rooksim.Faults{RedirectNotRegistered: true}, rook.DexcomRefused, "redirect_uri"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := stack(t, tt.faults)
			a, err := client(t, st, nil).Authorizer(ctx, "u", rook.Dexcom, "")
			if err != nil {
				t.Fatal(err)
			}
			p := rook.InspectAuthorizationURL(ctx, http.DefaultClient, a.AuthorizationURL, expected(st))
			if p == nil || p.Mismatch != tt.want || !strings.Contains(p.Detail, tt.detail) {
				t.Fatalf("problem = %#v, want mismatch %v with %q", p, tt.want, tt.detail)
			}
			if tt.want == rook.WrongClientID {
				if p.Want != sandbox.DemoClientID || p.Got != st.ROOK.HeldClientID(rooksim.DemoClientUUID) || p.Got == p.Want {
					t.Fatalf("got %q want %q", p.Got, p.Want)
				}
				// Dexcom itself refuses that Client ID too.
				w := expected(st)
				w.ClientID = ""
				if p := rook.InspectAuthorizationURL(ctx, http.DefaultClient, a.AuthorizationURL, w); p == nil || p.Mismatch != rook.DexcomRefused || p.Status != 400 {
					t.Fatalf("Dexcom's answer: %#v", p)
				}
			}
			if _, err := sandbox.LogIn(ctx, http.DefaultClient, a.AuthorizationURL, "SandboxUser7", true); err == nil {
				t.Fatal("Dexcom's login accepted the authorization URL")
			}
		})
	}
}

// A wrong secret held by ROOK passes every check before the login and
// fails at the code exchange, which ROOK makes at Dexcom's real token
// endpoint: the browser comes back with the error.
func TestWrongSecretFailsAtExchange(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{WrongSecret: true})
	c := client(t, st, nil)
	land := newLanding(t)
	ctx := context.Background()
	a, err := c.Authorizer(ctx, "u", rook.Dexcom, land.URL+"/done")
	if err != nil {
		t.Fatal(err)
	}
	if p := rook.InspectAuthorizationURL(ctx, http.DefaultClient, a.AuthorizationURL, expected(st)); p != nil {
		t.Fatalf("the URL looked wrong: %v", p)
	}
	browseWith(t, land.Client(), a.AuthorizationURL, "SandboxUser7")
	hits := land.arrivals()
	if len(hits) != 1 || hits[0].Get("error") != "token_exchange_failed" || !strings.Contains(hits[0].Get("error_description"), "invalid_client") {
		t.Fatalf("redirect_url arrivals = %v", hits)
	}
	if s, err := c.AuthorizedSources(ctx, "u"); err != nil || rook.IsAuthorized(s, rook.Dexcom) {
		t.Fatalf("authorized after a failed exchange: %v %v", s, err)
	}
	if e := st.ROOK.LastError(rooksim.DemoClientUUID, "u"); !strings.Contains(e, "invalid_client") {
		t.Fatalf("last error = %q", e)
	}
	if n := st.Dexcom.Stats().TokenExchange; n != 0 {
		t.Fatalf("Dexcom issued %d tokens for a wrong secret", n)
	}
}

// The callback checks state before anything else: a forged or replayed
// callback connects nobody and is not sent on.
func TestCallbackChecksState(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	c := client(t, st, nil)
	land := newLanding(t)
	ctx := context.Background()
	a, err := c.Authorizer(ctx, "u", rook.Dexcom, land.URL+"/done")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"?code=x", "?code=x&state=forged", "?error=access_denied&state=forged"} {
		resp, err := http.Get(st.ROOK.RedirectURL() + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 || resp.Request.URL.Host != strings.TrimPrefix(st.ROOK.URL, "http://") {
			t.Fatalf("%s: %d at %s", q, resp.StatusCode, resp.Request.URL)
		}
	}
	if len(land.arrivals()) != 0 {
		t.Fatal("a forged callback reached redirect_url")
	}
	// The real login still works, once.
	loc, err := sandbox.LogIn(ctx, http.DefaultClient, a.AuthorizationURL, "SandboxUser7", true)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{200, 400} {
		resp, err := land.Client().Get(loc.String())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("callback %d answered %d, want %d", i, resp.StatusCode, want)
		}
	}
	// Denied at Dexcom: back at redirect_url with the error.
	a2, err := c.Authorizer(ctx, "v", rook.Dexcom, land.URL+"/done")
	if err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Autopilot(land.Client(), "SandboxUser7", false)(ctx, a2.AuthorizationURL); err != nil {
		t.Fatal(err)
	}
	hits := land.arrivals()
	if last := hits[len(hits)-1]; last.Get("error") != "access_denied" {
		t.Fatalf("denied arrival = %v", last)
	}
}
