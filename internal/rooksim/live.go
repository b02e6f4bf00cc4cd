package rooksim

// Switches changed while the simulator runs (the demo's list of
// misconfigurations). They live beside Config, guarded by Server.mu, so
// a switch flipped between two requests is seen by the next one and by
// nothing half-way.

// live is what the running simulator plays now; Config holds the start.
type live struct {
	faults Faults
	// callbackPath, when set, is ROOK's Redirect URL path instead of
	// CallbackPath: ROOK's Redirect URL is no longer the one handed over.
	callbackPath string
}

// AltCallbackPath is the other Redirect URL path the simulator serves, for
// SetRedirectMoved.
const AltCallbackPath = "/api/v2/oauth/dexcom/callback"

// Faults are the faults played now.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live.faults
}

// SetFaults changes the faults while the simulator runs: change gets the
// current ones to edit. The counted faults (NoDataPolls, the once-faults)
// count from the simulator's start.
func (s *Server) SetFaults(change func(*Faults)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(&s.live.faults)
}

// NoDataFromNow makes every glucose pull answer 204 from now on (on) or
// lifts that (off), whatever NoDataPolls was.
func (s *Server) NoDataFromNow(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live.faults.NoDataPolls = 0
	if on {
		s.live.faults.NoDataPolls = s.pulls + 1<<30
	}
}

// SetDexcomLogin sends users to base's login page instead of the
// configured Dexcom's ("" restores it): ROOK's client set up with the
// other environment's Dexcom.
func (s *Server) SetDexcomLogin(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live.faults.DexcomHost = base
}

// SetRedirectMoved makes ROOK's Redirect URL end in AltCallbackPath (on)
// instead of CallbackPath: the authorization URLs then carry a Redirect
// URL other than the one handed over in Step 4. Both paths are served.
func (s *Server) SetRedirectMoved(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live.callbackPath = ""
	if on {
		s.live.callbackPath = AltCallbackPath
	}
}

// SetSecretKey changes client uuid's secret key at ROOK (a key rotated in
// ROOK's portal): calls with the old one are refused.
func (s *Server) SetSecretKey(uuid, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[uuid]
	if !ok {
		return ErrUnknownClient
	}
	c.SecretKey = key
	s.clients[uuid] = c
	return nil
}

// callbackPathLocked is ROOK's Redirect URL path now; s.mu is held.
func (s *Server) callbackPathLocked() string {
	if s.live.callbackPath != "" {
		return s.live.callbackPath
	}
	return CallbackPath
}

// loginBaseLocked is the Dexcom the authorizer sends users to; s.mu is held.
func (s *Server) loginBaseLocked() string {
	if s.live.faults.DexcomHost != "" {
		return s.live.faults.DexcomHost
	}
	return s.cfg.DexcomBaseURL
}

// DisconnectAll drops every user's Dexcom connection, as a revoke does:
// the next authorizer call asks for a login again.
func (s *Server) DisconnectAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		u.connected, u.dexcom = false, nil
	}
}
