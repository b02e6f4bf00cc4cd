package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

func TestCheckDemo(t *testing.T) {
	r := runCmd(t, "", nil, "check", "--demo", "--json", "--days", "2")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var rep connect.Report
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("%v: %s", err, r.out)
	}
	if rep.Figures == nil || rep.Figures.Count != rep.EGVCount || rep.Figures.Mean < 70 || rep.Figures.GMI < 5 || !strings.Contains(r.out, `"time_in_ranges_pct"`) {
		t.Fatalf("figures: %+v", rep.Figures)
	}
	if !rep.OK || rep.Environment != "sandbox" || rep.EGVCount < 400 || rep.LatestEGV == nil || rep.DataRange == nil || len(rep.Calls) != 4 || rep.Device != "G7 on iOS" {
		t.Fatalf("report: %+v", rep)
	}
	for _, c := range rep.Calls {
		if c.Status != 200 || c.Method != "GET" {
			t.Errorf("call %+v", c)
		}
	}
	if strings.Contains(r.out, sandbox.DemoClientSecret) || strings.Contains(r.errOut, sandbox.DemoClientSecret) {
		t.Fatal("the client secret was printed")
	}
	human := runCmd(t, "", nil, "check", "--demo", "--user", "SandboxUser1")
	if human.code != 0 || !strings.Contains(human.out, "Verified") || !strings.Contains(human.out, "G6 receiver") || !strings.Contains(human.out, "time in ranges") {
		t.Fatalf("human: %+v", human)
	}
}

func TestCheckBadInput(t *testing.T) {
	t.Setenv("DEXCOM_CLIENT_SECRET", "")
	for _, args := range [][]string{
		{"check", "--demo", "--days", "0"},
		{"check", "--demo", "--days", "91"},
		{"check", "--demo", "--user", "SandboxUser9"},
		{"check", "--env", "mars"},
		{"check", "--client-id", "abc"},
		{"check", "--api-base", "ftp://x"},
	} {
		if r := runCmd(t, "", nil, args...); r.code != exitUsage {
			t.Errorf("%v: code %d (%s)", args, r.code, r.errOut)
		}
	}
	t.Setenv("DEXCOM_CLIENT_SECRET", "s")
	r := runCmd(t, "", nil, "check", "--client-id", "abcdefgh12", "--redirect-uri", "https://example.com/cb")
	if r.code != exitUsage || !strings.Contains(r.errOut, "loopback") {
		t.Fatalf("non-loopback redirect: %+v", r)
	}
	// A Client ID Dexcom cannot have is refused before any login starts.
	r = runCmd(t, "", nil, "check", "--client-id", "bad id", "--no-browser")
	if r.code != exitUsage || !strings.Contains(r.errOut, "--client-id") || !strings.Contains(r.errOut, "spaces") {
		t.Fatalf("bad client id: %+v", r)
	}
}

// checkWorld is a simulator on loopback and a vault profile holding its demo app.
type checkWorld struct {
	sim      *sandbox.Server
	url      string
	vault    string
	redirect string
}

func newCheckWorld(t *testing.T) *checkWorld { return newCheckWorldWith(t, sandbox.Config{}) }

// newCheckWorldWith is newCheckWorld with a simulator set up by cfg.
func newCheckWorldWith(t *testing.T, cfg sandbox.Config) *checkWorld {
	t.Helper()
	redirect, err := connect.FreeRedirectURI()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Apps = []sandbox.App{sandbox.DemoApp(redirect)}
	sim := sandbox.New(cfg)
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	w := &checkWorld{sim: sim, url: ts.URL, vault: t.TempDir() + "/v.db", redirect: redirect}
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	if r := runCmd(t, "", nil, "--vault", w.vault, "vault", "init"); r.code != 0 {
		t.Fatal(r)
	}
	if r := runCmd(t, sandbox.DemoClientSecret, nil, "--vault", w.vault, "vault", "add", "Acme", "--env", "sandbox",
		"--client-id", sandbox.DemoClientID, "--redirect-uri", redirect); r.code != 0 {
		t.Fatal(r)
	}
	return w
}

func (w *checkWorld) check(t *testing.T, browse func(context.Context, string) error, args ...string) result {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	e := &env{ios: ios, prompt: &fakePrompter{}, browse: browse}
	code := runWith(context.Background(), e, append([]string{"--vault", w.vault, "check", "--profile", "acme", "--api-base", w.url}, args...))
	return result{code, out.String(), errOut.String()}
}

