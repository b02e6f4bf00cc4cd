package dexcom_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

func loginURL(base, clientID, redirect, scope string) string {
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {scope}, "state": {"s3cr3t-state"}}
	return base + "/v2/oauth2/login?" + q.Encode()
}

// Both login variants of the simulator pass; each refusal is read from the
// place it is made (an error page, a redirect carrying error=).
func TestProbeLoginAgainstTheSimulator(t *testing.T) {
	t.Parallel()
	for _, inPlace := range []bool{false, true} {
		ts := httptest.NewServer(sandbox.New(sandbox.Config{LoginInPlace: inPlace}))
		defer ts.Close()
		tests := []struct {
			name              string
			client, redirect  string
			scope             string
			wantCode, wantIn  string // "" wantIn: passes
			wantHopsWhenValid int
		}{
			{name: "valid", client: sandbox.DemoClientID, redirect: sandbox.DemoRedirectURI, scope: "offline_access"},
			{name: "unknown client", client: "nope", redirect: sandbox.DemoRedirectURI, scope: "offline_access", wantIn: "client_id nope is not a registered application"},
			{name: "unregistered redirect", client: sandbox.DemoClientID, redirect: "http://localhost:9/cb", scope: "offline_access", wantIn: "redirect_uri http://localhost:9/cb does not match"},
			{name: "bad scope", client: sandbox.DemoClientID, redirect: sandbox.DemoRedirectURI, scope: "egv", wantIn: "scope must be offline_access"},
		}
		for _, tt := range tests {
			page, err := dexcom.ProbeLogin(context.Background(), ts.Client(), loginURL(ts.URL, tt.client, tt.redirect, tt.scope))
			if tt.wantIn == "" {
				wantHops := 1
				if inPlace {
					wantHops = 0
				}
				if err != nil || page.Status != 200 || page.Hops != wantHops || strings.Contains(page.URL, "state") {
					t.Errorf("in place %v, %s: %+v, %v; want a login page after %d redirects", inPlace, tt.name, page, err, wantHops)
				}
				continue
			}
			var r *dexcom.LoginRefusal
			if !errors.As(err, &r) || !strings.Contains(r.Error(), tt.wantIn) {
				t.Errorf("in place %v, %s: %v; want a refusal saying %q", inPlace, tt.name, err, tt.wantIn)
				continue
			}
			if tt.name == "bad scope" && !inPlace && (r.Code != "invalid_scope" || r.Status != http.StatusFound) {
				t.Errorf("identity page: bad scope read as %+v, want a redirect carrying invalid_scope", r)
			}
			if strings.Contains(r.Error(), "s3cr3t-state") {
				t.Errorf("%s: the refusal repeats the state: %v", tt.name, r)
			}
		}
	}
}

// Outside the simulator: an error page that answers 200 (Keycloak's
// markup), a redirect off Dexcom, a redirect loop, nobody listening.
func TestProbeLoginJudgesWhereItEnds(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<form>log in</form>")) }))
	defer other.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/kc", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`<html><div id="kc-error-message"><p class="instruction">Invalid parameter: redirect_uri` + "\x1b[2J" + `</p></div></html>`))
	})
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/login", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"Client not found"}`))
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + ln.Addr().String()
	ln.Close()

	check := func(path string, want func(*dexcom.LoginRefusal) bool) {
		t.Helper()
		_, err := dexcom.ProbeLogin(context.Background(), ts.Client(), ts.URL+path)
		var r *dexcom.LoginRefusal
		if !errors.As(err, &r) || !want(r) {
			t.Errorf("%s: %v", path, err)
		}
	}
	check("/kc", func(r *dexcom.LoginRefusal) bool {
		return r.Status == 200 && r.Names("redirect_uri") && !strings.Contains(r.Detail, "\x1b")
	})
	check("/away", func(r *dexcom.LoginRefusal) bool { return r.OffHost && strings.Contains(r.Error(), other.URL+"/login") })
	check("/loop", func(r *dexcom.LoginRefusal) bool { return r.TooMany })
	check("/json", func(r *dexcom.LoginRefusal) bool {
		return r.Code == "invalid_client" && r.Names("client") && strings.Contains(r.Error(), "Client not found")
	})
	_, err := dexcom.ProbeLogin(context.Background(), nil, closed+"/v2/oauth2/login?state=s3cr3t")
	if !errors.Is(err, dexcom.ErrLoginUnreachable) || !strings.HasSuffix(err.Error(), closed+"/v2/oauth2/login: connection refused") {
		t.Errorf("nobody listening: %v, want ErrLoginUnreachable in plain words", err)
	}
}

// From a public Dexcom host a login may go to Dexcom's identity hosts and
// other public hosts, over https only; from any other host only to itself.
func TestLoginRedirectRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to string
		ok       bool
	}{
		{"https://api.dexcom.com/v2/oauth2/login", "https://uam1.dexcom.com/identity/login", true},
		{"https://api.dexcom.eu/v2/oauth2/login", "https://keycloak-prod.dexcom.eu/auth", true},
		{"https://sandbox-api.dexcom.com/v2/oauth2/login", "https://keycloak-prod.dexcom.com/auth", true},
		{"https://api.dexcom.com/v2/oauth2/login", "http://uam1.dexcom.com/identity/login", false},
		{"https://api.dexcom.com/v2/oauth2/login", "https://evil.example/login", false},
		{"https://api.dexcom.com/v2/oauth2/login", "https://uam1.dexcom.com.evil.example/", false},
		{"http://127.0.0.1:8080/v2/oauth2/login", "http://127.0.0.1:8080/identity/login", true},
		{"http://127.0.0.1:8080/v2/oauth2/login", "https://uam1.dexcom.com/identity/login", false},
		{"http://127.0.0.1:8080/v2/oauth2/login", "http://127.0.0.1:8081/identity/login", false},
	}
	for _, tt := range tests {
		from, _ := url.Parse(tt.from)
		to, _ := url.Parse(tt.to)
		if got := dexcom.LoginHosts(from)(to); got != tt.ok {
			t.Errorf("%s -> %s: allowed %v, want %v", tt.from, tt.to, got, tt.ok)
		}
	}
}
