package service

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/tryrook/dexonboard/internal/onboarding"
)

// PortalURL is Dexcom's developer portal.
const PortalURL = "https://developer.dexcom.com"

// RowKind is what a row of a step asks for.
type RowKind int

// Row kinds.
const (
	Tick   RowKind = iota // a checklist item, stored in the step's progress
	Field                 // a text answer
	Action                // something the step does
)

// Actions a step offers; each front end runs them through this package.
const (
	ActStoreCredentials = "save"
	ActSeal             = "seal"
	ActCopyROOK         = "copy_rook"
	ActCopyLoopback     = "copy_loop"
	ActPreflight        = "preflight"
	ActConnect          = "connect"
	ActStartProduction  = "start_production"
)

// Row is one thing a step asks: a tick, a field or an action.
type Row struct {
	Kind  RowKind
	ID    string
	Label string
	Hint  string
	URL   string // a page the item is about (the portal)

	// Fields.
	Placeholder string
	Limit       int
	Secret      bool
	Optional    bool // an empty answer is allowed (and stores nothing)
	// Get is the value to start from (the stored one, or the demo's).
	Get func(s *Session) string
	// Check cleans an answer and says whether it is acceptable.
	Check func(s *Session, answer string) (string, error)
	// Set stores an accepted answer (nil: an action of the step uses it).
	Set func(s *Session, value string)
}

// DateField is a step's date (d in the wizard sets it to today).
type DateField struct{ ID, Label string }

// StatusField is a step's status kept beside its checklist, one of Options
// (the first is the unset value; r in the wizard moves it on, the line mode
// asks for it).
type StatusField struct {
	ID, Label string
	Options   []string
	// SetBy is the tick that, once ticked or the step dated, means the
	// second option when none is recorded (a submitted form awaits review).
	SetBy string
}

// Spec describes a step once, for every front end: what it explains, what it
// asks, what it does and which date it records. What completes it is Complete.
type Spec struct {
	Step    onboarding.Step
	Heading string
	Intro   func(s *Session) string
	Rows    []Row
	Date    *DateField
	Status  *StatusField
}

// Heading is "Step N · Title", or "Prerequisites".
func heading(st onboarding.Step, title string) string {
	if st == onboarding.Prerequisites {
		return title
	}
	return st.String() + " · " + title
}

// SpecOf is the description of step st.
func SpecOf(st onboarding.Step) Spec { return specs()[st] }

// Checklist is the ticks of step st.
func Checklist(st onboarding.Step) []Row {
	var out []Row
	for _, r := range specs()[st].Rows {
		if r.Kind == Tick {
			out = append(out, r)
		}
	}
	return out
}

// AllTicked reports whether every item of step st is ticked.
func AllTicked(s *Session, st onboarding.Step) bool {
	for _, it := range Checklist(st) {
		if !s.Progress.Checked(st, it.ID) {
			return false
		}
	}
	return true
}

// Complete is when a step counts as done from what is recorded (5 and 6
// also need a live result: a preflight, a check).
func Complete(s *Session, st onboarding.Step) bool {
	p, a := s.Progress, s.App()
	switch st {
	case onboarding.Prerequisites:
		return AllTicked(s, st)
	case onboarding.CreateAccount:
		return AllTicked(s, st) && p.Field(st, FieldSubmittedOn) != ""
	case onboarding.CreateApp:
		return AllTicked(s, st) && a.Name != ""
	case onboarding.CollectCredentials:
		return HasCredentials(s)
	case onboarding.ShareWithROOK:
		return AllTicked(s, st) && p.Field(st, FieldSharedOn) != "" && a.ROOKRedirectURL != "" && !s.sealStale()
	case onboarding.RequestProduction:
		return AllTicked(s, st) && p.Field(st, FieldRequestedOn) != ""
	}
	return p.StatusOf(st) == onboarding.Done
}

// HasCredentials reports whether the track's app has its Client ID and Secret.
func HasCredentials(s *Session) bool {
	a := s.App()
	return a.ClientID != "" && !a.ClientSecret.Empty()
}

func tick(id, label string) Row { return Row{Kind: Tick, ID: id, Label: label} }

func action(id, label string) Row { return Row{Kind: Action, ID: id, Label: label} }

