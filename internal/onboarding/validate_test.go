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
