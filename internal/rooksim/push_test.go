package rooksim_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// receiver is a client's webhook answering status and keeping each body.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	hashes []string
}

func newReceiver(t *testing.T, status int) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, b)
		rc.hashes = append(rc.hashes, r.Header.Get("X-ROOK-Hash"))
		rc.mu.Unlock()
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "" {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// connect runs the authorizer and the browser hop for userID.
func connect(t *testing.T, st *rooksim.Stack, userID string) {
	t.Helper()
	ctx := context.Background()
	c, err := rook.New(rook.Config{BaseURL: st.ROOK.URL, Credentials: rook.Credentials{ClientUUID: rooksim.DemoClientUUID, SecretKey: secret.New(rooksim.DemoSecretKey)}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Authorizer(ctx, userID, rook.Dexcom, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)(ctx, a.AuthorizationURL); err != nil {
		t.Fatal(err) // includes the callback answering other than 200
	}
}

func TestPushAfterConnection(t *testing.T) {
	t.Parallel()
	for _, status := range []int{200, 500} {
		rc := newReceiver(t, status)
		done := make(chan rooksim.Delivery, 8)
		app := sandbox.DemoApp()
		cl := rooksim.DemoClient(app.ClientID, app.ClientSecret)
		cl.WebhookURL = rc.URL + "/rook"
		// Both clocks stand at a fixed noon: "today" has readings at any hour the test runs.
		now := func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
		st, err := rooksim.StartStack(rooksim.StackConfig{Dexcom: sandbox.Config{Now: now}, ROOK: rooksim.Config{Clients: []rooksim.Client{cl}, PushDays: 2,
			Now: now, OnDelivery: func(d rooksim.Delivery) { done <- d }}})
		if err != nil {
			t.Fatal(err)
		}
		connect(t, st, "pushed-user")
		var got []rooksim.Delivery
		for range 2 {
			select {
			case d := <-done:
				got = append(got, d)
			case <-time.After(30 * time.Second):
				t.Fatal("no delivery")
			}
		}
		st.Close()
		today := now()
		wantDates := []string{today.AddDate(0, 0, -1).Format(rook.DateLayout), today.Format(rook.DateLayout)}
		for i, d := range got {
			if d.Status != status || d.Received() != (status == 200) || d.Date != wantDates[i] || d.UserID != "pushed-user" || d.Readings == 0 {
				t.Fatalf("delivery %d = %+v", i, d)
			}
			doc, err := rook.DecodeGlucose(bytes.NewReader(rc.bodies[i]))
			if err != nil || doc.Readings() != d.Readings || doc.Date() != d.Date || rc.hashes[i] == "" {
				t.Fatalf("body %d: %v readings %d hash %q", i, err, doc.Readings(), rc.hashes[i])
			}
		}
		if len(st.ROOK.Deliveries()) != 2 {
			t.Fatalf("deliveries recorded: %v", st.ROOK.Deliveries())
		}
	}
}

// Deliveries are signed as ROOK publishes: the top-level datetime by
// default, the metadata's with SignMetadataDatetime; never the body.
func TestPushSignedAsPublished(t *testing.T) {
	t.Parallel()
	for _, meta := range []bool{false, true} {
		rc := newReceiver(t, 200)
		done := make(chan rooksim.Delivery, 8)
		app := sandbox.DemoApp()
		cl := rooksim.DemoClient(app.ClientID, app.ClientSecret)
		cl.WebhookURL = rc.URL
		now := func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
		st, err := rooksim.StartStack(rooksim.StackConfig{Dexcom: sandbox.Config{Now: now}, ROOK: rooksim.Config{Clients: []rooksim.Client{cl}, PushDays: 1,
			Now: now, SignMetadataDatetime: meta, OnDelivery: func(d rooksim.Delivery) { done <- d }}})
		if err != nil {
			t.Fatal(err)
		}
		connect(t, st, "signed-user")
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("no delivery")
		}
		st.Close()
		rc.mu.Lock()
		body, hash := rc.bodies[0], rc.hashes[0]
		rc.mu.Unlock()
		want := rook.TopLevelDatetime
		if meta {
			want = rook.MetadataDatetime
		}
		got := rook.VerifyHash(rooksim.DemoHashKey, hash, body)
		if got.Verdict != rook.HashVerified || got.Matched != want {
			t.Fatalf("metadata %v: %+v, want verified with the %s", meta, got, want)
		}
		if hash != rook.Hash(rooksim.DemoHashKey, rooksim.DemoClientUUID, "signed-user", datetimeOf(t, body, meta)) {
			t.Fatalf("hash %s is not HMAC(client_uuid+user_id+datetime)", hash)
		}
	}
}

func datetimeOf(t *testing.T, body []byte, meta bool) string {
	t.Helper()
	f, ok := rook.ReadHashFields(body)
	if !ok {
		t.Fatalf("body lacks the hash fields: %s", body[:min(len(body), 200)])
	}
	if meta {
		return f.Datetimes[1].Value
	}
	return f.Datetimes[0].Value
}
