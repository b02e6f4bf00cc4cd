package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/httpretry"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/webhook"
)

// ROOKStage is one stage of Step 6 through ROOK, in the order they run.
type ROOKStage int

// The stages, each shown as a line of the stage list.
const (
	StageAuthorizer ROOKStage = iota // ask ROOK's authorizer for Dexcom
	StageCheckURL                    // check the authorization URL
	StageBrowser                     // open the browser and wait on ROOK's authorized list
	StageAuthorized                  // wait until ROOK reports Dexcom connected
	StageGlucose                     // pull blood glucose from ROOK
	StageCompare                     // compare with Dexcom's readings
	StageWebhook                     // probe the data webhook
	stageCount
)

// ROOKStages lists the stages for a stage list.
func ROOKStages() []ROOKStage {
	out := make([]ROOKStage, stageCount)
	for i := range out {
		out[i] = ROOKStage(i)
	}
	return out
}

func (s ROOKStage) String() string {
	return [...]string{
		"ask ROOK's authorizer for Dexcom",
		"check the authorization URL (Dexcom host, Client ID, Redirect URL, a login page at Dexcom)",
		"open the login in a browser and wait until ROOK's list shows Dexcom connected",
		"wait until ROOK reports Dexcom connected",
		"pull blood glucose from ROOK",
		"compare with Dexcom's readings",
		"probe the data webhook",
	}[s]
}

// Key is the stage's short name in reports.
func (s ROOKStage) Key() string {
	return [...]string{"authorizer", "authorization_url", "browser", "authorized", "glucose", "compare", "webhook"}[s]
}

// ROOKLeg is Step 6 through ROOK: ROOK's authorizer (no redirect_url by
// default), the authorization URL checked before any browser opens, the
// login while ROOK's authorized list is watched, its blood glucose, and
// (optionally) the comparison with Dexcom and a webhook probe. `check` and
// both front ends of the wizard run it.
type ROOKLeg struct {
	Env         rook.Environment
	BaseURL     string // overrides Env's API host
	Credentials rook.Credentials
	UserID      string
	// What the authorization URL must carry: the track's Dexcom host,
	// Step 3's Client ID, Step 4's ROOK Redirect URL.
	DexcomBase, ClientID, RedirectURL string
	// DexcomEnv is the track's Dexcom environment, for naming a
	// sandbox/production mix when DexcomBase is a simulator's.
	DexcomEnv dexcom.Environment
	// CallbackURL is ROOK's redirect_url, only for a client with ROOK's
	// Callback URL add-on: https, at most 50 characters (checked before it
	// is sent). "" (the default) sends none: the browser ends on ROOK's own
	// page and the leg learns of the connection from ROOK's authorized
	// list.
	CallbackURL string
	// OnWait, when set, hears each answer of ROOK's authorized list while
	// the leg waits for the user to connect.
	OnWait func(rook.WatchProgress)
	// Open shows the authorization URL (a browser, the screen, the demo's
	// autopilot); it runs in its own goroutine.
	Open    func(ctx context.Context, url string) error
	Timeout time.Duration // how long to wait for the browser
	Poll    rook.Poll     // waits for ROOK (connected, first data)
	Days    int           // how many days back to look for data
	HTTP    *http.Client  // for Dexcom's login page and the webhook
	APIHTTP *http.Client  // for ROOK's API (nil: rook's default with APITimeout)
	// APITimeout bounds one ROOK API call (0: rook.DefaultTimeout).
	APITimeout time.Duration
	Retry      *rook.Retry
	Sleep      func(context.Context, time.Duration) error
	Now        func() time.Time
	// Dexcom, when the direct check ran, fetches Dexcom's readings of the
	// day ROOK returned, for the comparison.
	Dexcom     *dexcom.Client
	WebhookURL string // "" skips the probe
	// WebhookTimeout bounds the probe's wait for an answer (default 15 s).
	WebhookTimeout time.Duration
	// HashKey is the client's secret hash key ($ROOK_HASH_KEY): when set,
	// the webhook probe signs x-rook-hash as ROOK does.
	HashKey secret.String
	// WrapWebhook, when set, wraps the webhook probe's transport (a
	// transcript of the run).
	WrapWebhook func(http.RoundTripper) http.RoundTripper
	// AfterLogin bounds the wait on ROOK's list once an opener that walks
	// the whole login (the demo's autopilot) came back without an error
	// (default 10 s): the login went through at Dexcom, so a list that
	// still shows nothing means ROOK could not exchange the code.
	AfterLogin time.Duration
	// OnGlucoseWait, when set, hears each round of the wait for ROOK's
	// first blood glucose that found none.
	OnGlucoseWait func(rook.GlucoseProgress)
	OnStage       func(ROOKStage, string)
}

