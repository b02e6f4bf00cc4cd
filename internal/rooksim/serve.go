package rooksim

import (
	"context"
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
}

// Start serves s on addr (e.g. "127.0.0.1:0" for a free port) and sets its
// base URL.
func Start(s *Server, addr string) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ROOK simulator: listen on %s: %w (pick another address)", addr, err)
	}
	r := &Running{Server: s, URL: "http://" + ln.Addr().String(),
		srv: &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}}
	s.SetBaseURL(r.URL)
	go func() { _ = r.srv.Serve(ln) }() // ends with ErrServerClosed on Close
	return r, nil
}

// Close stops serving and the pushes under way, waiting briefly for both.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	r.stop()
	r.bg.Wait()
	return err
}
