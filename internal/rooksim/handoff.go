package rooksim

import (
	"errors"
	"fmt"

	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Handover is what the simulated ROOK engineer answers after opening a
// hand-off (Step 4): its Redirect URL and the verification code both sides
// read out.
type Handover struct {
	ClientID    string // the Dexcom Client ID now held (not a secret)
	RedirectURL string
	Code        string
	Reply       string // the message the engineer sends back
}

// ErrUnknownClient means the hand-off names a ROOK client the simulator
// does not have.
var ErrUnknownClient = errors.New("no such ROOK client in the simulator")

// TakeHandoff plays ROOK's engineer in Step 4: it opens sealed with
// identity (ROOK's key), checks it as `handoff open` does, and from then
// on holds its Dexcom Client ID and Secret for the ROOK client uuid.
func (s *Server) TakeHandoff(uuid string, sealed []byte, identity secret.String) (*Handover, error) {
	s.mu.Lock()
	c, ok := s.clients[uuid]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownClient, uuid)
	}
	p, code, err := handoff.Open(sealed, identity, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	c.DexcomClientID, c.DexcomClientSecret = p.ClientID, p.ClientSecret.Reveal()
	s.AddClient(c)
	redirect := s.RedirectURL()
	return &Handover{ClientID: p.ClientID, RedirectURL: redirect, Code: code,
		Reply: handoff.Reply(p.Profile, p.Environment, redirect)}, nil
}