// ROOKDay is one day ROOK was asked for.
type ROOKDay struct {
	Date  string `json:"date"`
	Count int    `json:"count"` // granular readings ROOK returned
}

// ROOKComparison is ROOK's day against Dexcom's: on the span both cover,
// Dexcom's readings missing at ROOK, those that differ, and the first
// three of either.
type ROOKComparison struct {
	Date     string   `json:"date"`
	ROOK     int      `json:"rook"`
	Dexcom   int      `json:"dexcom"`
	Matched  int      `json:"matched"`
	Missing  int      `json:"missing"`
	Differ   int      `json:"differ"`
	Examples []string `json:"examples,omitempty"`
	Summary  string   `json:"summary"`
}

// WebhookReport is a webhook probe, secret-free.
type WebhookReport struct {
	URL        string `json:"url"`
	Status     int    `json:"status"`
	Verdict    string `json:"verdict"`
	Ms         int64  `json:"ms"`
	TLS        string `json:"tls,omitempty"`
	TLSChecked bool   `json:"tls_verified,omitempty"`
	Redirect   string `json:"redirect,omitempty"`
	Reason     string `json:"reason"`
	OK         bool   `json:"ok"`
	Signed     bool   `json:"signed,omitempty"` // the probe carried x-rook-hash
	// Hash is the receiver's verdict on the probe's x-rook-hash, when the
	// receiver reports it (a local one).
	Hash string `json:"x_rook_hash,omitempty"`
}

// ROOKReport is what the ROOK leg found, as `check --json` prints it.
type ROOKReport struct {
	Environment      string          `json:"environment"`
	APIBase          string          `json:"api_base"`
	ClientUUID       string          `json:"client_uuid"`
	UserID           string          `json:"user_id"`
	RedirectURL      string          `json:"redirect_url"` // the redirect_url given to the authorizer ("" : none, ROOK's default)
	AuthorizationURL string          `json:"authorization_url"`
	AlreadyConnected bool            `json:"already_connected,omitempty"`
	Authorized       bool            `json:"authorized"`
	Glucose          []ROOKDay       `json:"glucose"`
	Comparison       *ROOKComparison `json:"comparison,omitempty"`
	Webhook          *WebhookReport  `json:"webhook,omitempty"`
	Delivery         *Delivery       `json:"delivery,omitempty"` // ROOK's post to the webhook, as a local receiver heard it
	Calls            []rook.Call     `json:"calls"`
	OK               bool            `json:"ok"`
	FailedStage      string          `json:"failed_stage,omitempty"`
	Error            string          `json:"error,omitempty"`
	Fix              string          `json:"fix,omitempty"`
}

// ROOKResult is the leg's outcome: the report, the newest day's document
// (for the glucose view) and the failure, named with its fix.
type ROOKResult struct {
	Report  ROOKReport
	Latest  *rook.GlucoseDay
	Failed  ROOKStage
	Finding *ROOKFinding // nil when every stage passed
}

// OK reports whether every stage that ran passed.
func (r *ROOKResult) OK() bool { return r.Finding == nil }

// ErrNoROOKCredentials means the ROOK client UUID or secret key is missing.
var ErrNoROOKCredentials = errors.New("the ROOK client UUID and secret key are not stored yet (step 6)")

