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
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
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
}

func newCheckCmd(e *env) *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Log a test user in and verify that every API call answers 200",
		Long: `Log a Dexcom test user in through a local callback server, then call
dataRange, devices, EGVs and events and report each call's status and time.
Exit code 0 means verified: every call answered 200 and readings came back.

Credentials come from a vault profile (--profile), or from --client-id with the
secret in $DEXCOM_CLIENT_SECRET (never a flag). With --demo everything runs
against the embedded sandbox simulator and the login completes by itself.

Exit codes: 0 verified, 2 bad input, 3 login failed, 4 API failed, 5 vault.`,
		Example: `  dexonboard check --demo
  dexonboard check --profile "Acme Health"
  DEXCOM_CLIENT_SECRET=… dexonboard check --client-id abc --redirect-uri http://localhost:8765/callback --no-browser
  dexonboard check --demo --json | jq .calls`,
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
	return cmd
}

// checkPlan is what a check needs, however it was described.
type checkPlan struct {
	check   service.Check
	after   func(*connect.Report) // records the result (vault profile)
	cleanup func()
}

func runCheck(ctx context.Context, e *env, o *checkOptions) error {
	if o.days < 1 || o.days > connect.MaxDays {
		return exitWith(exitUsage, fmt.Errorf("--days must be 1 to %d", connect.MaxDays))
	}
	var plan *checkPlan
	var err error
	if o.demo {
		plan, err = demoPlan(o)
	} else {
		plan, err = realPlan(e, o)
	}
	if err != nil {
		return err
	}
	defer plan.cleanup()
	stages := newStageLine(e.ios.ErrOut, e.ios.IsStderrTTY() && !o.asJSON)
	plan.check.OnStage = func(s connect.Stage, _ string) {
		switch s {
		case connect.StageWaiting:
			stages.Start("waiting for the test user to log in (ctrl+c to cancel)")
		case connect.StageExchanging:
			stages.Start("exchanging the code for tokens")
		case connect.StageVerifying:
			stages.Start("calling dataRange, devices, EGVs and events")
		}
	}
	plan.check.Timeout = o.timeout
	plan.check.Days = o.days
	stages.Start("connecting to " + plan.check.Env.Label())
	res, err := plan.check.Run(ctx)
	if err != nil {
		stages.Finish("✗")
		return exitWith(exitVault, err)
	}
	runErr, report := res.Err, res.Report
	mark := "✓"
	if !res.OK() {
		mark = "✗"
	}
	stages.Finish(mark)
	if plan.after != nil {
		plan.after(report)
	}
	addFlagHints(report, runErr)
	if o.asJSON {
		if err := writeJSON(e.ios.Out, report); err != nil {
			return err
		}
	} else {
		printReport(e.ios.Out, report)
	}
	switch {
	case errors.Is(runErr, context.Canceled):
		return exitWith(exitCancelled, errors.New("cancelled"))
	case runErr != nil:
		return &exitError{code: exitLogin, err: runErr, quiet: !o.asJSON}
	case !report.OK:
		return &exitError{code: exitAPI, err: errors.New(report.Error), quiet: true}
	}
	return nil
}

// demoPlan starts the embedded simulator with the demo app registered for a
// free loopback redirect URI, and logs the user in without a browser.
func demoPlan(o *checkOptions) (*checkPlan, error) {
	if _, ok := sandbox.FindUser(o.user); !ok {
		return nil, exitWith(exitUsage, fmt.Errorf("--user %q: use SandboxUser1 … SandboxUser7", o.user))
	}
	redirect, err := connect.FreeRedirectURI()
	if err != nil {
		return nil, exitWith(exitFailure, err)
	}
	sim, err := sandbox.Start(sandbox.New(sandbox.Config{Apps: []sandbox.App{sandbox.DemoApp(redirect)}}), "127.0.0.1:0")
	if err != nil {
		return nil, exitWith(exitFailure, err)
	}
	ep, _ := dexcom.NewEndpoints(dexcom.Custom, sim.URL, dexcom.OAuthVersion(o.oauth))
	app := dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: secret.New(sandbox.DemoClientSecret), RedirectURI: redirect}
	hc := &http.Client{Timeout: 30 * time.Second}
	return &checkPlan{
		check:   service.Check{Endpoints: ep, Env: dexcom.Sandbox, App: app, HTTP: hc, Open: sandbox.Autopilot(hc, o.user, true)},
		cleanup: func() { sim.Close() },
	}, nil
}

// realPlan reads credentials from the vault profile or from --client-id and
// $DEXCOM_CLIENT_SECRET.
func realPlan(e *env, o *checkOptions) (*checkPlan, error) {
	env, err := dexcom.ParseEnvironment(o.env)
	if err != nil || env == dexcom.Custom {
		return nil, exitWith(exitUsage, errors.New("--env: use sandbox, us, eu or jp"))
	}
	ep, err := dexcom.NewEndpoints(env, o.apiBase, dexcom.OAuthVersion(o.oauth))
	if err != nil {
		return nil, exitWith(exitUsage, err)
	}
	hc := &http.Client{Timeout: 60 * time.Second}
	open := e.browse
	if open == nil {
		open = connect.NewOpener(e.ios.ErrOut, o.noBrowser).Open
	}
	plan := &checkPlan{cleanup: func() {}}
	plan.check = service.Check{Endpoints: ep, Env: env, HTTP: hc, Open: open}
	if o.profile != "" {
		if err := plan.fromVault(e, o, env); err != nil {
			return nil, err
		}
	} else {
		sec := secretEnv("DEXCOM_CLIENT_SECRET")
		if o.clientID == "" || sec == "" {
			return nil, exitWith(exitUsage, errors.New("give --profile NAME, or --client-id with the secret in $DEXCOM_CLIENT_SECRET (or try --demo)"))
		}
		plan.check.App = dexcom.App{ClientID: o.clientID, ClientSecret: secret.New(sec), RedirectURI: o.redirectURI}
	}
	if plan.check.App.RedirectURI == "" {
		plan.check.App.RedirectURI = sandbox.DemoRedirectURI
	}
	if _, err := connect.ParseRedirect(plan.check.App.RedirectURI); err != nil {
		plan.cleanup()
		return nil, exitWith(exitUsage, fmt.Errorf("%w, and pass it with --redirect-uri", err))
	}
	return plan, nil
}

// fromVault takes the app from a profile, reuses and saves its login, and
// records the outcome on the profile.
func (plan *checkPlan) fromVault(e *env, o *checkOptions, env dexcom.Environment) error {
	v, pass, err := openVault(e.ios, e.prompt, &e.vault)
	if err != nil {
		return err
	}
	secret.Wipe(pass)
	plan.cleanup = func() { v.Close() }
	p, err := v.Profile(o.profile)
	if err != nil {
		v.Close()
		return exitWith(exitVault, err)
	}
	a, ok := p.Apps[env]
	if !ok || a.ClientID == "" || a.ClientSecret.Empty() {
		v.Close()
		return exitWith(exitUsage, fmt.Errorf("profile %q has no %s app credentials: add them with dexonboard vault add %q --env %s", p.Name, env.Label(), p.Name, env))
	}
	plan.check.App = a.Credentials()
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
