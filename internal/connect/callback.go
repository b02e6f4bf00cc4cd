// Package connect logs a Dexcom test user in through a loopback callback
// server (the OAuth 2.0 authorization-code flow of RFC 8252) and verifies
// the connection by calling the API.
package connect

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/safetext"
)

// Errors that end a login attempt, each with its own message;
// ErrStateMismatch only answers a request that is ignored.
var (
	ErrStateMismatch = errors.New("this request does not carry the state of the login under way (an old tab or a forged callback), so it was ignored; finish the login from the link dexonboard shows now")
	ErrMissingCode   = errors.New("the answer carried no authorization code; start the login again")
	ErrDenied        = errors.New("the test user denied access on Dexcom's page; start again and press Authorize")
	ErrTimeout       = errors.New("no answer from the login page in time; start the login again")
	ErrNotLoopback   = errors.New("the redirect URI is not a loopback http URL")
	ErrPortInUse     = errors.New("the redirect URI's port is in use")
)

// AuthError is an error=… answer other than access_denied.
type AuthError struct {
	Code, Description string
}

func (e *AuthError) Error() string {
	msg := "Dexcom answered the login with error " + e.Code
	if e.Description != "" {
		msg += " (" + e.Description + ")"
	}
	return msg + "; check the app's client ID and redirect URI, then start again"
}

// Redirect is a parsed loopback redirect URI.
type Redirect struct {
	URI  string
	Host string // localhost, 127.0.0.1 or ::1
	Port int
	Path string
}

// ParseRedirect accepts http://localhost:PORT/PATH, http://127.0.0.1:PORT/PATH
// and http://[::1]:PORT/PATH, the forms Dexcom matches exactly.
func ParseRedirect(raw string) (Redirect, error) {
	if err := onboarding.ValidateRedirectURI(raw); err != nil { // the one rule for the field
		return Redirect{}, fmt.Errorf("%w: %w", ErrNotLoopback, err)
	}
	u, _ := url.Parse(raw)
	host := u.Hostname()
	port, _ := strconv.Atoi(u.Port())
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return Redirect{URI: raw, Host: host, Port: port, Path: path}, nil
}

// Result is what the browser brought back.
type Result struct {
	Code string
	Err  error
}

// CallbackServer listens on exactly the registered redirect URI, for one login.
type CallbackServer struct {
	redirect  Redirect
	listeners []net.Listener
	srv       *http.Server
	state     string

	once    sync.Once
	result  chan Result
	closeMu sync.Once
}

// listenConfig makes the port exclusive (RFC 8252 B.5: no other socket may
// share it and catch the code); how is up to each system (listen_*.go).
var listenConfig = net.ListenConfig{Control: exclusivePort}

