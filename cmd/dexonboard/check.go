package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/internal/vault"
	"github.com/tryrook/dexonboard/internal/webhook"
)

type checkOptions struct {
	env         string
	apiBase     string
	oauth       string
	profile     string
	clientID    string
	redirectURI string
	days        int
	noBrowser   bool
	asJSON      bool
	demo        bool
	user        string
	timeout     time.Duration
	rook        rookFlags
}

func newCheckCmd(e *env) *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use: "check",
		Long: `Check the credentials directly with Dexcom (--via dexcom, the default): log a
Dexcom test user in through a local callback server, then call dataRange,
devices, EGVs and events and report each call's status and time.

Through ROOK (--via rook), as the guide's Step 6 does: ask ROOK's authorizer
for Dexcom (redirect_url: a local page on 127.0.0.1, a free port unless
--redirect-uri gives one), check the authorization URL before any browser
opens (the Dexcom host, --client-id, --rook-redirect-url, and that Dexcom's
login answers 200), open it, wait for the browser to come back, wait until
ROOK reports Dexcom connected, and pull blood glucose from ROOK. --via both
runs both and compares ROOK's readings with Dexcom's. --webhook-url probes
the data webhook as ROOK delivers to it.

Credentials come from a vault profile (--profile), or from flags with the
secrets in $DEXCOM_CLIENT_SECRET and $ROOK_SECRET_KEY (never flags); --via
rook needs no Dexcom secret. With --demo everything runs against the
embedded Dexcom and ROOK simulators (both legs by default) and the login
completes by itself.

Exit codes: 0 verified (every leg that ran passed), 2 bad input, 3 login
failed, 4 API failed, 5 vault, 6 ROOK leg failed.`,
		Example: `  dexonboard check --demo
  dexonboard check --demo --via both --json | jq .rook
  dexonboard check --profile "Acme Health" --via both
  DEXCOM_CLIENT_SECRET=… dexonboard check --client-id abc --redirect-uri http://localhost:8765/callback --no-browser
  ROOK_SECRET_KEY=… dexonboard check --via rook --rook-client-uuid 4e1c… --client-id abc \
      --rook-redirect-url https://…/callback --rook-user-id me --no-browser`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCheck(cmd.Context(), e, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.env, "env", "sandbox", "Dexcom environment: sandbox, us, eu or jp")
	f.StringVar(&o.apiBase, "api-base", "", "API base URL instead of the environment's (a simulator, a test server)")
	f.StringVar(&o.oauth, "oauth-paths", "v2", "OAuth paths: v2 (documented) or v3")
	f.StringVar(&o.profile, "profile", "", "vault profile whose app to check")
	f.StringVar(&o.clientID, "client-id", "", "the app's Client ID (the secret comes from $DEXCOM_CLIENT_SECRET)")
	f.StringVar(&o.redirectURI, "redirect-uri", "", "loopback redirect URI registered in the app (default: the profile's, else http://localhost:8765/callback)")
	f.IntVar(&o.days, "days", 1, "days of readings to fetch (1 to 90)")
	f.BoolVar(&o.noBrowser, "no-browser", false, "print the login URL instead of opening a browser")
	f.BoolVar(&o.asJSON, "json", false, "print one JSON report on stdout")
	f.BoolVar(&o.demo, "demo", false, "run against the embedded sandbox simulator; the login completes by itself")
	f.StringVar(&o.user, "user", "SandboxUser7", "with --demo: the sandbox user who logs in")
	f.DurationVar(&o.timeout, "timeout", connect.DefaultTimeout, "how long to wait for the login")
	boundDuration(f, "timeout", time.Hour, "")
	o.rook.register(f)
	return cmd
}

// checkPlan is what a check needs, however it was described: the direct
// leg (check; nil with --via rook) and the ROOK leg (rook; nil with --via
// dexcom).
type checkPlan struct {
	check   *service.Check
	rook    *service.ROOKLeg
	after   func(*connect.Report) // records the result (vault profile)
	cleanup func()
}

