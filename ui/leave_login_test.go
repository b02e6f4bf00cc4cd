package ui

import (
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// TestLeavingStepsEndsAWaitingLogin: a login waiting for the browser in
// step 6 holds the loopback redirect port. Opening another profile replaces
// the step pages; the login must end with them and let go of the port, or
// the next login on it says the port is in use until the first times out.
func TestLeavingStepsEndsAWaitingLogin(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	w := newWorld(t)
	s := w.demoSession(t)
	s.LoginTimeout = 10 * time.Minute // the login would hold the port this long
	s.App().ClientID, s.App().ClientSecret = sandbox.DemoClientID, secretOf(sandbox.DemoClientSecret)
	if _, err := s.Vault.CreateProfile("Other Clinic"); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(w.loopback)
	if err != nil {
		t.Fatal(err)
	}
	portFree := func() bool {
		l, err := net.Listen("tcp", u.Host)
		if err != nil {
			return false
		}
		l.Close()
		return true
	}
	wiz := NewWizard(s)
	wiz.goTo(int(onboarding.AuthenticateTestUser))
	n := pageNumbersOf(wiz)
	p := startProgram(t, wiz, 120, 40)
	p.send(keys("b")...) // log in with the browser: it waits for the callback
	p.waitFor(t, "oauth2/login")
	if portFree() {
		t.Fatal("the waiting login does not hold its redirect port: nothing to test")
	}
	for range n.count - n.first {
		p.send(keys("right")...)
	}
	p.waitFor(t, "Report", "client list")
	p.send(keys("l")...)
	p.waitFor(t, "Client profiles", "Other Clinic")
	p.send(keys("down", "enter")...)
	p.waitFor(t, "Which Dexcom app")
	p.send(keys("enter")...)
	p.waitFor(t, "Other Clinic")
	deadline := time.Now().Add(10 * time.Second) // a bound on the wait, not a measure
	for !portFree() {
		if time.Now().After(deadline) {
			t.Fatalf("%s is still held by the login of the pages left behind", u.Host)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.quit(t)
}
