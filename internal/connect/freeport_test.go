package connect

import (
	"errors"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// narrowRange makes FreeRedirectURI pick from ports lo..hi for one test.
// It changes the package's range, so its test must be serial (t.Setenv
// panics in a parallel test: the guard).
func narrowRange(t *testing.T, lo, hi int) {
	t.Helper()
	t.Setenv("DEXONBOARD_TEST_PORT_RANGE", "narrowed")
	oldLo, oldHi := loopbackPortMin, loopbackPortMax
	loopbackPortMin, loopbackPortMax = lo, hi
	t.Cleanup(func() { loopbackPortMin, loopbackPortMax = oldLo, oldHi })
}

// timeWait leaves a connection in TIME_WAIT on a loopback port, as a
// server that closed first (any program with Go's default SO_REUSEADDR)
// does, and returns the port. The callback server, which clears
// SO_REUSEADDR, cannot bind it for a minute; a probe with it set can.
func timeWait(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sc := <-accepted
	if sc == nil {
		t.Fatal("nothing accepted")
	}
	sc.Close() // the server closes first: its side waits
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("no end of stream")
	}
	return ln.Addr().(*net.TCPAddr).Port
}

// A port with a connection in TIME_WAIT is free to a probe with
// SO_REUSEADDR but not to the callback server: FreeRedirectURI must not
// hand it out.
func TestFreeRedirectURISkipsAPortInTimeWait(t *testing.T) {
	p := timeWait(t)
	narrowRange(t, p, p)
	uri, err := FreeRedirectURI()
	if err != nil {
		t.Fatal(err)
	}
	defer Release(uri)
	s, err := Listen(uri, "state")
	if err != nil {
		t.Fatalf("FreeRedirectURI gave %s (TIME_WAIT on %d), and the login cannot listen there: %v", uri, p, err)
	}
	s.Close()
}

// Another program binding ports of the same range, as a second test
// process or a second dexonboard does, cannot take the port between
// FreeRedirectURI and the login's Listen: the port is held all along.
func TestFreeRedirectURIHoldsThePortUntilListen(t *testing.T) {
	base := timeWait(t) // a port near the ephemeral ones, free a moment ago
	const width = 8
	narrowRange(t, base, base+width-1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the other program: bind, hold a moment, let go
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+rand.IntN(width)))
			if err == nil {
				time.Sleep(time.Millisecond)
				ln.Close()
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	failed := 0
	for range 200 {
		uri, err := FreeRedirectURI()
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Microsecond) // the demo starts its simulators in between
		s, err := Listen(uri, "state")
		if errors.Is(err, ErrPortInUse) {
			failed++
			Release(uri)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	if failed > 0 {
		t.Fatalf("%d of 200 logins found their port taken between FreeRedirectURI and Listen", failed)
	}
}