func runCheck(ctx context.Context, e *env, o *checkOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	var plan *checkPlan
	var err error
	if o.demo {
		plan, err = demoPlan(e, o)
	} else {
		plan, err = realPlan(e, o)
	}
	if err != nil {
		return err
	}
	defer plan.cleanup()
	stages := newStageLine(e.ios.ErrOut, e.ios.IsStderrTTY() && !o.asJSON)
	out := &checkJSON{Via: o.rook.via}
	var runErr error
	if plan.check != nil {
		var res *service.CheckResult
		res, runErr, err = runDirect(ctx, stages, plan, o)
		if err != nil {
			return err
		}
		out.Report = res.Report
		if plan.rook != nil && res.Outcome != nil && res.Outcome.Verification != nil {
			plan.rook.Dexcom = res.Outcome.Client
		}
	}
	if plan.rook != nil {
		out.ROOK = runROOK(ctx, stages, plan.rook, o)
	}
	out.OK = (out.Report == nil || out.Report.OK) && (out.ROOK == nil || out.ROOK.OK)
	if o.asJSON {
		if err := writeJSON(e.ios.Out, out); err != nil {
			return err
		}
	} else {
		if out.Report != nil {
			printReport(e.ios.Out, out.Report)
		}
		if out.ROOK != nil {
			printROOKReport(e.ios.Out, out.ROOK)
		}
	}
	switch {
	case errors.Is(runErr, context.Canceled) || ctx.Err() != nil:
		return exitWith(exitCancelled, errors.New("cancelled"))
	case runErr != nil:
		return &exitError{code: exitLogin, err: runErr, quiet: !o.asJSON}
	case out.Report != nil && !out.Report.OK:
		return &exitError{code: exitAPI, err: errors.New(out.Report.Error), quiet: true}
	case out.ROOK != nil && !out.ROOK.OK:
		return &exitError{code: exitROOK, err: errors.New(out.ROOK.Error), quiet: true}
	}
	return nil
}

// checkJSON is check's JSON report: the direct leg's fields at the top (as
// before --via), the ROOK leg under "rook", and ok for every leg that ran.
type checkJSON struct {
	*connect.Report
	Via  string              `json:"via"`
	ROOK *service.ROOKReport `json:"rook,omitempty"`
	OK   bool                `json:"ok"`
}

// runDirect runs the direct check with its stage line; err means it could
// not start (the vault), runErr that the login failed.
func runDirect(ctx context.Context, stages *stageLine, plan *checkPlan, o *checkOptions) (res *service.CheckResult, runErr, err error) {
	c := plan.check
	c.OnStage = func(s connect.Stage, _ string) {
		switch s {
		case connect.StageWaiting:
			stages.Start("waiting for the test user to log in (ctrl+c to cancel)")
		case connect.StageExchanging:
			stages.Start("exchanging the code for tokens")
		case connect.StageVerifying:
			stages.Start("calling dataRange, devices, EGVs and events")
		}
	}
	c.Timeout = o.timeout
	c.Days = o.days
	stages.Start("checking the credentials directly with " + c.Env.Label())
	res, err = c.Run(ctx)
	if err != nil {
		stages.Finish("✗")
		return nil, nil, exitWith(exitVault, err)
	}
	mark := "✓"
	if !res.OK() {
		mark = "✗"
	}
	stages.Finish(mark)
	if plan.after != nil {
		plan.after(res.Report)
	}
	addFlagHints(res.Report, res.Err)
	return res, res.Err, nil
}

// demoPlan starts the embedded Dexcom and ROOK simulators, wired as the
// guide has it, with the demo app registered for a free loopback redirect
// URI and ROOK's Redirect URL, and logs the user in without a browser.
func demoPlan(e *env, o *checkOptions) (*checkPlan, error) {
	if _, ok := sandbox.FindUser(o.user); !ok {
		return nil, exitWith(exitUsage, fmt.Errorf("--user %q: use SandboxUser1 … SandboxUser7", o.user))
	}
	redirect, err := connect.FreeRedirectURI()
	if err != nil {
		return nil, exitWith(exitFailure, err)
	}
	st, err := rooksim.StartStack(rooksim.StackConfig{Dexcom: sandbox.Config{Apps: []sandbox.App{sandbox.DemoApp(redirect)}}})
	if err != nil {
		return nil, exitWith(exitFailure, err)
	}
	ep, _ := dexcom.NewEndpoints(dexcom.Custom, st.Dexcom.URL, dexcom.OAuthVersion(o.oauth))
	app := dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: secret.New(sandbox.DemoClientSecret), RedirectURI: redirect}
	hc := apiClient(30 * time.Second)
	open := sandbox.Autopilot(hc, o.user, true)
	plan := &checkPlan{cleanup: st.Close}
	if o.rook.via != viaROOK {
		plan.check = &service.Check{Endpoints: ep, Env: dexcom.Sandbox, App: app, HTTP: hc, Open: open}
	}
	if o.rook.via != viaDexcom {
		leg := o.rook.leg(e, o, rook.Sandbox, st.Dexcom.URL, hc, open)
		leg.BaseURL = st.ROOK.URL
		leg.Credentials = rook.Credentials{ClientUUID: rooksim.DemoClientUUID, SecretKey: secret.New(rooksim.DemoSecretKey)}
		leg.ClientID, leg.RedirectURL = sandbox.DemoClientID, st.ROOK.RedirectURL()
		if leg.UserID == "" {
			leg.UserID = rooksim.DemoUserID
		}
		if leg.WebhookURL == "" {
			// ROOK's pushes and the probe go to a local receiver.
			l, err := webhook.Listen("127.0.0.1:0", 0, func(webhook.Received) {})
			if err != nil {
				st.Close()
				return nil, exitWith(exitFailure, err)
			}
			_ = st.ROOK.SetWebhookURL(rooksim.DemoClientUUID, l.URL+"/rook")
			leg.WebhookURL = l.URL + "/rook"
			plan.cleanup = func() { st.Close(); l.Close() }
		}
		plan.rook = leg
	}
	return plan, nil
}

