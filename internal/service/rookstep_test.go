package service

import (
	"context"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/onboarding"
)

// Step 4's Redirect URL field takes the simulator's loopback http URL
// only when the session's ROOK is the demo's simulator.
func TestROOKRedirectFieldLoopbackOnlyForTheSimulator(t *testing.T) {
	sim := "http://127.0.0.1:8781/api/v1/oauth/dexcom/callback"
	s := newSession(t)
	if _, err := s.Answer(onboarding.ShareWithROOK, rookRedirectRow, sim); err == nil {
		t.Fatal("a real ROOK environment took a loopback http Redirect URL")
	}
	s.Demo = &Demo{ROOK: &DemoROOK{}}
	if _, err := s.Answer(onboarding.ShareWithROOK, rookRedirectRow, sim); err != nil || s.App().ROOKRedirectURL != sim {
		t.Fatalf("the demo's simulator URL was refused: %v", err)
	}
}

// Ticking step 5's "registered" in the demo registers ROOK's Redirect URL
// at the Dexcom simulator, with the app's Client ID and loopback.
func TestStep5TickRegistersROOKRedirectInTheDemo(t *testing.T) {
	s := newSession(t)
	var got []string
	s.Demo = &Demo{ROOK: &DemoROOK{RegisterRedirect: func(id, loop, u string) { got = append(got, id, loop, u) }}}
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
	s := newSession(t)
	for _, bad := range []string{"a b", "x/y", "q?"} {
		if _, err := s.Answer(onboarding.AuthenticateTestUser, rookUserIDRow, bad); err == nil {
			t.Errorf("user id %q accepted", bad)
		}
	}
	if v, err := s.Answer(onboarding.AuthenticateTestUser, rookUserIDRow, ""); err != nil || v != DefaultROOKUserID {
		t.Fatalf("empty user id: %q %v", v, err)
	}
	if _, err := s.Answer(onboarding.AuthenticateTestUser, rookClientUUIDRow, "4e1c2a9b-7d35"); err == nil {
		t.Fatal("a short UUID was accepted")
	}
	if _, err := s.Answer(onboarding.AuthenticateTestUser, rookClientUUIDRow, "4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13"); err != nil {
		t.Fatal(err)
	}
}

// TestAwaitDeliveryTakesOnlyThisConnections: a delivery that came late
// from an earlier connection (or for another user) is not this one's
// proof that data flows.
func TestAwaitDeliveryTakesOnlyThisConnections(t *testing.T) {
	s := newSession(t)
	ch := make(chan Delivery, 4)
	s.Demo = &Demo{ROOK: &DemoROOK{Deliveries: ch}}
	since := time.Now()
	ch <- Delivery{UserID: "u1", Date: "earlier", At: since.Add(-time.Second)}
	ch <- Delivery{UserID: "u2", Date: "other user", At: since.Add(time.Second)}
	ch <- Delivery{UserID: "u1", Date: "this one", At: since}
	got, ok := s.AwaitDelivery(context.Background(), "u1", since, time.Second)
	if !ok || got.Date != "this one" {
		t.Fatalf("got %+v, %v; want this connection's delivery", got, ok)
	}
	ch <- Delivery{UserID: "u1", Date: "earlier", At: since.Add(-time.Minute)}
	if got, ok := s.AwaitDelivery(context.Background(), "u1", since, 50*time.Millisecond); ok {
		t.Fatalf("an earlier connection's delivery was taken: %+v", got)
	}
}
