package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

func TestWebhookProbeCommand(t *testing.T) {
	for _, tt := range []struct {
		status int
		code   int
		want   string
	}{
		{200, 0, "pass: the webhook answered 200"},
		{202, 0, "dexonboard checks for 200"},
		{500, exitFailure, "after 2 h, 24 h and 48 h"},
		{301, exitFailure, "redirect: /elsewhere (not followed)"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(tt.status)
		}))
		r := runCmd(t, "", nil, "webhook", "probe", srv.URL)
		j := runCmd(t, "", nil, "webhook", "probe", srv.URL, "--json")
		srv.Close()
		if r.code != tt.code || !strings.Contains(r.out, tt.want) || !strings.Contains(r.out, "tls: none") {
			t.Errorf("%d: %+v", tt.status, r)
		}
		var out struct {
			Status int  `json:"status"`
			OK     bool `json:"ok"`
		}
		if err := json.Unmarshal([]byte(j.out), &out); err != nil || j.code != tt.code || out.Status != tt.status || out.OK != (tt.code == 0) {
			t.Errorf("%d --json: %+v %v", tt.status, j, err)
		}
	}
	if r := runCmd(t, "", nil, "webhook", "probe", "ftp://nope"); r.code != exitUsage {
		t.Errorf("bad URL: %+v", r)
	}
	if r := runCmd(t, "", nil, "webhook", "probe", "http://127.0.0.1:1/", "--rook-env", "moon"); r.code != exitUsage {
		t.Errorf("bad env: %+v", r)
	}
}

// Dexcom -> ROOK -> webhook, each a dexonboard command: sandbox serve
// pushes to webhook listen after a test user connects through ROOK.
func TestWebhookListenReceivesSandboxPush(t *testing.T) {
	t.Setenv("ROOK_HASH_KEY", rooksim.DemoHashKey) // the demo client's secret hash key
	lst, deliveries := start(t, "listening", "webhook", "listen", "--addr", "127.0.0.1:0")
	out := serve(t, "--rook-webhook", lst["listening"]+"/rook")
	ctx := context.Background()
	c, err := rook.New(rook.Config{BaseURL: out["rook base url"],
		Credentials: rook.Credentials{ClientUUID: out["rook client uuid"], SecretKey: secret.New(out["rook secret key"])}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Authorizer(ctx, "cli-user", rook.Dexcom, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)(ctx, a.AuthorizationURL); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		if deliveries.Scan() {
			got <- deliveries.Text()
		}
		close(got)
	}()
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(rook.DateLayout)
	select {
	case line := <-got:
		if !strings.Contains(line, "blood_glucose_event user cli-user date "+yesterday+" readings ") || !strings.Contains(line, "x-rook-hash verified (top-level datetime)") {
			t.Fatalf("listen printed %q", line)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("listen printed no delivery")
	}
}
