package webhook

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// answering is a receiver that checks the request is ROOK-shaped and
// answers status.
func answering(status int, hits *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		doc, err := rook.DecodeGlucose(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "" ||
			err != nil || doc.Readings() != 288 || doc.DataStructure != rook.BloodGlucoseStructure {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		if status >= 300 && status < 400 {
			w.Header().Set("Location", "/final")
		}
		w.WriteHeader(status)
	}
}

func TestProbeVerdicts(t *testing.T) {
	t.Parallel()
	doc := SampleDocument(time.Now())
	for _, tt := range []struct {
		status  int
		verdict Verdict
		reason  string
	}{
		{200, Pass, "200"},
		{201, PassWithNote, "dexonboard checks for 200"},
		{202, PassWithNote, "dexonboard checks for 200"},
		{500, Fail, "2 h, 24 h and 48 h"},
		{404, Fail, "not 200"},
		{302, Fail, "redirect to /final"},
		{308, Fail, "final URL"},
	} {
		var hits atomic.Int32
		srv := httptest.NewServer(answering(tt.status, &hits))
		r := Probe(context.Background(), srv.URL+"/rook", doc, Options{Env: rook.Sandbox})
		srv.Close()
		if r.Err != nil || r.Status != tt.status || r.Verdict != tt.verdict || !strings.Contains(r.Reason, tt.reason) || r.TLS != nil {
			t.Errorf("%d: %+v", tt.status, r)
		}
		if hits.Load() != 1 {
			t.Errorf("%d: %d requests reached the receiver (a redirect was followed?)", tt.status, hits.Load())
		}
		if tt.verdict == Fail && tt.status < 300 && !strings.Contains(r.Reason, "3 days") {
			t.Errorf("%d: reason %q does not say how long ROOK keeps it", tt.status, r.Reason)
		}
	}
}

func TestProbeTLS(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewTLSServer(answering(200, &hits))
	defer srv.Close()
	doc := SampleDocument(time.Now())

	r := Probe(context.Background(), srv.URL, doc, Options{})
	if r.TLS == nil || r.TLS.Verified || r.TLS.VerifyError == "" || r.Verdict != Fail || r.Status != 200 {
		t.Fatalf("self-signed: %+v %+v", r, r.TLS)
	}
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	r = Probe(context.Background(), srv.URL, doc, Options{RootCAs: roots})
	if r.TLS == nil || !r.TLS.Verified || r.TLS.Version != "TLS 1.3" || r.Verdict != Pass {
		t.Fatalf("trusted: %+v %+v", r, r.TLS)
	}
}

func TestProbeNoAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	r := Probe(context.Background(), url, SampleDocument(time.Now()), Options{Env: rook.Production})
	if r.Err == nil || r.Verdict != Fail || !strings.Contains(r.Reason, "10 days") {
		t.Fatalf("%+v", r)
	}
	for _, bad := range []string{"ftp://x", "not a url", "https://x/\x1b[2J"} {
		if r := Probe(context.Background(), bad, nil, Options{}); r.Err == nil || r.Verdict != Fail {
			t.Errorf("%q: %+v", bad, r)
		}
	}
}

// listen starts a Listener whose reports arrive on the returned channel.
func listen(t *testing.T, maxBody int64) (*Listener, chan Received) {
	t.Helper()
	ch := make(chan Received, 64)
	l, err := Listen("127.0.0.1:0", maxBody, func(r Received) { ch <- r })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, ch
}

func next(t *testing.T, ch chan Received) Received {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("no delivery reported")
	}
	return Received{}
}

func TestProbeAgainstListener(t *testing.T) {
	t.Parallel()
	l, ch := listen(t, 0)
	now := time.Now()
	r := Probe(context.Background(), l.URL+"/anything", SampleDocument(now), Options{})
	if r.Verdict != Pass {
		t.Fatalf("%+v", r)
	}
	got := next(t, ch)
	if got.Status != 200 || got.Readings != 288 || got.UserID != "dexonboard-webhook-probe" || got.Date != now.UTC().AddDate(0, 0, -1).Format(rook.DateLayout) || got.DataStructure != rook.BloodGlucoseStructure {
		t.Fatalf("%+v", got)
	}
}

