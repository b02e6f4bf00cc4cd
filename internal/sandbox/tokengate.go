package sandbox

import (
	"net/http"
	"strings"
	"sync"
)

// TokenGate is an HTTP transport for tests that must act at the moment a
// login's token is on its way: it passes every request on, and holds the
// token endpoint's first answer until Release (Arrived is closed when that
// answer has come).
type TokenGate struct {
	base     http.RoundTripper
	once     sync.Once
	arrived  chan struct{}
	released chan struct{}
	release  sync.Once
}

// NewTokenGate wraps base (nil: http.DefaultTransport).
func NewTokenGate(base http.RoundTripper) *TokenGate {
	if base == nil {
		base = http.DefaultTransport
	}
	return &TokenGate{base: base, arrived: make(chan struct{}), released: make(chan struct{})}
}

// Arrived is closed once the token endpoint has answered.
func (g *TokenGate) Arrived() <-chan struct{} { return g.arrived }

// Release hands the held answer on (and lets later ones through).
func (g *TokenGate) Release() { g.release.Do(func() { close(g.released) }) }

// RoundTrip implements http.RoundTripper.
func (g *TokenGate) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.base.RoundTrip(req)
	if err == nil && strings.HasSuffix(req.URL.Path, "/oauth2/token") {
		g.once.Do(func() { close(g.arrived) })
		<-g.released
	}
	return resp, err
}
