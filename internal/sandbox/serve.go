package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Running is a simulator listening on a loopback port.
type Running struct {
	*Server
	URL string
	srv *http.Server
	ln  net.Listener
}

// Start serves s on addr (e.g. "127.0.0.1:0" for a free port).
func Start(s *Server, addr string) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen on %s: %w (pick another --addr port)", addr, err)
	}
	r := &Running{Server: s, URL: "http://" + ln.Addr().String(), ln: ln,
		srv: &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		if err := r.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener was closed under us; Close reports nothing more useful
		}
	}()
	return r, nil
}

// Close stops the server, waiting briefly for calls under way.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return r.srv.Shutdown(ctx)
}
