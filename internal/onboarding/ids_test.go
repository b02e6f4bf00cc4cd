package onboarding

import (
	"testing"
)

// TestFieldIDsNameTheirRows: each named id is a row, date or status of the
// step that uses it, so a renamed row cannot leave a front end asking for
// a field that is gone.
func TestFieldIDsNameTheirRows(t *testing.T) {
	for _, c := range []struct {
		st   Step
		id   string
		kind string
	}{
		{Prerequisites, FieldWebhookURL, "field"},
		{CreateAccount, FieldReview, "status"},
		{CreateAccount, FieldSubmittedOn, "date"},
		{CreateAccount, TickSubmitted, "tick"},
		{CreateApp, FieldAppName, "field"},
		{CreateApp, FieldDescription, "field"},
		{CollectCredentials, FieldClientID, "field"},
		{CollectCredentials, FieldClientSecret, "field"},
		{ShareWithROOK, FieldRecipient, "field"},
		{ShareWithROOK, FieldROOKRedirect, "field"},
		{ShareWithROOK, FieldSharedOn, "date"},
		{ShareWithROOK, TickShared, "tick"},
		{ConfigureRedirect, FieldLoopback, "field"},
		{ConfigureRedirect, TickRedirectRegistered, "tick"},
		{AuthenticateTestUser, FieldROOKClientUUID, "field"},
		{AuthenticateTestUser, FieldROOKSecretKey, "field"},
		{AuthenticateTestUser, FieldROOKUserID, "field"},
		{RequestProduction, FieldRequestedOn, "date"},
	} {
		if got := kindOf(SpecOf(c.st), c.id); got != c.kind {
			t.Errorf("%s: %q is a %s, want a %s", c.st, c.id, got, c.kind)
		}
	}
}

func kindOf(spec Spec, id string) string {
	for _, r := range spec.Rows {
		if r.ID == id {
			return map[RowKind]string{Tick: "tick", Field: "field", Action: "action"}[r.Kind]
		}
	}
	switch {
	case spec.Date != nil && spec.Date.ID == id:
		return "date"
	case spec.Status != nil && spec.Status.ID == id:
		return "status"
	}
	return "nothing"
}
