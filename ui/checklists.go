package ui

import "github.com/tryrook/dexonboard/internal/onboarding"

// item is a checklist entry of a step.
type item struct{ id, label string }

// checklists are what each step asks a person to tick; the wizard's pages
// and the accessible mode both use them.
var checklists = map[onboarding.Step][]item{
	onboarding.Prerequisites: {
		{"two_apps", "We will create two Dexcom apps: one sandbox, one production"},
		{"ownership", "We own the Dexcom developer account (ROOK never holds it)"},
	},
	onboarding.CreateAccount: {
		{"registered", "Registered on developer.dexcom.com (o opens it)"},
		{"app_details", "Application details: name, website, description"},
		{"intended_use", "Intended use of the data"},
		{"data_handling", "How the data is stored, protected and shared"},
		{"company", "Company details and contact"},
		{"submitted", "Form submitted"},
	},
	onboarding.CreateApp: {
		{"logged_in", "Logged in to the developer portal"},
		{"created", "Created a new app under My Apps"},
		{"scopes", "Read the data the app may access (EGVs, events, devices…)"},
	},
	onboarding.ShareWithROOK: {
		{"shared", "Sealed hand-off sent to ROOK (or a one-time secret link)"},
		{"not_in_chat", "The secret was not sent by e-mail, chat or ticket"},
	},
	onboarding.ConfigureRedirect: {
		{"registered", "Both URLs added under the app's Redirect URIs, and saved"},
	},
	onboarding.RequestProduction: {
		{"found_app", "Found the sandbox app under My Apps"},
		{"upgrade", "Pressed \"Request Upgrade\" and filled in the request"},
		{"criteria", "Read Dexcom's production criteria (review, limited then full access)"},
	},
}

// checkRows turns a step's checklist into form rows.
func checkRows(s onboarding.Step) []row {
	var rows []row
	for _, it := range checklists[s] {
		rows = append(rows, row{kind: rowCheck, id: it.id, label: it.label})
	}
	return rows
}

// allTicked reports whether every item of step st is ticked.
func allTicked(s *Session, st onboarding.Step) bool {
	for _, it := range checklists[st] {
		if !s.Progress.Checked(st, it.id) {
			return false
		}
	}
	return true
}

// complete is when a step counts as done, for the steps whose rule is only
// what was recorded (5 and 6 also need a live check).
func complete(s *Session, st onboarding.Step) bool {
	p, a := s.Progress, s.App()
	switch st {
	case onboarding.Prerequisites:
		return allTicked(s, st)
	case onboarding.CreateAccount:
		return allTicked(s, st) && p.Field(st, "submitted_on") != ""
	case onboarding.CreateApp:
		return allTicked(s, st) && a.Name != ""
	case onboarding.CollectCredentials:
		return a.ClientID != "" && !a.ClientSecret.Empty()
	case onboarding.ShareWithROOK:
		return allTicked(s, st) && p.Field(st, "shared_on") != "" && a.ROOKRedirectURL != ""
	case onboarding.RequestProduction:
		return allTicked(s, st) && p.Field(st, "requested_on") != ""
	}
	return p.StatusOf(st) == onboarding.Done
}