// specs is built on first use, not in every process's init.
var specs = sync.OnceValue(func() map[onboarding.Step]Spec {
	return map[onboarding.Step]Spec{
		onboarding.Prerequisites: {
			Step: onboarding.Prerequisites, Heading: heading(onboarding.Prerequisites, "Prerequisites"),
			Intro: text("ROOK recommends two Dexcom applications: a sandbox app for Dexcom's simulated test users, " +
				"and a production app for real users after Dexcom's review. Steps 1-6 are done for each. " +
				"The guide's first prerequisite reads \"Ensure the response code is 200\": dexonboard reads it as your data " +
				"webhook answering 200 to ROOK's deliveries, and probes it."),
			Rows: []Row{
				tick("two_apps", "We will create two Dexcom apps: one sandbox, one production"),
				tick("ownership", "We own the Dexcom developer account (ROOK never holds it)"),
				webhookRow,
				action(ActProbeWebhook, "Probe the webhook (does it answer 200?)"),
			},
		},
		onboarding.CreateAccount: {
			Step: onboarding.CreateAccount, Heading: heading(onboarding.CreateAccount, "Create a Dexcom developer account"),
			Intro: text("Sign up at " + PortalURL + " and complete the registration form thoroughly and accurately. " +
				"Dexcom may schedule a meeting to review your application."),
			Rows: []Row{
				{Kind: Tick, ID: "registered", Label: "Signed up on the Developer Portal", URL: PortalURL},
				tick("app_details", "Details about your application"),
				tick("intended_use", "Intended use of the application"),
				tick("data_handling", "How you plan to handle the data"),
				tick("company", "Details about your company"),
				tick(TickSubmitted, "Form submitted"),
			},
			Date:   &DateField{ID: FieldSubmittedOn, Label: "Submitted on"},
			Status: &StatusField{ID: FieldReview, Label: "Review status", Options: ReviewStatuses, SetBy: TickSubmitted},
		},
		onboarding.CreateApp: {
			Step: onboarding.CreateApp, Heading: heading(onboarding.CreateApp, "Create an application"),
			Intro: func(s *Session) string {
				return "Once your account is approved, log in to the portal, open the Applications section and create an app " +
					"(e.g. a web application) for " + s.Progress.Env.Label() + ". Record its name so ROOK and your team can find it."
			},
			Rows: []Row{
				tick("logged_in", "Account approved; logged in to the developer portal"),
				tick("created", "Created a new app in the Applications section"),
				tick("scopes", "Read the data the app may access (EGVs, events, devices…)"),
				appNameRow, appDescriptionRow,
			},
		},
		onboarding.CollectCredentials: {
			Step: onboarding.CollectCredentials, Heading: heading(onboarding.CollectCredentials, "Collect the Client ID and Client Secret"),
			Intro: text("Copy both from the app's page. They go straight into the encrypted vault; " +
				"the secret is shown only as its last four characters."),
			Rows: []Row{clientIDRow, clientSecretRow, action(ActStoreCredentials, "Store encrypted")},
		},
		onboarding.ShareWithROOK: {
			Step: onboarding.ShareWithROOK, Heading: heading(onboarding.ShareWithROOK, "Share the credentials with ROOK"),
			Intro: text("Send the Client ID and Secret to your ROOK Customer Success Engineer (CSE), sealed for their public key: " +
				"only their vault can open it, once, within 7 days; never the secret by e-mail or chat. The CSE opens an " +
				"internal ticket, has the Dexcom button enabled on your ROOK client portal and answers with ROOK's Redirect URL."),
			Rows: []Row{
				recipientRow,
				action(ActSeal, "Seal the credentials for it"),
				tick(TickShared, "Sealed hand-off sent to the CSE (or a one-time secret link)"),
				tick("not_in_chat", "The secret was not sent by e-mail, chat or ticket"),
				tick("dexcom_enabled", "The CSE confirmed the internal ticket and the Dexcom button on our ROOK client portal"),
				rookRedirectRow,
			},
			Date: &DateField{ID: FieldSharedOn, Label: "Shared on"},
		},
		onboarding.ConfigureRedirect: {
			Step: onboarding.ConfigureRedirect, Heading: heading(onboarding.ConfigureRedirect, "Configure the Redirect URL in Dexcom"),
			Intro: text("Add these exact URLs as the app's Redirect URIs: Dexcom matches them " +
				"letter for letter, port included. The loopback one is only for dexonboard's direct check (the program's advice)."),
			Rows: []Row{
				action(ActCopyROOK, "Copy ROOK's Redirect URL"),
				loopbackRow,
				action(ActCopyLoopback, "Copy the loopback URL"),
				tick(TickRedirectRegistered, "Both URLs added under the app's Redirect URIs, and saved"),
				action(ActPreflight, "Run the preflight"),
			},
		},
		onboarding.AuthenticateTestUser: {
			Step: onboarding.AuthenticateTestUser, Heading: heading(onboarding.AuthenticateTestUser, "Authenticate a test account through ROOK"),
			Intro: func(s *Session) string {
				who, pick := "a Dexcom sandbox test user (no password)", "pick the test user from the login window's dropdown"
				if s.Progress.Env.IsProduction() {
					who, pick = "a real Dexcom user who agreed to it, through ROOK's production environment", "log the user in at Dexcom"
				}
				// Key-free: each front end adds its own way to start a run.
				return "ROOK sends " + who + " to Dexcom's login with your Client ID and ROOK's Redirect URL; Dexcom hands " +
					"the code to ROOK, which pulls the data. The guide's way (no API access needed): ROOK's client portal, " +
					"\"Dexcom Integration\" or \"Connections\", then " + pick + ". Here it runs through ROOK's API, or directly with Dexcom."
			},
			Rows: []Row{
				rookClientUUIDRow, rookSecretKeyRow, rookUserIDRow,
				action(ActConnect, "Check the credentials directly with Dexcom"),
				action(ActConnectROOK, "Connect a test account through ROOK"),
			},
		},
		onboarding.RequestProduction: {
			Step: onboarding.RequestProduction, Heading: heading(onboarding.RequestProduction, "Request production access"),
			Intro: text("When the sandbox app works, review Dexcom's production criteria first, then ask Dexcom for " +
				"production access with Request Upgrade on your production app."),
			Rows: []Row{
				tick("found_app", "Found the production app in the Applications section"),
				tick("criteria", "Reviewed Dexcom's production criteria"),
				tick("upgrade", "Pressed \"Request Upgrade\" and filled in the request"),
				action(ActStartProduction, "Start the production app's track →"),
			},
			Date: &DateField{ID: FieldRequestedOn, Label: "Requested on"},
		},
	}
})

