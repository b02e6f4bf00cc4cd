package service

import (
	"context"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"golang.org/x/oauth2"
)

// connected is newSession with the credentials stored and a login saved by
// step 6's check; the profile holds no check result yet.
func connected(t *testing.T) *Session {
	t.Helper()
	s := newSession(t)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	c, err := s.CheckOf(s.Browse)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := c.Run(context.Background()); err != nil || !res.OK() {
		t.Fatalf("check: %v %+v", err, res)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRecheckAfterAQueuedProfileSave: the wizard queued a save of the
// profile (its command not run yet) and the client list, holding the
// profile as it read it before, rechecks it. Whenever the queued save then
// runs, the vault ends with the newer write, the recheck's result, built on
// the wizard's change rather than over it.
func TestRecheckAfterAQueuedProfileSave(t *testing.T) {
	s := connected(t)
	listed, err := s.Vault.Profile("Acme Health") // what the client list shows
	if err != nil {
		t.Fatal(err)
	}
	s.App().Name = "Acme sandbox"
	queued := s.ProfileSaver()
	lc, err := s.Recheck(context.Background(), listed)
	if err != nil || !lc.OK {
		t.Fatalf("recheck: %v %+v", err, lc)
	}
	if err := queued(); err != nil { // Bubble Tea runs the command late
		t.Fatal(err)
	}
	s.DrainSaves()
	p, err := s.Vault.Profile("Acme Health")
	if err != nil {
		t.Fatal(err)
	}
	if p.LastCheck == nil || p.LastCheck.Summary != lc.Summary {
		t.Fatalf("the recheck's result was overwritten by the older queued save: %+v", p.LastCheck)
	}
	if got := p.App(dexcom.Sandbox).Name; got != "Acme sandbox" {
		t.Fatalf("the wizard's change was lost: app name %q", got)
	}
}

// TestRefusedLoginForgottenThenNewOneSaved: a session's check that finds
// the saved login refused forgets it and logs in again; through the queue,
// the forget stays before the new token, which is what the vault keeps.
func TestRefusedLoginForgottenThenNewOneSaved(t *testing.T) {
	s := newSession(t)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	stale := &oauth2.Token{AccessToken: "old", RefreshToken: "refused-refresh-token", Expiry: time.Now().Add(-time.Hour)}
	if err := s.Vault.SaveToken(s.Profile.ID, dexcom.Sandbox, stale); err != nil {
		t.Fatal(err)
	}
	c, err := s.CheckOf(s.Browse)
	if err != nil {
		t.Fatal(err)
	}
	c.ReuseLogin = true
	res, err := c.Run(context.Background())
	if err != nil || !res.OK() || res.Outcome.Reused {
		t.Fatalf("check: %v %+v", err, res.Report)
	}
	s.DrainSaves()
	tok, err := s.Vault.Token(s.Profile.ID, dexcom.Sandbox)
	if err != nil || tok == nil || tok.RefreshToken == stale.RefreshToken {
		t.Fatalf("the new login is not what the vault keeps: %v %+v", err, tok)
	}
}
