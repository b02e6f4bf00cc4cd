package service

import (
	"testing"

	"github.com/tryrook/dexonboard/internal/onboarding"
)

// Step 4's Redirect URL field takes the simulator's loopback http URL
// only when the session's ROOK API is on this machine (a simulator).
func TestROOKRedirectFieldLoopbackOnlyForTheSimulator(t *testing.T) {
	t.Parallel()
	sim := "http://127.0.0.1:8781/api/v1/oauth/dexcom/callback"
	s := newSession(t)
	if _, err := s.Answer(onboarding.ShareWithROOK, field(onboarding.ShareWithROOK, onboarding.FieldROOKRedirect), sim); err == nil {
		t.Fatal("a real ROOK environment took a loopback http Redirect URL")
	}
	s.ROOKAPIBase = "http://127.0.0.1:8781"
	if _, err := s.Answer(onboarding.ShareWithROOK, field(onboarding.ShareWithROOK, onboarding.FieldROOKRedirect), sim); err != nil || s.App().ROOKRedirectURL != sim {
		t.Fatalf("the demo's simulator URL was refused: %v", err)
	}
}

// Ticking step 5's "registered" calls the RegisterRedirect hook (the
// demo's Dexcom simulator) with the app's Client ID, loopback and ROOK URL.
func TestStep5TickCallsRegisterRedirect(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	var got []string
	s.RegisterRedirect = func(id, loop, u string) { got = append(got, id, loop, u) }
	s.App().ClientID, s.App().ROOKRedirectURL = "dexonboard-demo-app", "http://127.0.0.1:9/cb"
	s.Toggle(onboarding.ConfigureRedirect, "registered")
	if len(got) != 3 || got[0] != "dexonboard-demo-app" || got[1] != s.Loopback() || got[2] != "http://127.0.0.1:9/cb" {
		t.Fatalf("registered %q", got)
	}
	s.Toggle(onboarding.ConfigureRedirect, "registered") // unticking registers nothing
	if len(got) != 3 {
		t.Fatalf("registered on untick: %q", got)
	}
}

func TestROOKUserIDAndUUIDFields(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	for _, bad := range []string{"a b", "x/y", "q?"} {
		if _, err := s.Answer(onboarding.AuthenticateTestUser, field(onboarding.AuthenticateTestUser, onboarding.FieldROOKUserID), bad); err == nil {
			t.Errorf("user id %q accepted", bad)
		}
	}
	if v, err := s.Answer(onboarding.AuthenticateTestUser, field(onboarding.AuthenticateTestUser, onboarding.FieldROOKUserID), ""); err != nil || v != onboarding.DefaultROOKUserID {
		t.Fatalf("empty user id: %q %v", v, err)
	}
	if _, err := s.Answer(onboarding.AuthenticateTestUser, field(onboarding.AuthenticateTestUser, onboarding.FieldROOKClientUUID), "4e1c2a9b-7d35"); err == nil {
		t.Fatal("a short UUID was accepted")
	}
	if _, err := s.Answer(onboarding.AuthenticateTestUser, field(onboarding.AuthenticateTestUser, onboarding.FieldROOKClientUUID), "4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13"); err != nil {
		t.Fatal(err)
	}
}