// realPlan reads credentials from the vault profile or from the flags and
// $DEXCOM_CLIENT_SECRET / $ROOK_SECRET_KEY.
func realPlan(e *env, o *checkOptions) (*checkPlan, error) {
	env, err := parseAppEnv(o.env)
	if err != nil {
		return nil, err
	}
	ep, err := dexcom.NewEndpoints(env, o.apiBase, dexcom.OAuthVersion(o.oauth))
	if err != nil {
		return nil, exitWith(exitUsage, err)
	}
	hc := apiClient(60 * time.Second)
	open := e.browse
	if open == nil {
		open = connect.NewOpener(e.ios.ErrOut, o.noBrowser).Open
	}
	plan := &checkPlan{cleanup: func() {}}
	var prof *vault.Profile
	if o.profile != "" {
		v, p, err := openProfile(e, o)
		if err != nil {
			return nil, err
		}
		plan.cleanup = func() { v.Close() }
		prof = p
		if o.rook.via != viaROOK {
			if err := plan.fromVault(e, o, env, v, p); err != nil {
				plan.cleanup()
				return nil, err
			}
		}
	} else if o.rook.via != viaROOK {
		sec := secretEnv("DEXCOM_CLIENT_SECRET")
		if o.clientID == "" || sec == "" {
			return nil, exitWith(exitUsage, errors.New("give --profile NAME, or --client-id with the secret in $DEXCOM_CLIENT_SECRET (or try --demo; --via rook needs no Dexcom secret)"))
		}
		if err := service.CheckClientID(o.clientID); err != nil { // before a login waits for a browser
			return nil, exitWith(exitUsage, fmt.Errorf("--client-id: %w", err))
		}
		plan.check = &service.Check{App: dexcom.App{ClientID: o.clientID, ClientSecret: secret.New(sec), RedirectURI: o.redirectURI}}
	}
	if c := plan.check; c != nil {
		c.Endpoints, c.Env, c.HTTP, c.Open = ep, env, hc, open
		if c.App.RedirectURI == "" {
			c.App.RedirectURI = sandbox.DemoRedirectURI
		}
		if _, err := connect.ParseRedirect(c.App.RedirectURI); err != nil {
			plan.cleanup()
			return nil, exitWith(exitUsage, fmt.Errorf("%w, and pass it with --redirect-uri", err))
		}
	}
	if o.rook.via != viaDexcom {
		leg, err := o.rook.realLeg(e, o, env, ep.BaseURL, hc, open, prof)
		if err != nil {
			plan.cleanup()
			return nil, err
		}
		plan.rook = leg
	}
	return plan, nil
}

// apiClient is check's HTTP client. A 90-day check reads about 10 MB of
// answers; a 64 KiB read buffer takes them in a sixteenth of the read
// calls the default 4 KiB needs.
func apiClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ReadBufferSize = 64 << 10
	return &http.Client{Timeout: timeout, Transport: t}
}

// openProfile opens the vault and reads --profile.
func openProfile(e *env, o *checkOptions) (*vault.Vault, *vault.Profile, error) {
	v, pass, err := openVault(e.ios, e.prompt, &e.vault)
	if err != nil {
		return nil, nil, err
	}
	secret.Wipe(pass)
	p, err := v.Profile(o.profile)
	if err != nil {
		v.Close()
		return nil, nil, exitWith(exitVault, err)
	}
	return v, p, nil
}

