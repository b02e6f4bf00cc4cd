package report_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/report"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

func TestReportContentAndNoSecrets(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	v, err := vault.Create(filepath.Join(t.TempDir(), "v.db"), []byte("violet-anchor-mosaic-7-tundra"), vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	p, _ := v.CreateProfile("Acme <Health> | Ltd")
	a := p.App(dexcom.Sandbox)
	a.Name, a.ClientID, a.ClientSecret = "Acme sandbox", "acme-id", secret.New("TOP-SECRET-0099887766")
	a.ROOKRedirectURL = "https://rook.example/cb"
	rep := connect.Report{OK: true, Environment: "sandbox", Calls: []dexcom.Call{{Method: "GET", Path: "/v3/users/self/egvs", Status: 200, Ms: 12}},
		EGVCount: 288, Device: "G7 on iOS", Figures: &glucose.Stats{Count: 288, Mean: 151, GMI: 6.9, Ranges: glucose.Ranges{InRange: 71.5}}}
	details, _ := json.Marshal(rep)
	p.LastCheck = &onboarding.CheckResult{At: now, Env: dexcom.Sandbox, OK: true, Summary: "verified", Report: details}
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	_ = v.SaveToken(p.ID, dexcom.Sandbox, &oauth2.Token{AccessToken: "ACCESS-TOKEN-555", RefreshToken: "REFRESH-TOKEN-666"})
	pr := onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox)
	pr.MarkDone(onboarding.CreateAccount, now)
	pr.SetField(onboarding.CreateAccount, "submitted_on", "2026-11-20", now)
	pr.MarkAttention(onboarding.AuthenticateTestUser, "403 from egvs", now)
	_ = v.SaveProgress(p.ID, pr)

	doc, err := report.Build(v, p, now)
	if err != nil {
		t.Fatal(err)
	}
	md := doc.Markdown()
	html, err := doc.HTML()
	if err != nil {
		t.Fatal(err)
	}
	js, _ := doc.JSON()
	for name, out := range map[string]string{"md": md, "html": html, "json": string(js)} {
		for _, secretText := range []string{"TOP-SECRET-0099887766", "ACCESS-TOKEN-555", "REFRESH-TOKEN-666"} {
			if strings.Contains(out, secretText) {
				t.Errorf("%s holds %s", name, secretText)
			}
		}
	}
	for _, want := range []string{"1 of 8 steps done", "| 1. Create a Dexcom developer account | done | 2026-11-24 | submitted on: 2026-11-20 |",
		"needs attention: 403 from egvs", "| GET /v3/users/self/egvs | 200 | 12 |", "Device: G7 on iOS", "70-180 71.5%", "stored in the vault"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(html, "<Health>") || !strings.Contains(html, "Acme &lt;Health&gt;") {
		t.Error("html does not escape the profile name")
	}
	var back report.Doc
	if err := json.Unmarshal(js, &back); err != nil || back.LastCheck == nil || back.LastCheck.Report.EGVCount != 288 || len(back.Tracks) != 1 {
		t.Fatalf("json: %v %+v", err, back)
	}
}
