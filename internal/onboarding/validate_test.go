package onboarding

import (
	"strings"
	"testing"
)

func TestValidateCredentials(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" accepts; else a word of the error
	}{
		{"dexonboard-demo-app", ""},
		{"Ab3dE5gH9kLmN0pQ", ""},
		{"", "empty"},
		{"abc def-12345", "spaces"},
		{"abcdefgh\n", "spaces"},
		{"abc\x1b[31mdefgh", "characters"},
		{"clïent-id-123", "characters"},
		{"abc\u202edefgh", "characters"},
		{"a1b2c", "shorter"},
		{strings.Repeat("a", MaxCredentialLen), ""},
		{strings.Repeat("a", MaxCredentialLen+1), "longer"},
	}
	for _, tt := range tests {
		for name, check := range map[string]func(string) error{"id": ValidateClientID, "secret": ValidateClientSecret} {
			err := check(tt.in)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("%s %q refused: %v", name, tt.in, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("%s %q: %v, want an error about %q", name, tt.in, err, tt.want)
			case name == "secret" && err != nil && tt.in != "" && strings.Contains(err.Error(), tt.in):
				t.Errorf("the secret's error holds the secret: %v", err)
			}
		}
	}
}

func TestValidateROOKRedirect(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"https://rook.example/api/v1/dexcom/callback", ""},
		{"", "paste"},
		{"http://rook.example/cb", "https://"},
		{"https://rook.example/cb#x", "fragment"},
		{"https://rook.example/cb#", "fragment"},
		{"rook.example/cb", "not a URL"},
		{"https://rook.example/\x1b]8;;x\x07", "not a URL"},
		{"https://rook.example/" + strings.Repeat("a", MaxRedirectURLLen), "longer"},
	}
	for _, tt := range tests {
		err := ValidateROOKRedirect(tt.in)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%q: %v, want %q", tt.in, err, tt.want)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x1b\x07") {
			t.Errorf("%q: the error carries a control character", tt.in)
		}
	}
}

// The simulator's loopback http Redirect URL is accepted only by the
// simulator's rule; real environments keep https.
func TestValidateSimulatedROOKRedirect(t *testing.T) {
	sim := "http://127.0.0.1:8781/api/v1/oauth/dexcom/callback"
	if err := ValidateSimulatedROOKRedirect(sim); err != nil {
		t.Fatalf("simulator's URL refused: %v", err)
	}
	if err := ValidateROOKRedirect(sim); err == nil {
		t.Fatal("a real environment accepted a loopback http Redirect URL")
	}
	for _, bad := range []string{"http://rook.example/cb", "http://127.0.0.1/cb", "http://127.0.0.1:8781/cb#x", ""} {
		if err := ValidateSimulatedROOKRedirect(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := ValidateSimulatedROOKRedirect("https://rook.example/cb"); err != nil {
		t.Errorf("https refused: %v", err)
	}
}

// fieldCase is one value given to a field's rule: want "" accepts, else a
// word the error must hold.
type fieldCase struct{ in, want string }

func runFieldCases(t *testing.T, name string, check func(string) error, cases []fieldCase) {
	t.Helper()
	for _, tc := range cases {
		err := check(tc.in)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %q refused: %v", name, clip(tc.in), err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s %q: %v, want an error about %q", name, clip(tc.in), err, tc.want)
		case err != nil && (strings.ContainsAny(err.Error(), "\x1b\x07\u202e") || strings.Contains(err.Error(), "<script") || strings.Contains(err.Error(), `"onmouseover`)):
			t.Errorf("%s %q: the error carries what it refused: %q", name, clip(tc.in), err)
		}
	}
}

func TestValidateAppName(t *testing.T) {
	runFieldCases(t, "app name", ValidateAppName, []fieldCase{
		{"Acme Health sandbox", ""},
		{"Ärztehaus Zürich — 血糖", ""},
		{strings.Repeat("é", MaxAppNameLen), ""},
		{"", "empty"},
		{"   ", "empty"},
		{strings.Repeat("a", MaxAppNameLen+1), "longer"},
		{strings.Repeat("a", 100_000), "longer"},
		{"Acme\u202eevil", "direction overrides"},
		{"Acme\x1b[2J", "control characters"},
		{"Acme\nHealth", "control characters"},
		{"Acme\xff\xfe", "UTF-8"},
	})
}

