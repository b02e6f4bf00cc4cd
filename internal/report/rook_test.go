package report_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/report"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/internal/vault"
)

// TestReportROOKSection: the report shows the result through ROOK as its
// own section (ROOK environment, connection, readings matched, webhook
// probe, when) in every format, from what step 6 and the prerequisites
// record; a later failure replaces an earlier success; no ROOK secret.
func TestReportROOKSection(t *testing.T) {
	t.Parallel()
	t1 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	t2 := t1.Add(26 * time.Hour)
	v, err := vault.Create(filepath.Join(t.TempDir(), "v.db"), []byte("violet-anchor-mosaic-7-tundra"), vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	p, _ := v.CreateProfile("Acme")
	a := p.App(dexcom.Sandbox)
	a.ROOKClientUUID, a.ROOKSecretKey, a.ROOKUserID = "4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13", secret.New("ROOK-SECRET-KEY-4242"), "acme-test-user"
	a.WebhookURL, a.ROOKRedirectURL = "https://api.acme.example/rook", "https://rook.example/cb"
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	now := t1
	s := &service.Session{Vault: v, Profile: p, Progress: onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox), Now: func() time.Time { return now }}

	build := func() (*report.Doc, map[string]string) {
		t.Helper()
		if err := v.SaveProgress(p.ID, s.Progress); err != nil {
			t.Fatal(err)
		}
		doc, err := report.Build(v, p, t2)
		if err != nil {
			t.Fatal(err)
		}
		h, err := doc.HTML()
		if err != nil {
			t.Fatal(err)
		}
		js, _ := doc.JSON()
		return doc, map[string]string{"md": doc.Markdown(), "html": h, "json": string(js)}
	}

	doc, _ := build()
	if len(doc.ROOK) != 1 || doc.ROOK[0].Connection != report.ROOKNotRun || doc.ROOK[0].Environment != "sandbox" {
		t.Fatalf("before any check: %+v", doc.ROOK)
	}

	s.RecordWebhook(&service.WebhookReport{Status: 200, Verdict: "ok"})
	s.RecordROOK(&service.ROOKResult{Report: service.ROOKReport{Glucose: []service.ROOKDay{{Date: "2026-11-23", Count: 288}},
		Comparison: &service.ROOKComparison{Summary: "288 of 288 ROOK readings match Dexcom's"}}})
	doc, outs := build()
	r := doc.ROOK[0]
	if r.Connection != report.ROOKConnected || r.At == nil || !r.At.Equal(t1) || r.Readings != "288 of 288 ROOK readings match Dexcom's" ||
		r.Webhook != "200 ok" || r.WebhookAt == nil || !r.WebhookAt.Equal(t1) || !r.SecretKeyStored || r.UserID != "acme-test-user" {
		t.Fatalf("after a connection: %+v", r)
	}
	for name, out := range outs {
		for _, want := range []string{"ROOK", "sandbox", "connected", "2026-11-24 12:00", "288 of 288 ROOK readings match Dexcom", "200 ok", "acme-test-user", "4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13"} {
			if name == "json" && want == "2026-11-24 12:00" {
				want = "2026-11-24T12:00:00Z"
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, out)
			}
		}
		if strings.Contains(out, "ROOK-SECRET-KEY-4242") {
			t.Errorf("%s holds the ROOK secret key", name)
		}
	}
	if !strings.Contains(outs["md"], "## Through ROOK, sandbox app: ROOK sandbox environment") || !strings.Contains(outs["md"], "| connection | connected, 2026-11-24 12:00 UTC |") {
		t.Errorf("markdown section:\n%s", outs["md"])
	}

	now = t2
	s.RecordROOK(&service.ROOKResult{Finding: &service.ROOKFinding{Cause: "ROOK holds another Dexcom Client ID", Fix: "send ROOK the Client ID of step 3"}})
	doc, outs = build()
	r = doc.ROOK[0]
	if r.Connection != report.ROOKFailed || r.At == nil || !r.At.Equal(t2) || !strings.Contains(r.Problem, "another Dexcom Client ID") {
		t.Fatalf("after a later failure: %+v", r)
	}
	var back struct {
		ROOK []report.ROOK `json:"rook"`
	}
	if err := json.Unmarshal([]byte(outs["json"]), &back); err != nil || len(back.ROOK) != 1 || back.ROOK[0].Connection != report.ROOKFailed {
		t.Fatalf("json: %v %+v", err, back)
	}
	for name, out := range outs {
		if !strings.Contains(out, "failed") || !strings.Contains(out, "another Dexcom Client ID") {
			t.Errorf("%s does not show the failure:\n%s", name, out)
		}
	}
}