// Run runs the leg. It always returns a result; a failure is its Finding.
func (l ROOKLeg) Run(ctx context.Context) *ROOKResult {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	env := l.env()
	res := &ROOKResult{Report: ROOKReport{Environment: string(env), ClientUUID: safetext.Line(l.Credentials.ClientUUID), UserID: safetext.Line(l.UserID), Glucose: []ROOKDay{}}}
	rep := &res.Report
	fail := func(stage ROOKStage, f *ROOKFinding) *ROOKResult {
		res.Failed, res.Finding = stage, f
		rep.FailedStage, rep.Error, rep.Fix = stage.Key(), safetext.Line(f.Cause), f.Fix
		return res
	}
	stage := func(s ROOKStage, detail string) {
		if l.OnStage != nil {
			l.OnStage(s, detail)
		}
	}
	c, err := l.client()
	if err != nil {
		return fail(StageAuthorizer, ExplainROOKError(err, env))
	}
	rep.APIBase = c.BaseURL()
	defer func() { rep.Calls = c.Calls() }()

	rep.RedirectURL = l.CallbackURL

	// The webhook is probed alongside the login: a webhook that never
	// answers costs no time of its own.
	hook := l.startWebhook(ctx, env, now())
	failed := fail
	fail = func(stage ROOKStage, f *ROOKFinding) *ROOKResult {
		rep.Webhook = hook.wait()
		return failed(stage, f)
	}

	stage(StageAuthorizer, "")
	a, err := c.Authorizer(ctx, l.UserID, rook.Dexcom, l.CallbackURL)
	if err != nil {
		return fail(StageAuthorizer, ExplainROOKError(err, env))
	}
	rep.AuthorizationURL = a.AuthorizationURL
	if a.Authorized {
		rep.AlreadyConnected = true
	} else {
		stage(StageCheckURL, a.AuthorizationURL)
		if f := CheckROOKAuthorizationURL(ctx, l.HTTP, a.AuthorizationURL, l.DexcomBase, l.ClientID, l.RedirectURL); f != nil {
			nameHostMix(f, env, l.DexcomEnv)
			return fail(StageCheckURL, f)
		}
		stage(StageBrowser, a.AuthorizationURL)
		if f := l.browse(ctx, c, env, a.AuthorizationURL); f != nil {
			return fail(StageBrowser, f)
		}
	}

	stage(StageAuthorized, "")
	if err := c.WaitAuthorized(ctx, l.UserID, rook.Dexcom, l.Poll); err != nil {
		if errors.Is(err, rook.ErrNotYet) {
			return fail(StageAuthorized, &ROOKFinding{Cause: "ROOK does not report Dexcom connected for " + safetext.Line(l.UserID),
				Fix: "connect again; if it keeps failing, ask your CSE to look at this user's connection", Err: err})
		}
		return fail(StageAuthorized, ExplainROOKError(err, env))
	}
	rep.Authorized = true

	if f, st := l.pullAndCompare(ctx, c, res, stage); f != nil {
		return fail(st, f)
	}

	if l.WebhookURL != "" {
		stage(StageWebhook, l.WebhookURL)
		if w := hook.wait(); !w.OK {
			return fail(StageWebhook, webhookFinding(w))
		}
	}
	rep.Webhook = hook.wait()
	rep.OK = true
	return res
}

// webhookFinding names a failed webhook probe with its fix.
func webhookFinding(w *WebhookReport) *ROOKFinding {
	f := &ROOKFinding{Cause: "the data webhook " + w.URL + " failed: " + w.Reason,
		Fix: "make the endpoint answer 200 to a JSON POST without authentication, then probe it again"}
	if w.Status == 0 {
		f.Fix = "make sure the webhook runs and is reachable from the internet at that address, answers within a few seconds, then probe it again"
	}
	return f
}

// pendingProbe is a webhook probe under way; wait gives its report (nil
// when there is no webhook to probe).
type pendingProbe struct {
	done chan struct{}
	rep  *WebhookReport
}

func (p *pendingProbe) wait() *WebhookReport {
	if p == nil {
		return nil
	}
	<-p.done
	return p.rep
}

// startWebhook probes the webhook in the background (nil: no webhook).
func (l ROOKLeg) startWebhook(ctx context.Context, env rook.Environment, now time.Time) *pendingProbe {
	if l.WebhookURL == "" {
		return nil
	}
	p := &pendingProbe{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.rep = probeWebhook(ctx, l.WebhookURL, env, now, l.HashKey, l.WrapWebhook, l.WebhookTimeout)
	}()
	return p
}

// client is the leg's ROOK API client.
func (l ROOKLeg) client() (*rook.Client, error) {
	return rook.New(rook.Config{Env: l.env(), BaseURL: l.BaseURL, Credentials: l.Credentials, HTTP: l.APIHTTP,
		Timeout: l.APITimeout, Retry: l.Retry, Sleep: l.Sleep})
}

