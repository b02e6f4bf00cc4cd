package webhook

import (
	"context"
	"net"
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

// The documented mode end to end: a webhook that refuses unsigned posts
// takes ROOK's signed delivery and dexonboard's signed probe, and refuses
// an unsigned probe, which then says what to set.
func TestSignedChainAgainstAStrictWebhook(t *testing.T) {
	t.Parallel()
	ch := make(chan Received, 16)
	l, err := ListenWith("127.0.0.1:0", ListenOptions{HashKey: secret.New(rooksim.DemoHashKey), RequireHash: true}, func(r Received) { ch <- r })
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	app := sandbox.DemoApp()
	cl := rooksim.DemoClient(app.ClientID, app.ClientSecret)
	cl.WebhookURL = l.URL + "/rook"
	delivered := make(chan rooksim.Delivery, 4)
	// Both clocks at a fixed noon: "today" has readings whenever the test runs.
	now := func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
	st, err := rooksim.StartStack(rooksim.StackConfig{Dexcom: sandbox.Config{Now: now}, ROOK: rooksim.Config{Clients: []rooksim.Client{cl}, PushDays: 1,
		Now: now, OnDelivery: func(d rooksim.Delivery) { delivered <- d }}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	c, err := rook.New(rook.Config{BaseURL: st.ROOK.URL, Credentials: rook.Credentials{ClientUUID: cl.UUID, SecretKey: secret.New(cl.SecretKey)}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.AuthorizationLink(ctx, "strict-user", rook.Dexcom)
	if err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)(ctx, a.AuthorizationURL); err != nil {
		t.Fatal(err)
	}
	got := next(t, ch)
	if got.Status != 200 || got.HashCheck.Verdict != rook.HashVerified || got.HashCheck.Matched != rook.TopLevelDatetime {
		t.Fatalf("ROOK's delivery: %+v", got)
	}
	select {
	case d := <-delivered:
		if !d.Received() {
			t.Fatalf("ROOK counts %+v", d)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("ROOK recorded no delivery")
	}

	signed := Probe(ctx, l.URL+"/rook", SampleDocument(time.Now()), Options{HashKey: secret.New(rooksim.DemoHashKey)})
	if signed.Verdict != Pass || !signed.Signed {
		t.Fatalf("signed probe: %+v", signed)
	}
	if r := next(t, ch); r.HashCheck.Verdict != rook.HashVerified {
		t.Fatalf("listener on the signed probe: %+v", r)
	}

	unsigned := Probe(ctx, l.URL+"/rook", SampleDocument(time.Now()), Options{})
	if unsigned.Verdict != Fail || unsigned.Status != 401 || !strings.Contains(unsigned.Reason, "your webhook checks x-rook-hash: set $ROOK_HASH_KEY") {
		t.Fatalf("unsigned probe: %+v", unsigned)
	}
	if r := next(t, ch); r.Status != 401 || r.HashCheck.Verdict != rook.HashMissing {
		t.Fatalf("listener on the unsigned probe: %+v", r)
	}

	wrong := Probe(ctx, l.URL+"/rook", SampleDocument(time.Now()), Options{HashKey: secret.New("not-the-key")})
	if wrong.Verdict != Fail || wrong.Status != 401 || !strings.Contains(wrong.Reason, "signed with $ROOK_HASH_KEY") || strings.Contains(wrong.Reason, "not-the-key") {
		t.Fatalf("wrongly signed probe: %+v", wrong)
	}
	if r := next(t, ch); r.HashCheck.Verdict != rook.HashWrong {
		t.Fatalf("listener on the wrong hash: %+v", r)
	}
	if _, err := ListenWith("127.0.0.1:0", ListenOptions{RequireHash: true}, nil); err == nil {
		t.Fatal("a listener that requires a hash started without a key")
	}
}

// No answer is said in plain words, not as Go's transport error.
func TestProbeNoAnswerInPlainWords(t *testing.T) {
	t.Parallel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + ln.Addr().String() + "/hook"
	ln.Close()
	r := Probe(context.Background(), closed, SampleDocument(time.Now()), Options{Timeout: 5 * time.Second})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "connection refused") || strings.Contains(r.Err.Error(), "dial tcp") {
		t.Fatalf("refused: %v", r.Err)
	}

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer slow.Close()
	defer close(release)
	r = Probe(context.Background(), slow.URL, SampleDocument(time.Now()), Options{Timeout: 200 * time.Millisecond})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "did not answer within 200ms") || strings.Contains(r.Err.Error(), "Client.Timeout") || strings.Contains(r.Err.Error(), "deadline") {
		t.Fatalf("timeout: %v", r.Err)
	}
}
