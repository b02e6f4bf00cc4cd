package service

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Each fault of the simulated ROOK, seen through the session's check of
// ROOK's authorization URL or through ROOK's API, comes out named with
// its fix, before any browser opens.
func TestROOKMisconfigurationsAreNamed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		name      string
		faults    rooksim.Faults
		secretKey string
		cause     string
		fix       string
	}{
		{"wrong Client ID held by ROOK", rooksim.Faults{WrongClientID: true}, "", "ROOK holds Client ID 'dexonboarz-demo-app', Step 3 has 'dexonboard-demo-app'", "ask your CSE to correct it (Step 4)"},
		{"Redirect URL not registered", rooksim.Faults{RedirectNotRegistered: true}, "", "Dexcom answers 400 invalid redirect_uri", "paste ROOK's Redirect URL into your Dexcom app (Step 5)"},
		{"Dexcom not enabled", rooksim.Faults{DexcomDisabled: true}, "", "Dexcom is not enabled for your ROOK client", "enable the Dexcom button on your ROOK client portal"},
		{"bad ROOK credentials", rooksim.Faults{}, "wrong-key", "ROOK refused the client UUID and secret key", "sandbox environment"},
		{"as configured", rooksim.Faults{}, "", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Faults: tt.faults}})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			s := &Session{Profile: &onboarding.Profile{Name: "Acme"}, Progress: onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox),
				APIBase: st.Dexcom.URL, HTTP: http.DefaultClient}
			s.App().ClientID = sandbox.DemoClientID
			s.App().ROOKRedirectURL = st.ROOK.RedirectURL()
			key := rooksim.DemoSecretKey
			if tt.secretKey != "" {
				key = tt.secretKey
			}
			c, err := rook.New(rook.Config{BaseURL: st.ROOK.URL, Credentials: rook.Credentials{ClientUUID: rooksim.DemoClientUUID, SecretKey: secret.New(key)}})
			if err != nil {
				t.Fatal(err)
			}
			var f *ROOKFinding
			a, err := c.Authorizer(ctx, "u", rook.Dexcom, "")
			if err != nil {
				f = ExplainROOKError(err, ROOKEnvironment(s.Progress.Env))
			} else if f, err = s.ROOKAuthorizationCheck(ctx, a.AuthorizationURL); err != nil {
				t.Fatal(err)
			}
			if tt.cause == "" {
				if f != nil {
					t.Fatalf("found %v", f)
				}
				return
			}
			if f == nil || !strings.Contains(f.Cause, tt.cause) || !strings.Contains(f.Fix, tt.fix) {
				t.Fatalf("finding %+v, want cause %q fix %q", f, tt.cause, tt.fix)
			}
			if strings.Contains(f.Error(), key) && tt.secretKey != "" {
				t.Fatal("the finding shows the secret key")
			}
		})
	}
}

func TestROOKAuthorizationCheckNeedsSteps3And4(t *testing.T) {
	t.Parallel()
	s := &Session{Profile: &onboarding.Profile{Name: "Acme"}, Progress: onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox)}
	if _, err := s.ROOKAuthorizationCheck(context.Background(), "https://x"); !errors.Is(err, ErrNoClientID) {
		t.Fatal(err)
	}
	s.App().ClientID = "abc-12345"
	if _, err := s.ROOKAuthorizationCheck(context.Background(), "https://x"); !errors.Is(err, ErrNoROOKRedirect) {
		t.Fatal(err)
	}
	// The production track checks against production Dexcom, without a network call for a wrong host.
	p := &Session{Profile: &onboarding.Profile{Name: "Acme"}, Progress: onboarding.NewProgress(onboarding.ProductionTrack, dexcom.EU), HTTP: &http.Client{Timeout: time.Second}}
	p.App().ClientID, p.App().ROOKRedirectURL = "abc-12345", "https://rook.example/cb"
	f, err := p.ROOKAuthorizationCheck(context.Background(), "https://sandbox-api.dexcom.com/v2/oauth2/login?client_id=abc-12345")
	if err != nil || f == nil || !strings.Contains(f.Cause, "https://api.dexcom.eu") {
		t.Fatalf("%v %v", f, err)
	}
	if ROOKEnvironment(dexcom.JP) != rook.Production || ROOKEnvironment(dexcom.Sandbox) != rook.Sandbox {
		t.Fatal("ROOK environment of a Dexcom environment")
	}
}
