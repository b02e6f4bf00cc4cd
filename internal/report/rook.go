package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/onboarding"
)

// ROOK is one track's result through ROOK, from what the vault keeps: the
// app's ROOK settings (never the secret key), step 6's result through ROOK
// and the prerequisites' webhook probe.
type ROOK struct {
	Track           string     `json:"track"`
	Environment     string     `json:"environment"` // ROOK's: sandbox or production
	ClientUUID      string     `json:"client_uuid,omitempty"`
	SecretKeyStored bool       `json:"secret_key_stored"`
	UserID          string     `json:"user_id,omitempty"`
	RedirectURL     string     `json:"redirect_url,omitempty"`
	WebhookURL      string     `json:"webhook_url,omitempty"`
	Connection      string     `json:"connection"` // connected, failed or not run
	Problem         string     `json:"problem,omitempty"`
	Readings        string     `json:"readings,omitempty"` // ROOK's readings against Dexcom's
	At              *time.Time `json:"at,omitempty"`
	Webhook         string     `json:"webhook_probe,omitempty"`
	WebhookAt       *time.Time `json:"webhook_probe_at,omitempty"`
}

// Connection results through ROOK.
const (
	ROOKConnected = "connected"
	ROOKFailed    = "failed"
	ROOKNotRun    = "not run yet"
)

// rookOf gathers a track's ROOK result. The step fields are the ones
// service.RecordROOK and RecordWebhook write.
func rookOf(pr *onboarding.Progress, a *onboarding.App) ROOK {
	r := ROOK{Track: string(pr.Track), Environment: "sandbox", Connection: ROOKNotRun}
	if pr.Env.IsProduction() {
		r.Environment = "production"
	}
	if a != nil {
		r.ClientUUID, r.SecretKeyStored, r.UserID = a.ROOKClientUUID, !a.ROOKSecretKey.Empty(), a.ROOKUserID
		r.RedirectURL, r.WebhookURL = a.ROOKRedirectURL, a.WebhookURL
	}
	if st, ok := pr.Steps[onboarding.Prerequisites]; ok {
		r.Webhook, r.WebhookAt = st.Fields["webhook_probe"], stamp(st.Fields["webhook_probe_at"])
	}
	st, ok := pr.Steps[onboarding.AuthenticateTestUser]
	if !ok {
		return r
	}
	verified, checked := st.Fields["rook_verified_at"], st.Fields["rook_checked_at"]
	switch {
	case checked != "" && checked != verified && st.Status == onboarding.Attention:
		r.Connection, r.Problem, r.At = ROOKFailed, st.Problem, stamp(checked)
	case verified != "":
		r.Connection, r.Readings, r.At = ROOKConnected, st.Fields["rook_result"], stamp(verified)
	}
	return r
}

// stamp reads a stored RFC 3339 time; nil when absent or unreadable.
func stamp(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil
	}
	t = t.UTC()
	return &t
}

func when(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02 15:04 UTC")
}

func (r ROOK) markdown(b *strings.Builder) {
	fmt.Fprintf(b, "\n## Through ROOK, %s app: ROOK %s environment\n\n| item | value |\n|---|---|\n", md(r.Track), md(r.Environment))
	result := md(r.Connection)
	if r.At != nil {
		result += ", " + when(r.At)
	}
	key := "not stored"
	if r.SecretKeyStored {
		key = "stored in the vault"
	}
	probe := mdOr(r.Webhook)
	if r.WebhookAt != nil {
		probe += ", " + when(r.WebhookAt)
	}
	for _, row := range [][2]string{
		{"connection", result}, {"problem", mdOr(r.Problem)}, {"readings matched", mdOr(r.Readings)},
		{"webhook probe", probe}, {"client UUID", mdOr(r.ClientUUID)}, {"secret key", key},
		{"test user id", mdOr(r.UserID)}, {"Redirect URL", mdOr(r.RedirectURL)}, {"webhook URL", mdOr(r.WebhookURL)},
	} {
		if row[0] == "problem" && r.Problem == "" {
			continue
		}
		fmt.Fprintf(b, "| %s | %s |\n", row[0], row[1])
	}
}
