package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
)

// fieldEntry is one field and the values every entry point must refuse.
type fieldEntry struct {
	field string
	bad   []string
	// Where the field enters; each returns whether the value was refused.
	rule   func(string) error // internal/onboarding: the one rule
	wizard *struct {
		step onboarding.Step
		id   string
	} // the wizard's and line mode's row
	handoff    func(*handoff.Payload, string) // the hand-off's field
	vaultAdd   func(v string) (args []string, stdin string)
	checkFlags func(v string) (args, env []string)
	flagOrVar  string // what check's error names
}

// TestEveryEntryPointRefusesTheSameValues: for each field, the values its
// rule refuses are refused at every entry point that takes the field:
// vault add, the wizard's and line mode's answers, the hand-off, check.
func TestEveryEntryPointRefusesTheSameValues(t *testing.T) {
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	const id, redirect = "acme-client-1", "http://localhost:8765/callback"
	row := func(st onboarding.Step, id string) *struct {
		step onboarding.Step
		id   string
	} {
		return &struct {
			step onboarding.Step
			id   string
		}{st, id}
	}
	entries := []fieldEntry{
		{field: "client id", bad: []string{"a", strings.Repeat("a", 100_000), "has space", "id\x1b[2Jxx"},
			rule: onboarding.ValidateClientID, wizard: row(onboarding.CollectCredentials, onboarding.FieldClientID),
			handoff:  func(p *handoff.Payload, v string) { p.ClientID = v },
			vaultAdd: func(v string) ([]string, string) { return []string{"--client-id", v}, cmdSecret + "\n" },
			checkFlags: func(v string) ([]string, []string) {
				return []string{"--client-id", v}, []string{"DEXCOM_CLIENT_SECRET=" + cmdSecret}
			}, flagOrVar: "--client-id"},
		{field: "client secret", bad: []string{"s", "a secret with spaces", strings.Repeat("s", 129)},
			rule: onboarding.ValidateClientSecret, wizard: row(onboarding.CollectCredentials, onboarding.FieldClientSecret),
			handoff:  func(p *handoff.Payload, v string) { p.ClientSecret = secret.New(v) },
			vaultAdd: func(v string) ([]string, string) { return []string{"--client-id", id}, v + "\n" },
			checkFlags: func(v string) ([]string, []string) {
				return []string{"--client-id", id}, []string{"DEXCOM_CLIENT_SECRET=" + v}
			}, flagOrVar: "$DEXCOM_CLIENT_SECRET"},
		{field: "app name", bad: []string{strings.Repeat("n", 100<<10), "Acme\u202eevil", "Acme\xff\xfe", "Acme\x1b[31m"},
			rule: onboarding.ValidateAppName, wizard: row(onboarding.CreateApp, "name"),
			handoff: func(p *handoff.Payload, v string) { p.AppName = v },
			vaultAdd: func(v string) ([]string, string) {
				return []string{"--client-id", id, "--app-name", v}, cmdSecret + "\n"
			}},
		{field: "redirect uri", bad: []string{redirect + "#frag", "http://localhost:8765/<script>", "http://example.com:8765/cb", "http://localhost/cb", "http://localhost:8765/cb?x=1"},
			rule: onboarding.ValidateRedirectURI, wizard: row(onboarding.ConfigureRedirect, onboarding.FieldLoopback),
			handoff: func(p *handoff.Payload, v string) { p.RedirectURI = v },
			vaultAdd: func(v string) ([]string, string) {
				return []string{"--client-id", id, "--redirect-uri", v}, cmdSecret + "\n"
			},
			checkFlags: func(v string) ([]string, []string) {
				return []string{"--client-id", id, "--redirect-uri", v}, []string{"DEXCOM_CLIENT_SECRET=" + cmdSecret}
			}, flagOrVar: "--redirect-uri"},
		{field: "ROOK client UUID", bad: []string{"demoClientUUID", "4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a1g"},
			rule: onboarding.ValidateROOKClientUUID, wizard: row(onboarding.AuthenticateTestUser, onboarding.FieldROOKClientUUID),
			checkFlags: func(v string) ([]string, []string) { return []string{"--via", "rook", "--rook-client-uuid", v}, nil }, flagOrVar: "--rook-client-uuid"},
		{field: "ROOK secret key", bad: []string{"a key with spaces", "key\x1b[2J", strings.Repeat("k", 201)},
			rule: onboarding.ValidateROOKSecretKey, wizard: row(onboarding.AuthenticateTestUser, onboarding.FieldROOKSecretKey),
			checkFlags: func(v string) ([]string, []string) {
				return []string{"--via", "rook", "--rook-client-uuid", "4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13"}, []string{"ROOK_SECRET_KEY=" + v}
			}, flagOrVar: "$ROOK_SECRET_KEY"},
		{field: "ROOK user id", bad: []string{"user_1", "a b", strings.Repeat("u", 51), "usér"},
			rule: onboarding.ValidateROOKUserID, wizard: row(onboarding.AuthenticateTestUser, onboarding.FieldROOKUserID),
			checkFlags: func(v string) ([]string, []string) { return []string{"--via", "rook", "--rook-user-id", v}, nil }, flagOrVar: "--rook-user-id"},
	}
	now := time.Now()
	good := func() *handoff.Payload {
		return &handoff.Payload{ID: handoff.NewID(), Created: now, Expires: now.Add(time.Hour), Profile: "Acme", Environment: "sandbox",
			AppName: "Acme sandbox", ClientID: id, ClientSecret: secret.New(cmdSecret), RedirectURI: redirect}
	}
	if err := handoff.Validate(good()); err != nil {
		t.Fatalf("the good hand-off is refused: %v", err)
	}
	session := &service.Session{Profile: &onboarding.Profile{Name: "Acme"}, Progress: onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox), Now: time.Now}
	path := t.TempDir() + "/v.db"
	for _, f := range entries {
		for _, bad := range f.bad {
			name := f.field + " " + strings.ToValidUTF8(bad[:min(len(bad), 40)], "?")
			if f.rule(bad) == nil {
				t.Fatalf("%s: the rule accepts it; the test is wrong", name)
			}
			if f.wizard != nil {
				var r onboarding.Row
				for _, x := range onboarding.SpecOf(f.wizard.step).Rows {
					if x.ID == f.wizard.id {
						r = x
					}
				}
				if _, err := session.Answer(f.wizard.step, r, bad); err == nil {
					t.Errorf("%s: the wizard's row %s accepted it", name, f.wizard.id)
				}
			}
			if f.handoff != nil {
				p := good()
				f.handoff(p, bad)
				if err := handoff.Validate(p); err == nil {
					t.Errorf("%s: the hand-off accepted it", name)
				}
			}
			if f.vaultAdd != nil {
				args, stdin := f.vaultAdd(bad)
				if r := runCmd(t, stdin, nil, append([]string{"--vault", path, "vault", "add", "Acme"}, args...)...); r.code != exitUsage {
					t.Errorf("%s: vault add: %+v", name, r)
				}
			}
			if f.checkFlags != nil {
				args, env := f.checkFlags(bad)
				for _, kv := range env {
					k, v, _ := strings.Cut(kv, "=")
					t.Setenv(k, v)
				}
				r := runCmd(t, "", nil, append([]string{"check", "--no-browser", "--timeout", "1s", "--api-base", "http://127.0.0.1:9"}, args...)...)
				if r.code != exitUsage || !strings.Contains(r.errOut, f.flagOrVar+": ") {
					t.Errorf("%s: check: %+v", name, r)
				}
				for _, kv := range env {
					k, _, _ := strings.Cut(kv, "=")
					t.Setenv(k, "")
				}
			}
		}
	}
}