func TestCheckWithVaultProfileReusesLogin(t *testing.T) {
	w := newCheckWorld(t)
	login := sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)
	r := w.check(t, login, "--json")
	if r.code != 0 || !strings.Contains(r.out, `"login_reused": false`) {
		t.Fatalf("first check: %+v", r)
	}
	never := func(context.Context, string) error {
		t.Error("logged in again although a saved login exists")
		return nil
	}
	r = w.check(t, never, "--json")
	if r.code != 0 || !strings.Contains(r.out, `"login_reused": true`) {
		t.Fatalf("second check: %+v", r)
	}
	show := runCmd(t, "", nil, "--vault", w.vault, "vault", "show", "Acme")
	if !strings.Contains(show.out, "last check:") || !strings.Contains(show.out, "verified") || !strings.Contains(show.out, "login:") {
		t.Fatalf("profile after check: %s", show.out)
	}
}

func TestCheckFailuresHaveTheirExitCodes(t *testing.T) {
	w := newCheckWorld(t)
	r := w.check(t, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", false))
	if r.code != exitLogin || !strings.Contains(r.out, "denied access") {
		t.Fatalf("denied: %+v", r)
	}
	w.sim.FailNext(403)
	r = w.check(t, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true), "--json")
	if r.code != exitAPI || !strings.Contains(r.out, `"ok": false`) || !strings.Contains(r.out, "lacks access") {
		t.Fatalf("403: %+v", r)
	}
	r = runCmd(t, "", nil, "--vault", w.vault, "check", "--profile", "nobody")
	if r.code != exitVault {
		t.Fatalf("unknown profile: %+v", r)
	}
	r = runCmd(t, "", nil, "--vault", w.vault, "check", "--profile", "acme", "--env", "us")
	if r.code != exitUsage || !strings.Contains(r.errOut, "vault add") {
		t.Fatalf("no production app: %+v", r)
	}
}

// TestCheckReadsUnusualAnswers is issue 11's done-when: against a simulator
// serving fractional and mmol/L values, a malformed record, an unreadable
// time, updated and deleted events and an mmol/L device setting, check
// exits 0, says what it dropped and counts no deleted event.
func TestCheckReadsUnusualAnswers(t *testing.T) {
	w := newCheckWorldWith(t, sandbox.Config{Quirks: true})
	r := w.check(t, sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true), "--days", "3")
	if r.code != 0 {
		t.Fatalf("check failed: %+v", r)
	}
	for _, want := range []string{"Verified", "dropped", "egvs (value is text, not a number)", "egvs (systemTime is not a readable time)", "G7 on iOS"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	r = w.check(t, nil, "--days", "3", "--json")
	var rep connect.Report
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil || r.code != 0 {
		t.Fatalf("%v: %+v", err, r)
	}
	if rep.DroppedCount < 2 || rep.DroppedCount != rep.Dropped.Total() || len(rep.Dropped) != 2 {
		t.Fatalf("dropped: %d %+v", rep.DroppedCount, rep.Dropped)
	}
	// The simulator's own events for the same window, read as they are sent:
	// every id once, without the ids that were deleted.
	ids, deleted := rawEventIDs(t, w, rep.CheckedAt.Add(-3*24*time.Hour), rep.CheckedAt)
	if len(deleted) == 0 {
		t.Fatal("the simulator sent no deleted event")
	}
	if want := len(ids) - len(deleted); rep.EventCount != want {
		t.Errorf("event_count %d, want %d (%d ids, %d deleted)", rep.EventCount, want, len(ids), len(deleted))
	}
}

// rawEventIDs logs in to the world's simulator and lists the event ids it
// sends for [start, end), and which of them it marks deleted.
func rawEventIDs(t *testing.T, w *checkWorld, start, end time.Time) (ids, deleted map[string]bool) {
	t.Helper()
	ctx := context.Background()
	ep, _ := dexcom.NewEndpoints(dexcom.Custom, w.url, dexcom.OAuthV2)
	cfg := dexcom.OAuthConfig(ep, dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: secret.New(sandbox.DemoClientSecret), RedirectURI: w.redirect})
	loc, err := sandbox.LogIn(ctx, http.DefaultClient, cfg.AuthCodeURL("s"), "SandboxUser7", true)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, loc.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	ids, deleted = map[string]bool{}, map[string]bool{}
	for _, win := range dexcom.SplitWindows(start.Truncate(time.Second), end.Truncate(time.Second), dexcom.MaxWindow) {
		req, _ := http.NewRequest(http.MethodGet, w.url+"/v3/users/self/events?startDate="+dexcom.FormatQueryTime(win.Start)+"&endDate="+dexcom.FormatQueryTime(win.End), nil)
		tok.SetAuthHeader(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Records []struct {
				ID     string `json:"recordId"`
				Status string `json:"eventStatus"`
			} `json:"records"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range body.Records {
			ids[e.ID] = true
			if e.Status == dexcom.EventDeleted {
				deleted[e.ID] = true
			}
		}
	}
	return ids, deleted
}
