package service

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// The preflight's login URL is built with net/url: the query reaches the
// server whatever the base holds after its path. NewEndpoints refuses a
// base with a fragment; an Endpoints value made otherwise must not lose
// the query behind it.
func TestPreflightBuildsTheLoginURLWithNetURL(t *testing.T) {
	t.Parallel()
	asked := make(chan *http.Request, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r
		_, _ = w.Write([]byte("<html>login</html>"))
	}))
	defer srv.Close()
	ep := dexcom.Endpoints{BaseURL: srv.URL + "/proxy/dexcom#top", OAuth: dexcom.OAuthV2}
	status, _, err := probe(srv.Client(), ep, "client-1", "http://localhost:8765/callback")
	if err != nil || status != http.StatusOK || len(asked) != 1 {
		t.Fatalf("status %d, err %v, %d requests", status, err, len(asked))
	}
	got := <-asked
	q := got.URL.Query()
	if got.URL.Path != "/proxy/dexcom/v2/oauth2/login" || q.Get("client_id") != "client-1" ||
		q.Get("redirect_uri") != "http://localhost:8765/callback" || q.Get("response_type") != "code" {
		t.Fatalf("Dexcom was asked for %s", got.URL)
	}
}
