package report_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/report"
	"github.com/tryrook/dexonboard/internal/vault"
)

// esc is what text from outside may carry: colour, screen clear, an OSC 52
// clipboard write, a bell, a C1 CSI, a bidi override.
const esc = "\x1b[31m\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07\u009b1m\u202e"

// TestReportCleansTextFromOutside: a profile as an older version could
// have stored it, with escapes in every text that came from outside: no
// format of the report holds a control character.
func TestReportCleansTextFromOutside(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	v, err := vault.Create(filepath.Join(t.TempDir(), "v.db"), []byte("violet-anchor-mosaic-7-tundra"), vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	p, err := v.CreateProfile("Acme")
	if err != nil {
		t.Fatal(err)
	}
	p.Company = "Acme" + esc + "Inc"
	a := p.App(dexcom.Sandbox)
	a.Name, a.ClientID, a.ROOKRedirectURL = "app"+esc, "id"+esc, "https://rook.example/cb"+esc
	rep := connect.Report{Environment: "sandbox", Error: "Dexcom answered the login with error x" + esc + "\r\nforged line", Device: "G7" + esc,
		Calls: []dexcom.Call{{Method: "GET", Path: "/v3/users/self/egvs" + esc, Status: 403}}}
	details, _ := json.Marshal(rep)
	p.LastCheck = &onboarding.CheckResult{At: now, Env: dexcom.Sandbox, Summary: "failed: " + esc + "forged", Report: details}
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	pr := onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox)
	pr.SetField(onboarding.CreateAccount, "submitted_on", "2026-11-20"+esc, now)
	pr.MarkAttention(onboarding.AuthenticateTestUser, "403"+esc, now)
	if err := v.SaveProgress(p.ID, pr); err != nil {
		t.Fatal(err)
	}

	doc, err := report.Build(v, p, now)
	if err != nil {
		t.Fatal(err)
	}
	html, err := doc.HTML()
	if err != nil {
		t.Fatal(err)
	}
	js, _ := doc.JSON()
	var decoded any
	if err := json.Unmarshal(js, &decoded); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"md": doc.Markdown(), "html": html, "json": string(js), "json decoded": flatten(decoded)} {
		if strings.HasPrefix(name, "json") && (!strings.Contains(out, "Inc") || !strings.Contains(out, "forged line")) {
			t.Errorf("%s lost the text around the escapes", name)
		}
		if strings.ContainsAny(out, "\x1b\x07\r\u009b\u202e") || strings.Contains(out, `\u001b`) || strings.Contains(out, `\u0007`) {
			t.Errorf("%s keeps control characters: %q", name, out)
		}
		for _, want := range []string{"forged", "G7", "2026-11-20"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lost the text around the escapes (%q)", name, want)
			}
		}
	}
}

// flatten joins every string in a decoded JSON value.
func flatten(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var b strings.Builder
		for _, e := range x {
			b.WriteString(flatten(e) + " ")
		}
		return b.String()
	case map[string]any:
		var b strings.Builder
		for k, e := range x {
			b.WriteString(k + " " + flatten(e) + " ")
		}
		return b.String()
	}
	return ""
}