func TestValidateRedirectURI(t *testing.T) {
	runFieldCases(t, "redirect URI", ValidateRedirectURI, []fieldCase{
		{"http://localhost:8765/callback", ""},
		{"http://127.0.0.1:8765/cb", ""},
		{"http://[::1]:8765/cb", ""},
		{"http://localhost:8765", ""},
		{"http://localhost:8765/a%20b", ""},
		{"", "empty"},
		{"http://localhost:8765/callback#frag", "fragment"},
		{"http://localhost:8765/callback#", "fragment"},
		{"http://localhost:8765/<script>alert(1)</script>", "characters"},
		{`http://localhost:8765/"onmouseover`, "characters"},
		{"http://localhost:8765/a b", "characters"},
		{"http://localhost:8765/\x1b[2J", "characters"},
		{"http://localhost:8765/" + strings.Repeat("a", MaxRedirectURLLen), "longer"},
		{"https://localhost:8765/cb", "loopback URL"},
		{"http://u:p@localhost:8765/cb", "loopback URL"},
		{"http://localhost:8765/cb?x=1", "loopback URL"},
		{"http://localhost:8765/cb?", "loopback URL"},
		{"http://example.com:8765/cb", "not this machine"},
		{"http://192.168.1.2:8765/cb", "not this machine"},
		{"http://localhost/cb", "port"},
		{"http://localhost:99999/cb", "port"},
		{"myapp://callback", "loopback URL"},
	})
}

func TestValidateROOKRedirectRefusesNonURLCharacters(t *testing.T) {
	runFieldCases(t, "ROOK redirect", ValidateROOKRedirect, []fieldCase{
		{"https://rook.example/<script>", "characters"},
		{`https://rook.example/cb"x`, "characters"},
		{"https://rook.example/cb%3Cok", ""},
	})
	if err := ValidateSimulatedROOKRedirect("http://127.0.0.1:8781/<img>"); err == nil {
		t.Error("the simulator's rule accepted < >")
	}
}

func TestValidateROOKFields(t *testing.T) {
	runFieldCases(t, "ROOK client UUID", ValidateROOKClientUUID, []fieldCase{
		{"4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a13", ""},
		{"4E1C2A9B-7D35-4F08-9C61-0B2D8E5F7A13", ""},
		{"", "36 characters"},
		{"demoClientUUID", "36 characters"},
		{"4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7a1g", "hex digits"},
		{"4e1c2a9b77d35-4f08-9c61-0b2d8e5f7a13", "hex digits"},
		{"4e1c2a9b-7d35-4f08-9c61-0b2d8e5f7\u00e9", "client portal"},
	})
	runFieldCases(t, "ROOK secret key", ValidateROOKSecretKey, []fieldCase{
		{"rook-demo-secret-3b9e61c04d2a", ""},
		{"", "empty"},
		{"abc def", "spaces"},
		{"abc\x1b[2J", "characters"},
		{strings.Repeat("k", MaxROOKSecretLen+1), "longer"},
	})
	runFieldCases(t, "ROOK user id", ValidateROOKUserID, []fieldCase{
		{"dexonboard-test-user", ""},
		{"demoUserId", ""},
		{strings.Repeat("a", MaxROOKUserIDLen), ""},
		{"", "empty"},
		{strings.Repeat("a", MaxROOKUserIDLen+1), "at most 50"},
		{"user_1", "letters, digits and hyphens"},
		{"user/1", "letters, digits and hyphens"},
		{"user 1", "letters, digits and hyphens"},
		{"usér", "letters, digits and hyphens"},
		{"a<script>", "letters, digits and hyphens"},
	})
}

// A ROOK secret key's errors never hold the key.
func TestROOKSecretKeyErrorsHoldNoKey(t *testing.T) {
	for _, key := range []string{"top secret key", "top\x1bsecret", strings.Repeat("s", MaxROOKSecretLen+1)} {
		if err := ValidateROOKSecretKey(key); err == nil || strings.Contains(err.Error(), key) {
			t.Errorf("%q: %v", clip(key), err)
		}
	}
}
