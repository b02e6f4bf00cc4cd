package rook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestInspectStatic(t *testing.T) {
	t.Parallel()
	want := Expected{DexcomBase: "https://sandbox-api.dexcom.com", ClientID: "abc-123", RedirectURL: "https://rook.example/cb"}
	good := "https://sandbox-api.dexcom.com/v2/oauth2/login?client_id=abc-123&redirect_uri=https%3A%2F%2Frook.example%2Fcb&response_type=code&scope=offline_access&state=s"
	for _, tt := range []struct {
		name string
		url  string
		want Mismatch
	}{
		{"good", good, 0},
		{"v3 path", "https://sandbox-api.dexcom.com/v3/oauth2/login?client_id=abc-123&redirect_uri=https%3A%2F%2Frook.example%2Fcb&response_type=code&scope=offline_access", 0},
		{"production host on the sandbox track", "https://api.dexcom.com/v2/oauth2/login?client_id=abc-123", WrongDexcomHost},
		{"not a URL", "sandbox-api.dexcom.com/login", NotAURL},
		{"escape in it", "https://sandbox-api.dexcom.com/\x1b[2J", NotAURL},
		{"other path", "https://sandbox-api.dexcom.com/connections", NotDexcomLogin},
		{"client id one off", "https://sandbox-api.dexcom.com/v2/oauth2/login?client_id=abd-123&redirect_uri=https%3A%2F%2Frook.example%2Fcb&response_type=code&scope=offline_access", WrongClientID},
		{"loopback redirect", "https://sandbox-api.dexcom.com/v2/oauth2/login?client_id=abc-123&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback&response_type=code&scope=offline_access", WrongRedirectURI},
		{"scope", "https://sandbox-api.dexcom.com/v2/oauth2/login?client_id=abc-123&redirect_uri=https%3A%2F%2Frook.example%2Fcb&response_type=token&scope=egv", BadOAuthParams},
	} {
		p := InspectAuthorizationURL(context.Background(), nil, tt.url, want)
		switch {
		case tt.want == 0 && p != nil:
			t.Errorf("%s: %v", tt.name, p)
		case tt.want != 0 && (p == nil || p.Mismatch != tt.want):
			t.Errorf("%s: %#v, want %v", tt.name, p, tt.want)
		case p != nil && p.Error() == "":
			t.Errorf("%s: no message", tt.name)
		}
	}
	p := InspectAuthorizationURL(context.Background(), nil, "https://sandbox-api.dexcom.com/v2/oauth2/login?client_id=abd-123", want)
	if p.Got != "abd-123" || p.Want != "abc-123" {
		t.Fatalf("client ids not shown whole: %#v", p)
	}
}

func TestRefusalText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ body, want string }{
		{`<html><p class="error" id="error">redirect_uri https://x does not match &amp; more</p></html>`, "redirect_uri https://x does not match & more"},
		{`{"error":"invalid_client","error_description":"x"}`, "invalid_client"},
		{"<h1>Bad \x1b[31mRequest</h1>", "Bad Request"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(tt.body))
		}))
		p := InspectAuthorizationURL(context.Background(), srv.Client(), srv.URL+"/v2/oauth2/login?response_type=code&scope=offline_access", Expected{})
		srv.Close()
		if p == nil || p.Mismatch != DexcomRefused || p.Status != 400 || !strings.Contains(p.Detail, tt.want) || strings.Contains(p.Detail, "\x1b") {
			t.Errorf("%q: %#v, want detail %q", tt.body, p, tt.want)
		}
	}
}

// Dexcom's words decide which part is blamed; a message naming both blames
// the client only when the client is the unknown part.
func TestRefusalNames(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		words string
		want  Mismatch
	}{
		{"client_id nope is not a registered application.", WrongClientID},
		{"redirect_uri http://x.example/cb does not match a redirect URI registered for this application.", WrongRedirectURI},
		{"invalid_request Invalid parameter: redirect_uri", WrongRedirectURI},
		{"invalid_client client authentication failed", WrongClientID},
		{"Client not found.", WrongClientID},
		{"client_id abc-123 is unknown; redirect_uri https://rook.example/cb was not checked", WrongClientID},
		{"client_id abc-123 with redirect_uri https://rook.example/cb: redirect_uri is not registered", WrongRedirectURI},
		{"client_id and redirect_uri do not match a registered application", 0},
		{"server busy", 0},
	} {
		p := &AuthURLProblem{Mismatch: DexcomRefused, Status: 400, Detail: tt.words}
		if got := p.Names(); got != tt.want {
			t.Errorf("%q blames %v, want %v", tt.words, got, tt.want)
		}
	}
}
