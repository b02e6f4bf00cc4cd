package service

import (
	"testing"

	"github.com/tryrook/dexonboard/internal/onboarding"
)

// TestFieldIDsNameTheirRows: each named id is a row, date or status of the
// step that uses it, so a renamed row cannot leave a front end asking for
// a field that is gone.
func TestFieldIDsNameTheirRows(t *testing.T) {
	for _, c := range []struct {
		st   onboarding.Step
		id   string
		kind string
	}{
		{onboarding.Prerequisites, FieldWebhookURL, "field"},
		{onboarding.CreateAccount, FieldReview, "status"},
		{onboarding.CreateAccount, FieldSubmittedOn, "date"},
		{onboarding.CreateAccount, TickSubmitted, "tick"},
		{onboarding.CreateApp, FieldAppName, "field"},
		{onboarding.CreateApp, FieldDescription, "field"},
		{onboarding.CollectCredentials, FieldClientID, "field"},
		{onboarding.CollectCredentials, FieldClientSecret, "field"},
		{onboarding.ShareWithROOK, FieldRecipient, "field"},
		{onboarding.ShareWithROOK, FieldROOKRedirect, "field"},
		{onboarding.ShareWithROOK, FieldSharedOn, "date"},
		{onboarding.ShareWithROOK, TickShared, "tick"},
		{onboarding.ConfigureRedirect, FieldLoopback, "field"},
		{onboarding.ConfigureRedirect, TickRedirectRegistered, "tick"},
		{onboarding.AuthenticateTestUser, FieldROOKClientUUID, "field"},
		{onboarding.AuthenticateTestUser, FieldROOKSecretKey, "field"},
		{onboarding.AuthenticateTestUser, FieldROOKUserID, "field"},
		{onboarding.RequestProduction, FieldRequestedOn, "date"},
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