// fromVault takes the app from a profile, reuses and saves its login, and
// records the outcome on the profile.
func (plan *checkPlan) fromVault(e *env, o *checkOptions, env dexcom.Environment, v *vault.Vault, p *vault.Profile) error {
	a, ok := p.Apps[env]
	if !ok || a.ClientID == "" || a.ClientSecret.Empty() {
		return exitWith(exitUsage, fmt.Errorf("profile %q has no %s app credentials: add them with dexonboard vault add %q --env %s", p.Name, env.Label(), p.Name, env))
	}
	plan.check = &service.Check{App: a.Credentials()}
	if o.redirectURI != "" {
		plan.check.App.RedirectURI = o.redirectURI
	}
	plan.check.Vault, plan.check.ProfileID, plan.check.ReuseLogin = v, p.ID, true
	plan.after = func(r *connect.Report) {
		p.LastCheck = service.Record(r)
		if err := v.SaveProfile(p); err != nil {
			fmt.Fprintln(e.ios.ErrOut, "warning: could not record the check in the vault:", err)
		}
	}
	return nil
}

// addFlagHints says which flag does what the report's hint asks; the
// internal packages never name flags.
func addFlagHints(r *connect.Report, runErr error) {
	switch {
	case errors.Is(runErr, connect.ErrPortInUse):
		r.Hint = "close the other program, or register another loopback redirect URI in the Dexcom app and pass it with --redirect-uri"
	case !r.OK && runErr == nil && r.Error == "" && r.EGVCount == 0:
		r.Hint += " (--days sets the window, up to 90)"
	}
}

func printReport(w io.Writer, r *connect.Report) {
	env, _ := dexcom.ParseEnvironment(r.Environment)
	if r.OK {
		fmt.Fprintf(w, "\nVerified: %s answered every call with 200 and readings came back.\n\n", env.Label())
	} else {
		fmt.Fprintf(w, "\nNot verified: %s\n", r.Error)
		if r.Hint != "" {
			fmt.Fprintf(w, "What to do: %s\n", r.Hint)
		}
		fmt.Fprintln(w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	login := "new login"
	if r.LoginReused {
		login = "saved login reused"
	}
	fmt.Fprintf(tw, "environment\t%s (%s)\n", env.Label(), r.APIBase)
	fmt.Fprintf(tw, "app\tclient id %s, redirect %s\n", r.ClientID, r.RedirectURI)
	if len(r.Calls) > 0 {
		fmt.Fprintf(tw, "login\t%s\n", login)
	}
	for i, c := range r.Calls {
		label := ""
		if i == 0 {
			label = "calls"
		}
		retry := ""
		if c.Attempt > 1 {
			retry = fmt.Sprintf(" (attempt %d)", c.Attempt)
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%d\t%d ms%s\n", label, c.Method, c.Path, c.Status, c.Ms, retry)
	}
	if r.DataRange != nil {
		fmt.Fprintf(tw, "data range\tEGVs %s → %s (UTC)\n", r.DataRange.Start.Format("2006-01-02 15:04"), r.DataRange.End.Format("2006-01-02 15:04"))
	}
	if r.Device != "" {
		fmt.Fprintf(tw, "device\t%s\n", r.Device)
	}
	if len(r.Calls) > 0 {
		fmt.Fprintf(tw, "readings\t%d EGVs and %d events in the last %s\n", r.EGVCount, r.EventCount, plural(r.Days, "day"))
	}
	if r.DroppedCount > 0 {
		fmt.Fprintf(tw, "dropped\t%s left out as unusable: %s\n", plural(r.DroppedCount, "record"), safetext.Line(r.Dropped.String()))
	}
	if l := r.LatestEGV; l != nil {
		unit := " mg/dL"
		if l.Value == nil || strings.Contains(l.Reading, " ") {
			unit = ""
		}
		fmt.Fprintf(tw, "latest\t%s%s, trend %s, at %s (%s ago)\n", l.Reading, unit, l.Trend, displayClock(l.DisplayTime), ago(time.Since(l.SystemTime)))
	}
	if f := r.Figures; f != nil {
		fmt.Fprintf(tw, "figures\tmean %.0f mg/dL, SD %.0f, CV %.0f%%, GMI %.1f%%, sensor active %.0f%%\n", f.Mean, f.SD, f.CV, f.GMI, f.SensorActive)
		g := f.Ranges
		fmt.Fprintf(tw, "time in ranges\t<54 %.0f%%, 54-69 %.0f%%, 70-180 %.0f%%, 181-250 %.0f%%, >250 %.0f%%\n", g.VeryLow, g.Low, g.InRange, g.High, g.VeryHigh)
	}
	_ = tw.Flush()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// displayClock shows a reading's display time as the device showed it.
func displayClock(raw string) string {
	ts, err := dexcom.ParseTimestamp(raw)
	if err != nil {
		return raw
	}
	return ts.Format("2006-01-02 15:04")
}

// ago says how long ago in words a person reads at a glance.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}
