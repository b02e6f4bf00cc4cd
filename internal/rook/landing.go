package rook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// ErrLandingTimeout means the browser did not come back to the landing page.
var ErrLandingTimeout = errors.New("the browser did not come back from ROOK in time")

// Landing is the local page ROOK's redirect_url points at: ROOK sends the
// browser there once the connection is made, or failed (with error and
// error_description added [I]). It only tells that the browser came back;
// whether Dexcom is connected is asked of ROOK afterwards.
type Landing struct {
	url    string
	path   string
	ln     net.Listener
	srv    *http.Server
	once   sync.Once
	closed sync.Once
	result chan Landed
}

// Landed is what the browser brought back.
type Landed struct {
	Error       string // ROOK's error code, cleaned; "" when none
	Description string
}

// ListenLanding listens on raw, a loopback http URL; "" means 127.0.0.1 on
// a free port, at a path nobody can guess.
func ListenLanding(raw string) (*Landing, error) {
	if raw == "" {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		raw = "http://127.0.0.1:0/rook/connected/" + base64.RawURLEncoding.EncodeToString(b)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Port() == "" || u.RawQuery != "" || u.Fragment != "" || !loopback(u.Hostname()) {
		return nil, fmt.Errorf("the local page for ROOK's redirect_url must be a loopback http URL with a port, such as http://127.0.0.1:8766/rook (got %q)", clip(safetext.Line(raw)))
	}
	host := u.Hostname()
	if host == "localhost" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, u.Port()))
	if err != nil {
		return nil, fmt.Errorf("listen for ROOK's redirect_url on %s: %w (pick another port)", u.Host, err)
	}
	if u.Port() == "0" {
		u.Host = ln.Addr().String()
	}
	l := &Landing{url: u.String(), path: u.EscapedPath(), ln: ln, result: make(chan Landed, 1)}
	if l.path == "" {
		l.path = "/"
	}
	l.srv = &http.Server{Handler: l, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

func loopback(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }

// URL is the redirect_url to give ROOK's authorizer.
func (l *Landing) URL() string { return l.url }

// ServeHTTP answers GET on the landing path from a loopback Host; the first
// arrival settles the wait.
func (l *Landing) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	switch {
	case r.URL.EscapedPath() != l.path:
		http.NotFound(w, r)
		return
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	case !loopback(host):
		http.Error(w, "this page answers only on a loopback address", http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	got := Landed{Error: clip(safetext.Line(q.Get("error"))), Description: clip(safetext.Line(q.Get("error_description")))}
	title, msg := "Back from ROOK", "ROOK sent the browser back. You can close this tab; dexonboard asks ROOK whether Dexcom is connected."
	if got.Error != "" {
		title, msg = "ROOK could not connect Dexcom", got.Error+": "+got.Description
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_ = landingPage().Execute(w, struct{ Title, Message string }{title, msg})
	l.once.Do(func() { l.result <- got })
}

// landingPage is parsed on first use, not in every process's init.
var landingPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("landing").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dexonboard · {{.Title}}</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:520px;margin:48px auto">
<h1 id="done">{{.Title}}</h1><p id="message">{{.Message}}</p></body></html>
`))
})

// Wait returns what the first arrival brought back, or why none came.
func (l *Landing) Wait(ctx context.Context, timeout time.Duration) (Landed, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case got := <-l.result:
		return got, nil
	case <-t.C:
		return Landed{}, fmt.Errorf("%w (waited %s)", ErrLandingTimeout, timeout)
	case <-ctx.Done():
		return Landed{}, ctx.Err()
	}
}

// Close stops listening. Safe to call more than once.
func (l *Landing) Close() {
	l.closed.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = l.srv.Shutdown(ctx)
	})
}
