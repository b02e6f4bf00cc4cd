// Package onboarding models the seven steps of the Dexcom "bring your own
// credentials" integration and a client's progress through them, per track.
package onboarding

import (
	"fmt"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// Track is one of the two Dexcom applications a client creates: a sandbox
// app and a production app. Steps 1-6 are done for each.
type Track string

// The two tracks.
const (
	SandboxTrack    Track = "sandbox"
	ProductionTrack Track = "production"
)

// Label is the track's badge text.
func (t Track) Label() string {
	if t == ProductionTrack {
		return "PRODUCTION"
	}
	return "SANDBOX"
}

// Step is one page of the onboarding: 0 is the prerequisites, 1-7 Dexcom's steps.
type Step int

// The steps.
const (
	Prerequisites Step = iota
	CreateAccount
	CreateApp
	CollectCredentials
	ShareWithROOK
	ConfigureRedirect
	AuthenticateTestUser
	RequestProduction
)

// Steps lists every step in order.
var Steps = []Step{Prerequisites, CreateAccount, CreateApp, CollectCredentials, ShareWithROOK, ConfigureRedirect, AuthenticateTestUser, RequestProduction}

var stepTitles = map[Step]string{
	Prerequisites:        "Prerequisites",
	CreateAccount:        "Create a Dexcom developer account",
	CreateApp:            "Create an application",
	CollectCredentials:   "Collect the Client ID and Secret",
	ShareWithROOK:        "Share them with ROOK",
	ConfigureRedirect:    "Configure the Redirect URL",
	AuthenticateTestUser: "Authenticate a test account through ROOK",
	RequestProduction:    "Request production access",
}

var stepShort = map[Step]string{
	Prerequisites:        "Prerequisites",
	CreateAccount:        "Developer account",
	CreateApp:            "Create the app",
	CollectCredentials:   "Client ID & Secret",
	ShareWithROOK:        "Share with ROOK",
	ConfigureRedirect:    "Redirect URL",
	AuthenticateTestUser: "Test account via ROOK",
	RequestProduction:    "Production access",
}

// ShortTitle is the step's name in a narrow list.
func (s Step) ShortTitle() string { return stepShort[s] }

// Title is the step's name.
func (s Step) Title() string { return stepTitles[s] }

// String is "Step N" or "Prerequisites".
func (s Step) String() string {
	if s == Prerequisites {
		return "Prerequisites"
	}
	return fmt.Sprintf("Step %d", int(s))
}

// Status is how far a step got.
type Status string

// Step statuses.
const (
	Todo      Status = "todo"
	Done      Status = "done"
	Attention Status = "attention" // something failed and needs a person
)

// StepState is what was recorded on one step.
type StepState struct {
	Status  Status            `json:"status"`
	DoneAt  time.Time         `json:"done_at,omitzero"`
	Checked map[string]bool   `json:"checked,omitempty"` // ticked checklist items
	Fields  map[string]string `json:"fields,omitempty"`  // dates, names, review status
	Problem string            `json:"problem,omitempty"` // why it needs attention
}

// Progress is one track's state.
type Progress struct {
	Track   Track               `json:"track"`
	Env     dexcom.Environment  `json:"env"` // sandbox, or the production region
	Steps   map[Step]*StepState `json:"steps"`
	Updated time.Time           `json:"updated,omitzero"`
}

// NewProgress starts a track with every step to do.
func NewProgress(t Track, env dexcom.Environment) *Progress {
	return &Progress{Track: t, Env: env, Steps: map[Step]*StepState{}}
}

// State returns the step's state, creating it on first use.
func (p *Progress) State(s Step) *StepState {
	if p.Steps == nil {
		p.Steps = map[Step]*StepState{}
	}
	st, ok := p.Steps[s]
	if !ok {
		st = &StepState{Status: Todo}
		p.Steps[s] = st
	}
	return st
}

// StatusOf is the step's status without creating it.
func (p *Progress) StatusOf(s Step) Status {
	if st, ok := p.Steps[s]; ok && st.Status != "" {
		return st.Status
	}
	return Todo
}

// Last is the final step of a track: production has no "request production".
func (p *Progress) Last() Step {
	if p.Track == ProductionTrack {
		return AuthenticateTestUser
	}
	return RequestProduction
}

// FirstUnfinished is where a resumed session starts.
func (p *Progress) FirstUnfinished() Step {
	for _, s := range Steps {
		if s > p.Last() {
			break
		}
		if p.StatusOf(s) != Done {
			return s
		}
	}
	return p.Last()
}

// MarkDone records s as done at t.
func (p *Progress) MarkDone(s Step, t time.Time) {
	st := p.State(s)
	st.Status, st.DoneAt, st.Problem = Done, t, ""
	p.Updated = t
}

// MarkAttention records that s needs a person, and why.
func (p *Progress) MarkAttention(s Step, why string, t time.Time) {
	st := p.State(s)
	st.Status, st.Problem = Attention, why
	p.Updated = t
}

// Completed counts done steps of the track.
func (p *Progress) Completed() (done, total int) {
	for _, s := range Steps {
		if s > p.Last() {
			break
		}
		total++
		if p.StatusOf(s) == Done {
			done++
		}
	}
	return done, total
}

// Clone is a deep copy, so a saved snapshot cannot change under a writer.
func (p *Progress) Clone() *Progress {
	c := *p
	c.Steps = make(map[Step]*StepState, len(p.Steps))
	for s, st := range p.Steps {
		cp := *st
		cp.Checked = cloneMap(st.Checked)
		cp.Fields = cloneMap(st.Fields)
		c.Steps[s] = &cp
	}
	return &c
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Field returns a recorded value of step s.
func (p *Progress) Field(s Step, name string) string {
	if st, ok := p.Steps[s]; ok {
		return st.Fields[name]
	}
	return ""
}

// SetField records a value on step s.
func (p *Progress) SetField(s Step, name, value string, t time.Time) {
	st := p.State(s)
	if st.Fields == nil {
		st.Fields = map[string]string{}
	}
	st.Fields[name] = value
	p.Updated = t
}

// Checked reports whether an item of step s is ticked.
func (p *Progress) Checked(s Step, item string) bool {
	st, ok := p.Steps[s]
	return ok && st.Checked[item]
}

// Toggle ticks or unticks an item of step s.
func (p *Progress) Toggle(s Step, item string, t time.Time) {
	st := p.State(s)
	if st.Checked == nil {
		st.Checked = map[string]bool{}
	}
	st.Checked[item] = !st.Checked[item]
	p.Updated = t
}
