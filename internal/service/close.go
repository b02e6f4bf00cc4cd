package service

import (
	"context"
	"errors"
	"sync"
)

// ops are the use cases running on a session (a check, a recheck, a run
// through ROOK), so that Close can stop them and wait for what they
// received to be saved.
type ops struct {
	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	running sync.WaitGroup
	closed  bool
}

// ErrClosed means the session was closed: nothing more runs on it.
var ErrClosed = errors.New("the session is closed")

// begin registers a use case: its ctx ends with ctx or when the session
// closes, and end must be called when it returns.
func (s *Session) begin(ctx context.Context) (context.Context, func(), error) {
	o := &s.ops
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, nil, ErrClosed
	}
	if o.ctx == nil {
		o.ctx, o.cancel = context.WithCancel(context.Background())
	}
	o.running.Add(1)
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(o.ctx, cancel)
	return ctx, func() { stop(); cancel(); o.running.Done() }, nil
}

// Close stops the use cases still running (a login waiting for a browser
// gives up), waits for them to return (every token they received is queued
// by then: a token request under way is let finish), runs every queued
// save and closes the vault. Quitting never loses a change or a token.
func (s *Session) Close() error {
	o := &s.ops
	o.mu.Lock()
	o.closed = true
	if o.cancel != nil {
		o.cancel()
	}
	o.mu.Unlock()
	o.running.Wait()
	s.saves.drain()
	if s.Vault == nil {
		return nil
	}
	return s.Vault.Close()
}
