package rook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
)

// A base with a path (ROOK behind a proxy) keeps its path in every call.
func TestBaseURLWithAPathThroughAProxy(t *testing.T) {
	t.Parallel()
	st := stack(t, rooksim.Faults{})
	target, _ := url.Parse(st.ROOK.URL)
	sim := httputil.NewSingleHostReverseProxy(target)
	var wrong atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/proxy/rook/")
		if !ok {
			wrong.Add(1)
			http.NotFound(w, r)
			return
		}
		r.URL.Path, r.URL.RawPath = "/"+rest, ""
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	c := client(t, st, func(cfg *rook.Config) { cfg.BaseURL = proxy.URL + "/proxy/rook/" })
	a, err := c.Authorizer(context.Background(), "user-1", rook.Dexcom, "")
	if err != nil || a.AuthorizationURL == "" || wrong.Load() > 0 {
		t.Fatalf("%+v, %v, %d calls outside /proxy/rook/", a, err, wrong.Load())
	}
}

func TestBaseURLWithAPasswordIsRefused(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"http://u:PASSWORD@127.0.0.1:1/", "http://127.0.0.1:1/?x=1#f"} {
		_, err := rook.New(rook.Config{BaseURL: base})
		if err == nil || strings.Contains(err.Error(), "PASSWORD") {
			t.Errorf("%s: %v", base, err)
		}
		if err := rook.CheckBaseURL(base); err == nil || strings.Contains(err.Error(), "PASSWORD") {
			t.Errorf("%s: %v", base, err)
		}
	}
}