func TestListenerReceivesSimulatorPush(t *testing.T) {
	t.Parallel()
	l, ch := listen(t, 0)
	app := sandbox.DemoApp()
	cl := rooksim.DemoClient(app.ClientID, app.ClientSecret)
	st, err := rooksim.StartStack(rooksim.StackConfig{ROOK: rooksim.Config{Clients: []rooksim.Client{cl}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.ROOK.SetWebhookURL(cl.UUID, l.URL+"/rook"); err != nil { // as the demo does once it listens
		t.Fatal(err)
	}
	if err := st.ROOK.SetWebhookURL("nobody", l.URL); err == nil {
		t.Fatal("a webhook was set for an unknown client")
	}
	ctx := context.Background()
	c, err := rook.New(rook.Config{BaseURL: st.ROOK.URL, Credentials: rook.Credentials{ClientUUID: cl.UUID, SecretKey: secret.New(cl.SecretKey)}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Authorizer(ctx, "webhook-user", rook.Dexcom, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Autopilot(http.DefaultClient, "SandboxUser2", true)(ctx, a.AuthorizationURL); err != nil {
		t.Fatal(err)
	}
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(rook.DateLayout)
	got := next(t, ch)
	if got.Status != 200 || got.UserID != "webhook-user" || got.ClientUUID != cl.UUID || got.Date != yesterday || got.Readings < 200 || got.Hash == "" || got.Dropped != 0 {
		t.Fatalf("%+v", got)
	}
	// What ROOK pulls for that day is what it pushed.
	doc, found, err := c.BloodGlucose(ctx, "webhook-user", yesterday)
	if err != nil || !found || doc.Readings() != got.Readings {
		t.Fatalf("pull: %v %v %d, push had %d", err, found, doc.Readings(), got.Readings)
	}
}

func TestListenerBounds(t *testing.T) {
	t.Parallel()
	l, ch := listen(t, 1024)
	post := func(body string) int {
		resp, err := http.Post(l.URL, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := post(`{"user_id":"` + strings.Repeat("a", 4096) + `"}`); s != 413 {
		t.Fatalf("too big: %d", s)
	}
	if r := next(t, ch); r.Status != 413 || r.Err == "" {
		t.Fatalf("%+v", r)
	}
	if s := post("<html>"); s != 400 {
		t.Fatalf("not JSON: %d", s)
	}
	if r := next(t, ch); r.Status != 400 {
		t.Fatalf("%+v", r)
	}
	if s := post(`{"user_id":"u\u001b]0;owned\u0007","data_structure":"sleep_summary"}`); s != 200 {
		t.Fatalf("other structure: %d", s)
	}
	if r := next(t, ch); r.UserID != "u" || r.DataStructure != "sleep_summary" {
		t.Fatalf("not cleaned: %+v", r)
	}
	resp, err := http.Get(l.URL)
	if err != nil || resp.StatusCode != 405 {
		t.Fatalf("GET: %v %v", resp, err)
	}
	resp.Body.Close()
}

// Many deliveries at once: each is reported once, reports never overlap.
func TestListenerConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	var inside atomic.Int32
	var mu sync.Mutex
	seen := map[string]int{}
	l, err := Listen("127.0.0.1:0", 0, func(r Received) {
		if inside.Add(1) != 1 {
			t.Error("reports overlapped")
		}
		mu.Lock()
		seen[r.UserID]++
		mu.Unlock()
		inside.Add(-1)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, err := http.Post(l.URL, "application/json", strings.NewReader(fmt.Sprintf(`{"user_id":"u%d"}`, i)))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Fatalf("%d distinct deliveries reported, want %d", len(seen), n)
	}
	for u, c := range seen {
		if c != 1 {
			t.Fatalf("%s reported %d times", u, c)
		}
	}
}

// A webhook URL with user info is refused, and the password is nowhere:
// not in the error, the reason or the URL a report shows.
func TestCheckURLRefusesUserInfoUnseen(t *testing.T) {
	t.Parallel()
	const pass = "Hunter2-Pass-9xQ"
	for _, bad := range []string{
		"https://ops:" + pass + "@hooks.example.com/rook",
		"http://" + pass + "@127.0.0.1:9/rook",
		"https://ops:" + pass + "@hooks.example.com/a b\x1b[2J", // also malformed
	} {
		err := CheckURL(bad)
		if err == nil {
			t.Fatalf("%q accepted", bad)
		}
		r := Probe(context.Background(), bad, SampleDocument(time.Now()), Options{})
		if r.Err == nil || r.Verdict != Fail {
			t.Fatalf("%q probed: %+v", bad, r)
		}
		if seen := err.Error() + r.Reason + r.URL; strings.Contains(seen, pass) {
			t.Fatalf("the password is shown: %s", seen)
		}
	}
	if err := CheckURL("https://ops:" + pass + "@hooks.example.com/rook"); !strings.Contains(err.Error(), "user name or password") {
		t.Fatalf("the error does not say why: %v", err)
	}
	if err := CheckURL("https://hooks.example.com/@team/rook"); err != nil { // an @ in the path is no user info
		t.Fatal(err)
	}
}