func text(s string) func(*Session) string { return func(*Session) string { return s } }

// ReviewStatuses are the states of Dexcom's review of a registration (step 1).
var ReviewStatuses = []string{"not submitted", "submitted, awaiting review", "review meeting scheduled", "approved"}

// StatusOf is step st's status field's value: the recorded one; when none
// is, the second option once the step's SetBy tick is ticked or its date
// set, else the first.
func (s *Session) StatusOf(st onboarding.Step) string {
	spec := specs()[st]
	f := spec.Status
	if f == nil {
		return ""
	}
	if v := s.Progress.Field(st, f.ID); v != "" {
		return v
	}
	dated := spec.Date != nil && s.Progress.Field(st, spec.Date.ID) != ""
	if f.SetBy != "" && (dated || s.Progress.Checked(st, f.SetBy)) && len(f.Options) > 1 {
		return f.Options[1]
	}
	return f.Options[0]
}

// NextStatus moves step st's status field on by one option.
func (s *Session) NextStatus(st onboarding.Step) {
	f := specs()[st].Status
	if f == nil {
		return
	}
	next := f.Options[1%len(f.Options)]
	for i, o := range f.Options {
		if o == s.StatusOf(st) {
			next = f.Options[(i+1)%len(f.Options)]
		}
	}
	s.Progress.SetField(st, f.ID, next, s.Time())
}

// SetStatus records step st's status field from an answer: an option's
// number (from 1) or its words; nothing keeps the recorded one.
func (s *Session) SetStatus(st onboarding.Step, answer string) error {
	f := specs()[st].Status
	if f == nil {
		return nil
	}
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return nil
	}
	for i, o := range f.Options {
		if answer == strconv.Itoa(i+1) || strings.EqualFold(answer, o) {
			if o != s.StatusOf(st) {
				s.Progress.SetField(st, f.ID, o, s.Time())
			}
			return nil
		}
	}
	return &InputError{Field: "the " + strings.ToLower(f.Label), Problem: NotAnOption,
		Detail: fmt.Sprintf("%q is not one of its %d options", answer, len(f.Options))}
}