// PullAndCompare pulls the user's newest blood glucose from ROOK, without
// a login (the user is connected already), and compares it with Dexcom's
// readings of that day when l.Dexcom is set. It always returns a result;
// a failure is its Finding.
func (l ROOKLeg) PullAndCompare(ctx context.Context) *ROOKResult {
	res := &ROOKResult{Report: ROOKReport{Environment: string(l.env()), ClientUUID: safetext.Line(l.Credentials.ClientUUID),
		UserID: safetext.Line(l.UserID), Glucose: []ROOKDay{}}}
	rep := &res.Report
	fail := func(stage ROOKStage, f *ROOKFinding) *ROOKResult {
		res.Failed, res.Finding = stage, f
		rep.FailedStage, rep.Error, rep.Fix = stage.Key(), safetext.Line(f.Cause), f.Fix
		return res
	}
	c, err := l.client()
	if err != nil {
		return fail(StageAuthorizer, ExplainROOKError(err, l.env()))
	}
	rep.APIBase = c.BaseURL()
	defer func() { rep.Calls = c.Calls() }()
	stage := func(s ROOKStage, detail string) {
		if l.OnStage != nil {
			l.OnStage(s, detail)
		}
	}
	if f, st := l.pullAndCompare(ctx, c, res, stage); f != nil {
		return fail(st, f)
	}
	rep.OK = true
	return res
}

// env is the leg's ROOK environment (default: the sandbox).
func (l ROOKLeg) env() rook.Environment {
	if l.Env == "" {
		return rook.Sandbox
	}
	return l.Env
}

// pullAndCompare pulls the user's newest day of blood glucose from ROOK
// into res and, with l.Dexcom, compares it with Dexcom's readings of that
// day. It returns the finding and its stage when one failed.
func (l ROOKLeg) pullAndCompare(ctx context.Context, c *rook.Client, res *ROOKResult, stage func(ROOKStage, string)) (*ROOKFinding, ROOKStage) {
	rep, env := &res.Report, l.env()
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	stage(StageGlucose, "")
	days, err := c.LatestGlucose(ctx, l.UserID, now(), max(l.Days, 1), l.Poll, l.OnGlucoseWait)
	for _, d := range days {
		n := 0
		if d.Found {
			n = d.Doc.Readings()
		}
		rep.Glucose = append(rep.Glucose, ROOKDay{Date: d.Date, Count: n})
		if n > 0 {
			res.Latest = d.Doc
		}
	}
	if err != nil {
		return ExplainROOKError(err, env), StageGlucose
	}
	if res.Latest == nil {
		return &ROOKFinding{Cause: fmt.Sprintf("ROOK has no blood glucose for %s in the last %d days yet%s", safetext.Line(l.UserID), max(l.Days, 1), waitedFor(l.Poll)),
			Fix: "ROOK pulls new users' data in the background: wait a few minutes and run it again, and check that the test user has readings at Dexcom", Err: rook.ErrNotYet}, StageGlucose
	}

	if l.Dexcom != nil {
		stage(StageCompare, "")
		last := rep.Glucose[len(rep.Glucose)-1]
		start, _ := time.Parse(rook.DateLayout, last.Date)
		recs, err := l.Dexcom.EGVs(ctx, start, start.Add(24*time.Hour))
		if err != nil {
			return &ROOKFinding{Cause: "Dexcom's readings for " + last.Date + " could not be read: " + safetext.Line(err.Error()),
				Fix: "run the check again", Err: err}, StageCompare
		}
		cmp := rook.Compare(res.Latest, last.Date, recs.Records)
		rep.Comparison = &ROOKComparison{Date: cmp.Date, ROOK: cmp.ROOK, Dexcom: cmp.Dexcom, Matched: cmp.Matched,
			Missing: cmp.Missing, Differ: cmp.Differ, Examples: cmp.Examples, Summary: cmp.String()}
		if !cmp.Faithful() {
			return &ROOKFinding{Cause: "ROOK's data differs from Dexcom's: " + cmp.String(),
				Fix: "send this report to your CSE: ROOK should carry every Dexcom reading unchanged; run the check again first in case ROOK was still catching up"}, StageCompare
		}
	}
	return nil, 0
}

// waitedFor says how long the wait for first data was bounded to.
func waitedFor(p rook.Poll) string {
	if p.Total <= 0 {
		return ""
	}
	return " (asked newest day first, for up to " + p.Total.String() + ")"
}