// Listen binds the redirect URI's port on loopback only: for localhost both
// 127.0.0.1 and ::1, so no other program can hold one of them and receive
// the code. Port 0 picks a free port (the demo registers it afterwards).
func Listen(raw, state string) (*CallbackServer, error) {
	r, err := ParseRedirect(raw)
	if err != nil {
		return nil, err
	}
	hosts := []string{r.Host}
	if r.Host == "localhost" {
		hosts = []string{"127.0.0.1", "::1"}
	}
	s := &CallbackServer{redirect: r, state: state, result: make(chan Result, 1)}
	port := r.Port
	for i, h := range hosts {
		ln, err := bind(h, port)
		if err != nil {
			if h == "::1" && i > 0 && isNoIPv6(err) {
				continue // no IPv6 on this machine: nobody can bind ::1 either
			}
			s.closeListeners()
			return nil, portError(r, h, err)
		}
		if port == 0 {
			port = ln.Addr().(*net.TCPAddr).Port
		}
		s.listeners = append(s.listeners, lingerListener{ln})
	}
	if r.Port == 0 {
		u, _ := url.Parse(raw)
		u.Host = net.JoinHostPort(r.Host, strconv.Itoa(port))
		s.redirect.URI, s.redirect.Port = u.String(), port
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range s.listeners {
		go func() { _ = s.srv.Serve(ln) }()
	}
	return s, nil
}

// bind listens on host:port, taking the socket FreeRedirectURI holds
// there when it holds one.
func bind(host string, port int) (net.Listener, error) {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	if port != 0 {
		if ln := takeHeld(addr); ln != nil {
			return ln, nil
		}
	}
	return listenConfig.Listen(context.Background(), "tcp", addr)
}

func portError(r Redirect, host string, err error) error {
	if isAddrInUse(err) {
		return fmt.Errorf("%w: port %d on %s is taken by another program. Close it, or register another redirect URI "+
			"(for example http://localhost:%d%s) in the Dexcom app", ErrPortInUse, r.Port, host, nextPort(r.Port), r.Path)
	}
	return fmt.Errorf("listen on %s port %d: %w", host, r.Port, err)
}

func nextPort(p int) int {
	if p >= 65535 || p == 0 {
		return 8766
	}
	return p + 1
}

// RedirectURI is the URI the server answers on (with the real port when 0 was asked).
func (s *CallbackServer) RedirectURI() string { return s.redirect.URI }

// Addrs are the bound addresses.
func (s *CallbackServer) Addrs() []string {
	var out []string
	for _, ln := range s.listeners {
		out = append(out, ln.Addr().String())
	}
	return out
}

// Wait returns the code of the first valid callback, or why there is none.
// The server is shut down when Wait returns, whatever the outcome.
func (s *CallbackServer) Wait(ctx context.Context, timeout time.Duration) (string, error) {
	defer s.Close()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-s.result:
		return r.Code, r.Err
	case <-t.C:
		return "", fmt.Errorf("%w (waited %s)", ErrTimeout, timeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Close stops listening and ends every connection, waiting (at most a
// second) for a request being answered. Safe to call more than once.
func (s *CallbackServer) Close() {
	s.closeMu.Do(func() {
		s.closeListeners()
		if s.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_ = s.srv.Shutdown(ctx)
		}
	})
}

// lingerListener resets connections on close instead of leaving them in
// TIME_WAIT: without SO_REUSEADDR, a TIME_WAIT connection would keep the
// registered port unusable for a minute and a retried login would fail. The
// result page was written and flushed before; the browser reads it before
// it sees the reset.
type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	return c, err
}

func (s *CallbackServer) closeListeners() {
	for _, ln := range s.listeners {
		ln.Close()
	}
}

// ServeHTTP answers only GET on the exact path with a loopback Host; anything
// else is refused without touching the attempt. It checks state first: a
// request without this login's state is answered 400 and ignored, whatever
// else it carries, so no local program or web page can end the login with a
// forged callback. Then error, then code; it writes the page, then settles.
func (s *CallbackServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path != s.redirect.Path:
		http.NotFound(w, r) // e.g. /favicon.ico
		return
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	case !loopbackHost(r.Host):
		http.Error(w, "this server answers only on a loopback address", http.StatusBadRequest)
		return
	}
	res, ours := judgeCallback(r.URL.RawQuery, s.state)
	if !ours {
		writePage(w, res)
		return
	}
	settled := false
	s.once.Do(func() {
		settled = true
		writePage(w, res)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		s.result <- res
	})
	if !settled {
		writePage(w, Result{Err: errAlreadyDone})
	}
}

var errAlreadyDone = errors.New("this login already finished; you can close this tab")

// maxParamLen bounds the error text a callback can put on screen.
const maxParamLen = 200

// judgeCallback reads a callback's raw query against the login's state.
// ours is false when the state is missing, repeated or different: such a
// request must be ignored (res then says why, for the page). Otherwise res
// is the login's outcome: error first, then code. Text taken from the query
// is cleaned of control characters and escapes and cut short.
func judgeCallback(rawQuery, state string) (res Result, ours bool) {
	q, _ := url.ParseQuery(rawQuery) // a malformed pair is dropped; the rest still counts
	got := q["state"]
	if state == "" || len(got) != 1 || subtle.ConstantTimeCompare([]byte(got[0]), []byte(state)) != 1 {
		return Result{Err: ErrStateMismatch}, false
	}
	if e := q.Get("error"); e != "" {
		if e == "access_denied" {
			return Result{Err: ErrDenied}, true
		}
		return Result{Err: &AuthError{Code: param(e), Description: param(q.Get("error_description"))}}, true
	}
	if q.Get("code") == "" {
		return Result{Err: ErrMissingCode}, true
	}
	return Result{Code: q.Get("code")}, true
}

// param makes a query value safe to print: one line, no escapes, short.
func param(s string) string { return safetext.Cut(safetext.Line(s), maxParamLen) }

// loopbackHost refuses other Host headers (DNS rebinding).
func loopbackHost(hostport string) bool {
	h, _, err := net.SplitHostPort(hostport)
	if err != nil {
		h = hostport
	}
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// FreeRedirectURI finds a free loopback port, binds it and holds it for
// this process, and returns http://127.0.0.1:PORT/callback, for the demo
// and tests, which register it with the simulator before the login starts.
// Listen on that URI takes the held socket, so nothing can take the port
// in between: not another program binding it, nor a connection left in
// TIME_WAIT that a probe would let through but the callback server's
// exclusive bind would not. Release lets go of a port no login will use.
//
// Ports are picked below the ephemeral ranges (Linux 32768+, macOS and
// Windows 49152+), where outgoing connections and ":0" listeners do not
// land.
func FreeRedirectURI() (string, error) {
	for range 64 {
		port := loopbackPortMin + rand.IntN(loopbackPortMax-loopbackPortMin+1)
		if ln, err := listenConfig.Listen(context.Background(), "tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			return hold(ln), nil
		}
	}
	ln, err := listenConfig.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	return hold(ln), nil
}

// The range FreeRedirectURI picks from: registered-port space, below every
// common ephemeral range. Variables only for the tests that narrow it.
var loopbackPortMin, loopbackPortMax = 20000, 32767

func redirectOn(port int) string {
	return "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
}

// held are the sockets FreeRedirectURI holds, by address, until a Listen
// takes one or Release closes it.
var held = struct {
	sync.Mutex
	by map[string]net.Listener
}{by: map[string]net.Listener{}}

func hold(ln net.Listener) string {
	held.Lock()
	held.by[ln.Addr().String()] = ln
	held.Unlock()
	return redirectOn(ln.Addr().(*net.TCPAddr).Port)
}

// takeHeld returns the socket held for addr (host:port) and forgets it;
// nil when none is.
func takeHeld(addr string) net.Listener {
	held.Lock()
	defer held.Unlock()
	ln := held.by[addr]
	delete(held.by, addr)
	return ln
}

// Release closes the socket FreeRedirectURI holds for uri, when no login
// took it; for a demo or test that ends without using the port. A URI
// that holds nothing is ignored.
func Release(uri string) {
	u, err := url.Parse(uri)
	if err != nil {
		return
	}
	if ln := takeHeld(net.JoinHostPort(u.Hostname(), u.Port())); ln != nil {
		ln.Close()
	}
}
