package dexcom

import (
	"strings"
	"testing"
)

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ raw, want string }{
		{"https://api.example.com", "https://api.example.com"},
		{"https://api.example.com/", "https://api.example.com"},
		{"http://127.0.0.1:8780/proxy/dexcom/", "http://127.0.0.1:8780/proxy/dexcom"},
	} {
		u, err := ParseBaseURL(tt.raw)
		if err != nil || u.String() != tt.want {
			t.Errorf("%q: %v, %v; want %q", tt.raw, u, err, tt.want)
		}
	}
	for _, tt := range []struct{ raw, says string }{
		{"http://u:PASSWORD@127.0.0.1:1/", "user name or password"},
		{"https://PASSWORD@api.example.com", "user name or password"},
		{"http://127.0.0.1:1/?x=1#f", "query or a fragment"},
		{"http://127.0.0.1:1/base?x=1", "query or a fragment"},
		{"http://127.0.0.1:1/#f", "query or a fragment"},
		{"http://127.0.0.1:1/?", "query or a fragment"},
		{"ftp://api.example.com", "not an http(s) URL"},
		{"api.example.com", "not an http(s) URL"},
		{"http:u:PASSWORD@host", "not an http(s) URL"},
		{"http://u:PASSWORD@host:port/", "not a URL"},
	} {
		_, err := ParseBaseURL(tt.raw)
		if err == nil || !strings.Contains(err.Error(), tt.says) || strings.Contains(err.Error(), "PASSWORD") {
			t.Errorf("%q: %v; want an error saying %q, without the password", tt.raw, err, tt.says)
		}
	}
	if _, err := NewEndpoints(Custom, "http://u:PASSWORD@127.0.0.1:1/", OAuthV2); err == nil || strings.Contains(err.Error(), "PASSWORD") {
		t.Errorf("NewEndpoints: %v", err)
	}
}

// Paths go under the base's own path, with net/url's escaping.
func TestEndpointURLsKeepTheBasePath(t *testing.T) {
	t.Parallel()
	ep, err := NewEndpoints(Custom, "http://127.0.0.1:8780/proxy/dexcom/", OAuthV3)
	if err != nil {
		t.Fatal(err)
	}
	for got, want := range map[string]string{
		ep.AuthURL():  "http://127.0.0.1:8780/proxy/dexcom/v3/oauth2/login",
		ep.TokenURL(): "http://127.0.0.1:8780/proxy/dexcom/v3/oauth2/token",
		JoinURL(ep.BaseURL, "/v3/users/self/egvs", "startDate=2026-01-01T00%3A00%3A00"): "http://127.0.0.1:8780/proxy/dexcom/v3/users/self/egvs?startDate=2026-01-01T00%3A00%3A00",
		JoinURL("https://api.dexcom.com", "/v3/users/self/dataRange", ""):               "https://api.dexcom.com/v3/users/self/dataRange",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