// browse opens the authorization URL and, while the user logs in, asks
// ROOK's authorized list until Dexcom is connected: without redirect_url
// (ROOK's default) the browser ends on ROOK's own page, so ROOK's list is
// the only sign. An opener that returns cuts the current pause short, so
// the next question comes at once. One that walked the whole login (the
// demo's autopilot: it returns nil) leaves a short wait; one that failed
// says what the browser ended on; one that only launched a browser
// (connect.ErrShowURLOnly) leaves the whole timeout to the person.
func (l ROOKLeg) browse(ctx context.Context, c *rook.Client, env rook.Environment, authURL string) *ROOKFinding {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = connect.DefaultTimeout
	}
	opened := make(chan struct{})
	openErr := make(chan error, 1)
	if l.Open != nil {
		go func() {
			err := l.Open(ctx, authURL)
			openErr <- err
			close(opened)
		}()
	}
	waited := make(chan error, 1)
	go func() {
		waited <- c.WaitUntilAuthorized(ctx, l.UserID, rook.Dexcom, rook.Watch{Every: 2 * time.Second, Timeout: timeout,
			Progress: l.OnWait, Wake: opened, Sleep: httpretry.Sleep})
	}()
	var err error
	select {
	case err = <-waited:
	case oerr := <-openErr:
		switch {
		case oerr == nil:
			err = l.afterLogin(waited)
		case errors.Is(oerr, connect.ErrShowURLOnly):
			err = <-waited
		default:
			cancel()
			<-waited
			return explainOpener(oerr)
		}
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errNotAfterLogin):
		cancel()
		<-waited
		return exchangeFailed("ROOK's list does not show Dexcom connected " + l.afterLoginWait().String() + " after the login went through at Dexcom")
	case errors.Is(err, context.Canceled):
		return &ROOKFinding{Cause: "cancelled", Fix: "run it again", Err: err}
	case errors.Is(err, rook.ErrNotYet):
		return &ROOKFinding{Cause: "ROOK did not report Dexcom connected for " + safetext.Line(l.UserID) + " within " + timeout.String(),
			Fix: "the possible causes: the test user did not finish the login (open the authorization URL, log in and press Authorize; the browser ends on ROOK's page); " +
				"the test user pressed Deny (connect again and press Authorize); or ROOK could not exchange the code because the Client Secret ROOK holds is wrong " +
				"(ROOK's page in the browser then shows an error: check the secret on your app's page in Dexcom's portal, Step 3, and ask your CSE to correct it, Step 4)", Err: err}
	}
	return ExplainROOKError(err, env)
}

// errNotAfterLogin: ROOK's list stayed without Dexcom after the login.
var errNotAfterLogin = errors.New("not connected after the login")

func (l ROOKLeg) afterLoginWait() time.Duration {
	if l.AfterLogin > 0 {
		return l.AfterLogin
	}
	// Well inside the login's own limit, so this wait is what ends.
	if l.Timeout > 0 && l.Timeout/2 < 10*time.Second {
		return l.Timeout / 2
	}
	return 10 * time.Second
}

// afterLogin waits a short while for ROOK's list once the login went
// through at Dexcom.
func (l ROOKLeg) afterLogin(waited <-chan error) error {
	t := time.NewTimer(l.afterLoginWait())
	defer t.Stop()
	select {
	case err := <-waited:
		return err
	case <-t.C:
		return errNotAfterLogin
	}
}

// exchangeFailed names a failed code exchange at ROOK: the login went
// through at Dexcom, so the Client ID and the Redirect URL are right and
// the Client Secret ROOK holds is what is left.
func exchangeFailed(seen string) *ROOKFinding {
	return &ROOKFinding{Cause: "ROOK could not exchange the code: the Client Secret ROOK holds is most likely wrong (" + seen + ")",
		Fix: "ask your CSE to replace the Client Secret ROOK holds (Step 4) with the one on your app's page in Dexcom's portal (Step 3); the Client ID and the Redirect URL are right, since the login went through",
		Err: errors.New(seen)}
}

// The OAuth error codes a failed code exchange may come back as: ROOK's
// own [I: the simulator's] and RFC 6749's that a wrong secret gives.
var exchangeCodes = []string{"token_exchange_failed", "invalid_client", "unauthorized_client", "invalid_grant"}

