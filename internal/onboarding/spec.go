package onboarding

import (
	"strings"
	"sync"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// PortalURL is Dexcom's developer portal.
const PortalURL = "https://developer.dexcom.com"

// DefaultLoopback is the redirect URI the self-check uses unless the app has another.
const DefaultLoopback = "http://localhost:8765/callback"

// DefaultROOKUserID is the test user id suggested for step 6.
const DefaultROOKUserID = "dexonboard-test-user"

// RowKind is what a row of a step asks for.
type RowKind int

// Row kinds.
const (
	Tick   RowKind = iota // a checklist item, stored in the step's progress
	Field                 // a text answer
	Action                // something the step does
)

// Row is one thing a step asks: a tick, a field or an action. It is data
// only: how a field's value is read, checked and stored is the service's.
type Row struct {
	Kind  RowKind
	ID    string
	Label string
	Hint  string
	URL   string // a page the item is about (the portal)

	// Fields.
	Placeholder string // {track} and {rookenv} are filled for the session
	Limit       int
	Secret      bool
	Optional    bool // an empty answer is allowed (and stores nothing)
	// ForAction: the answer is not stored by itself; an action of the step
	// uses it (Store encrypted, Seal).
	ForAction bool
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
// asks, what it does and which date it records.
type Spec struct {
	Step    Step
	Heading string
	// Intro explains the step; {env} is the track's Dexcom environment.
	Intro string
	// IntroProduction, when set, replaces Intro on a production track.
	IntroProduction string
	Rows            []Row
	Date            *DateField
	Status          *StatusField
}

// IntroFor is the step's intro for a track in env.
func (sp Spec) IntroFor(env dexcom.Environment) string {
	intro := sp.Intro
	if sp.IntroProduction != "" && env.IsProduction() {
		intro = sp.IntroProduction
	}
	return strings.ReplaceAll(intro, "{env}", env.Label())
}

// StatusIn is the step's status field's value in p: the recorded one; when
// none is, the second option once the step's SetBy tick is ticked or its
// date set, else the first ("" when the step has no status field).
func (sp Spec) StatusIn(p *Progress) string {
	f := sp.Status
	if f == nil {
		return ""
	}
	if v := p.Field(sp.Step, f.ID); v != "" {
		return v
	}
	dated := sp.Date != nil && p.Field(sp.Step, sp.Date.ID) != ""
	if f.SetBy != "" && (dated || p.Checked(sp.Step, f.SetBy)) && len(f.Options) > 1 {
		return f.Options[1]
	}
	return f.Options[0]
}

// SpecOf is the description of step st.
func SpecOf(st Step) Spec { return specs()[st] }

// Checklist is the ticks of step st.
func Checklist(st Step) []Row {
	var out []Row
	for _, r := range specs()[st].Rows {
		if r.Kind == Tick {
			out = append(out, r)
		}
	}
	return out
}

// AllTicked reports whether every item of step st is ticked in p.
func AllTicked(p *Progress, st Step) bool {
	for _, it := range Checklist(st) {
		if !p.Checked(st, it.ID) {
			return false
		}
	}
	return true
}

// ReviewStatuses are the states of Dexcom's review of a registration (step 1).
var ReviewStatuses = []string{"not submitted", "submitted, awaiting review", "review meeting scheduled", "approved"}

// heading is "Step N · Title", or "Prerequisites".
func heading(st Step, title string) string {
	if st == Prerequisites {
		return title
	}
	return st.String() + " · " + title
}

func tick(id, label string) Row { return Row{Kind: Tick, ID: id, Label: label} }

func action(id, label string) Row { return Row{Kind: Action, ID: id, Label: label} }

// specs is built on first use, not in every process's init.
var specs = sync.OnceValue(func() map[Step]Spec {
	return map[Step]Spec{
		Prerequisites: {
			Step: Prerequisites, Heading: heading(Prerequisites, "Prerequisites"),
			Intro: "ROOK recommends two Dexcom applications: a sandbox app for Dexcom's simulated test users, " +
				"and a production app for real users after Dexcom's review. Steps 1-6 are done for each. " +
				"The guide's first prerequisite reads \"Ensure the response code is 200\": dexonboard reads it as your data " +
				"webhook answering 200 to ROOK's deliveries, and probes it.",
			Rows: []Row{
				tick("two_apps", "We will create two Dexcom apps: one sandbox, one production"),
				tick("ownership", "We own the Dexcom developer account (ROOK never holds it)"),
				webhookRow,
				action(ActProbeWebhook, "Probe the webhook (does it answer 200?)"),
			},
		},
		CreateAccount: {
			Step: CreateAccount, Heading: heading(CreateAccount, "Create a Dexcom developer account"),
			Intro: "Sign up at " + PortalURL + " and complete the registration form thoroughly and accurately. " +
				"Dexcom may schedule a meeting to review your application.",
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
		CreateApp: {
			Step: CreateApp, Heading: heading(CreateApp, "Create an application"),
			Intro: "Once your account is approved, log in to the portal, open the Applications section and create an app " +
				"(e.g. a web application) for {env}. Record its name so ROOK and your team can find it.",
			Rows: []Row{
				tick("logged_in", "Account approved; logged in to the developer portal"),
				tick("created", "Created a new app in the Applications section"),
				tick("scopes", "Read the data the app may access (EGVs, events, devices…)"),
				appNameRow, appDescriptionRow,
			},
		},
		CollectCredentials: {
			Step: CollectCredentials, Heading: heading(CollectCredentials, "Collect the Client ID and Client Secret"),
			Intro: "Copy both from the app's page. They go straight into the encrypted vault; " +
				"the secret is shown only as its last four characters.",
			Rows: []Row{clientIDRow, clientSecretRow, action(ActStoreCredentials, "Store encrypted")},
		},
		ShareWithROOK: {
			Step: ShareWithROOK, Heading: heading(ShareWithROOK, "Share the credentials with ROOK"),
			Intro: "Send the Client ID and Secret to your ROOK Customer Success Engineer (CSE), sealed for their public key: " +
				"only their vault can open it, once, within 7 days; never the secret by e-mail or chat. The CSE opens an " +
				"internal ticket, has the Dexcom button enabled on your ROOK client portal and answers with ROOK's Redirect URL.",
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
		ConfigureRedirect: {
			Step: ConfigureRedirect, Heading: heading(ConfigureRedirect, "Configure the Redirect URL in Dexcom"),
			Intro: "Add these exact URLs as the app's Redirect URIs: Dexcom matches them " +
				"letter for letter, port included. The loopback one is only for dexonboard's direct check (the program's advice).",
			Rows: []Row{
				action(ActCopyROOK, "Copy ROOK's Redirect URL"),
				loopbackRow,
				action(ActCopyLoopback, "Copy the loopback URL"),
				tick(TickRedirectRegistered, "Both URLs added under the app's Redirect URIs, and saved"),
				action(ActPreflight, "Run the preflight"),
			},
		},
		AuthenticateTestUser: {
			Step: AuthenticateTestUser, Heading: heading(AuthenticateTestUser, "Authenticate a test account through ROOK"),
			// Key-free: each front end adds its own way to start a run.
			Intro:           authIntro("a Dexcom sandbox test user (no password)", "pick the test user from the login window's dropdown"),
			IntroProduction: authIntro("a real Dexcom user who agreed to it, through ROOK's production environment", "log the user in at Dexcom"),
			Rows: []Row{
				rookClientUUIDRow, rookSecretKeyRow, rookUserIDRow,
				action(ActConnect, "Check the credentials directly with Dexcom"),
				action(ActConnectROOK, "Connect a test account through ROOK"),
			},
		},
		RequestProduction: {
			Step: RequestProduction, Heading: heading(RequestProduction, "Request production access"),
			Intro: "When the sandbox app works, review Dexcom's production criteria first, then ask Dexcom for " +
				"production access with Request Upgrade on your production app.",
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

// authIntro is step 6's intro for who logs in and how they are picked.
func authIntro(who, pick string) string {
	return "ROOK sends " + who + " to Dexcom's login with your Client ID and ROOK's Redirect URL; Dexcom hands " +
		"the code to ROOK, which pulls the data. The guide's way (no API access needed): ROOK's client portal, " +
		"\"Dexcom Integration\" or \"Connections\", then " + pick + ". Here it runs through ROOK's API, or directly with Dexcom."
}
