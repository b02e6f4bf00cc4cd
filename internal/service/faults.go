package service

// Fault is one onboarding misconfiguration a front end can switch on and
// off while it runs, against simulators, to show how dexonboard names it.
type Fault struct {
	Name string // what is wrong, in the client's words
	Key  string // a short name for a flag: "wrong-client-id"
	// Where says where to look once it is on (the step or command that
	// names it).
	Where string
	On    func() bool
	// Set switches it on or off; an error says why it could not.
	Set func(on bool) error
}