// explainOpener names what the page the login ended on says (the demo's
// autopilot quotes it): a denial, a failed code exchange (any code, or
// ROOK's own error page after Dexcom let the user through), or a login
// that did not finish.
func explainOpener(err error) *ROOKFinding {
	msg := safetext.Line(err.Error())
	if strings.Contains(msg, "access_denied") {
		return &ROOKFinding{Cause: "login denied: the test user pressed Deny at Dexcom (access_denied; the browser ended on: " + msg + ")",
			Fix: "connect again, log the test user in and press Authorize", Err: err}
	}
	for _, code := range exchangeCodes {
		if strings.Contains(msg, code) {
			return exchangeFailed("ROOK answered " + code + ": " + msg)
		}
	}
	if strings.Contains(msg, "after the login") {
		return exchangeFailed("ROOK's page after the login: " + msg)
	}
	return &ROOKFinding{Cause: "the login did not finish: " + msg,
		Fix: "open the authorization URL in a browser, log the test user in and press Authorize", Err: err}
}

// ProbeWebhook posts a realistic blood_glucose_event document to u as ROOK
// would (unsigned) and reports the verdict.
func ProbeWebhook(ctx context.Context, u string, env rook.Environment, now time.Time) *WebhookReport {
	return ProbeSignedWebhook(ctx, u, env, now, secret.String{})
}

// ProbeSignedWebhook is ProbeWebhook signed with hashKey (x-rook-hash as
// ROOK signs) when it is not empty.
func ProbeSignedWebhook(ctx context.Context, u string, env rook.Environment, now time.Time, hashKey secret.String) *WebhookReport {
	return probeWebhook(ctx, u, env, now, hashKey, nil, 0)
}

func probeWebhook(ctx context.Context, u string, env rook.Environment, now time.Time, hashKey secret.String, wrap func(http.RoundTripper) http.RoundTripper, timeout time.Duration) *WebhookReport {
	r := webhook.Probe(ctx, u, webhook.SampleDocument(now), webhook.Options{Env: env, HashKey: hashKey, Wrap: wrap, Timeout: timeout})
	w := &WebhookReport{URL: r.URL, Status: r.Status, Verdict: r.Verdict.String(), Ms: r.Duration.Milliseconds(),
		Redirect: r.Redirect, Reason: r.Reason, OK: r.Verdict != webhook.Fail, Signed: r.Signed}
	if r.TLS != nil {
		w.TLS, w.TLSChecked = r.TLS.Version, r.TLS.Verified
	}
	switch {
	case r.Err != nil && r.Status == 0:
		w.Reason = safetext.Line(r.Err.Error()) + "; " + webhook.WhatROOKDoes(env)
	case r.Err != nil && w.Reason == "":
		w.Reason = safetext.Line(r.Err.Error())
	case r.Err != nil:
		w.Reason = safetext.Line(r.Err.Error()) + ": " + w.Reason
	}
	return w
}

// ValidateROOKRedirectFor is Step 4's rule for ROOK's Redirect URL;
// simulated allows the simulator's loopback http one (the demo, a ROOK API
// on loopback), never for a real ROOK environment.
func ValidateROOKRedirectFor(raw string, simulated bool) error {
	if simulated {
		return onboarding.ValidateSimulatedROOKRedirect(raw)
	}
	return onboarding.ValidateROOKRedirect(raw)
}

// IsLoopbackURL reports whether u is an http(s) URL on this machine.
func IsLoopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return false
	}
	switch p.Hostname() {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	return false
}

// ROOKReadings are ROOK's samples as Dexcom readings in mg/dL, for the
// glucose view (ROOK carries no trend).
func ROOKReadings(d *rook.GlucoseDay) []dexcom.EGV {
	if d == nil {
		return nil
	}
	samples := d.Samples()
	out := make([]dexcom.EGV, 0, len(samples))
	for _, s := range samples {
		v := s.MgDL
		ts := dexcom.Timestamp{Time: s.At.UTC(), Raw: rook.FormatTime(s.At), Zoned: true}
		out = append(out, dexcom.EGV{RecordID: "rook-" + ts.Raw, SystemTime: ts, DisplayTime: ts, Value: &v, Unit: "mg/dL"})
	}
	return out
}
