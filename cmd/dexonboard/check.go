package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/demo"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
)

type checkOptions struct {
	secrets     secretLookup // $DEXCOM_CLIENT_SECRET, $ROOK_SECRET_KEY, $ROOK_HASH_KEY
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
	export      string     // --export DIR (check_export.go)
	har         transcript // --har FILE (check_har.go)
	demoFault   string     // --demo-fault KEY (demo_fault.go)
}

func newCheckCmd(e *env) *cobra.Command {
	o := &checkOptions{secrets: e.secrets}
	cmd := &cobra.Command{
		Use: "check",
		Long: `Check the credentials directly with Dexcom (--via dexcom, the default): log a
Dexcom test user in through a local callback server, then call dataRange,
devices, EGVs and events and report each call's status and time.

Through ROOK (--via rook), as the guide's Step 6 does: ask ROOK's authorizer
for Dexcom (no redirect_url: the browser ends on ROOK's own page), check the
authorization URL before any browser opens (the Dexcom host, --client-id,
--rook-redirect-url, and that Dexcom's login leads to a login page), open it,
watch ROOK's authorized list until Dexcom is connected, and pull blood
glucose from ROOK, newest day first, for at most 30 s in all. --via both
runs both and fails the ROOK leg unless every Dexcom reading on the span
both cover is at ROOK with the same value. --webhook-url probes the data
webhook as ROOK delivers to it, alongside the login (signed with
x-rook-hash when $ROOK_HASH_KEY is set). --har FILE writes every HTTP
exchange of the run as HAR 1.2, secrets redacted, for a support request.

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
	addDemoFaultFlag(f, &o.demoFault)
	f.DurationVar(&o.timeout, "timeout", connect.DefaultTimeout, "how long to wait for the login")
	boundDuration(f, "timeout", time.Hour, "")
	o.rook.register(f)

	// --export: the glucose view's files, from the command line (check_export.go).
	f.StringVar(&o.export, "export", "", "also write the readings as CSV and every record as JSON into this folder, as the glucose view's e does")
	f.StringVar(&o.har.path, "har", "", "write every HTTP exchange of the run (Dexcom, ROOK, the webhook) to this file as HAR 1.2, secrets redacted, for a support request")
	return cmd
}

func runCheck(ctx context.Context, e *env, o *checkOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	s, open, cleanup, err := checkSession(e, o)
	if err != nil {
		return err
	}
	defer cleanup()
	rec := o.startTranscript(s)
	stages := newStageLine(e.ios.ErrOut, e.ios.IsStderrTTY() && !o.asJSON)
	out := &checkJSON{Via: o.rook.via}
	var runErr error
	run := service.ROOKRun{Open: open}
	if o.rook.via != viaROOK {
		res, err := runDirect(ctx, e, stages, s, open, o)
		if err != nil {
			return err
		}
		out.Report, runErr = res.Report, res.Err

		// --export (check_export.go): the direct leg's records, as the glucose view writes them.
		if err := exportChecked(e, o, res); err != nil {
			return err
		}

		if res.Outcome != nil && res.Outcome.Verification != nil {
			run.Dexcom = res.Outcome.Client
		}
	}
	if o.rook.via != viaDexcom {
		if out.ROOK, err = runROOK(ctx, e, stages, s, run, o); err != nil {
			return err
		}
	}
	if err := o.writeTranscript(e, rec); err != nil {
		return err
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

// runDirect runs the direct check with its stage line; an error means it
// could not start (the vault).
func runDirect(ctx context.Context, e *env, stages *stageLine, s *service.Session, open func(context.Context, string) error, o *checkOptions) (*service.CheckResult, error) {
	onStage := func(st service.CheckStage, _ string) {
		switch st {
		case service.StageWaiting:
			stages.Start("waiting for the test user to log in (ctrl+c to cancel)")
		case service.StageExchanging:
			stages.Start("exchanging the code for tokens")
		case service.StageVerifying:
			stages.Start("calling dataRange, devices, EGVs and events")
		}
	}
	stages.Start("checking the credentials directly with " + s.Progress.Env.Label())
	res, err := s.CheckDirect(ctx, service.CheckRun{Open: open, Days: o.days, Timeout: o.timeout, Reuse: true, OnStage: onStage})
	if errors.Is(err, service.ErrNotRecorded) {
		fmt.Fprintln(e.ios.ErrOut, "warning: could not record the check in the vault:", err)
	} else if err != nil {
		stages.Finish("✗")
		return nil, exitWith(exitVault, err)
	}
	mark := "✓"
	if !res.OK() {
		mark = "✗"
	}
	stages.Finish(mark)
	addFlagHints(res.Report, res.Err)
	return res, nil
}

// checkSession is the session check runs on: the demo's world (started
// as after steps 4 and 5), a vault profile, or the flags with the secrets
// from the environment. open logs the test user in.
func checkSession(e *env, o *checkOptions) (s *service.Session, open func(context.Context, string) error, cleanup func(), err error) {
	if o.demo {
		if !demo.HasUser(o.user) {
			return nil, nil, nil, exitWith(exitUsage, fmt.Errorf("--user %q: use SandboxUser1 … SandboxUser7", o.user))
		}
		w, err := demo.Start(demo.Options{Ready: true})
		if err != nil {
			return nil, nil, nil, exitWith(exitFailure, err)
		}
		s := w.ReadySession()
		if err := switchDemoFault(s, o.demoFault); err != nil {
			w.Close()
			return nil, nil, nil, err
		}
		s.Override(o.rook.values(o.secrets.get("ROOK_SECRET_KEY")))
		return s, w.LogIn(o.user), func() { s.Close(); w.Close() }, nil
	}
	if o.demoFault != "" {
		return nil, nil, nil, exitWith(exitUsage, errors.New("--demo-fault needs --demo"))
	}
	env, err := parseAppEnv(o.env)
	if err != nil {
		return nil, nil, nil, err
	}
	if o.profile != "" {
		v, pass, err := openVault(e.ios, e.prompt, &e.vault)
		if err != nil {
			return nil, nil, nil, err
		}
		secret.Wipe(pass)
		p, err := v.Profile(o.profile)
		if err != nil {
			v.Close()
			return nil, nil, nil, exitWith(exitVault, err)
		}
		s = service.OnProfile(v, p, env)
	} else {
		s = service.NewSession("check", env)
		s.Override(service.AppValues{ClientID: o.clientID, ClientSecret: o.secrets.get("DEXCOM_CLIENT_SECRET")})
	}
	cleanup = func() { s.Close() }
	s.APIBase, s.OAuthPaths, s.ROOKAPIBase, s.HTTP = o.apiBase, o.oauth, o.rook.apiBase, apiClient(60*time.Second)
	s.Override(service.AppValues{ClientID: o.clientID, RedirectURI: o.redirectURI})
	s.Override(o.rook.values(o.secrets.get("ROOK_SECRET_KEY")))
	if err := checkReady(s, o); err != nil {
		cleanup()
		return nil, nil, nil, err
	}
	open = e.browse
	if open == nil {
		open = connect.NewOpener(e.ios.ErrOut, o.noBrowser).Open
	}
	return s, open, cleanup, nil
}

// checkReady says, as flags, what the legs to run still lack.
func checkReady(s *service.Session, o *checkOptions) error {
	env := s.Progress.Env
	if o.rook.via != viaROOK {
		switch {
		case !service.HasCredentials(s) && s.Vault != nil:
			p := s.Profile.Name
			return exitWith(exitUsage, fmt.Errorf("profile %q has no %s app credentials: add them with dexonboard vault add %q --env %s", p, env.Label(), p, env))
		case !service.HasCredentials(s):
			return exitWith(exitUsage, errors.New("give --profile NAME, or --client-id with the secret in $DEXCOM_CLIENT_SECRET (or try --demo; --via rook needs no Dexcom secret)"))
		}
		if err := service.CheckClientID(s.App().ClientID); err != nil { // before a login waits for a browser
			return exitWith(exitUsage, fmt.Errorf("--client-id: %w", err))
		}
		if _, err := connect.ParseRedirect(s.Loopback()); err != nil {
			return exitWith(exitUsage, fmt.Errorf("%w, and pass it with --redirect-uri", err))
		}
	}
	if o.rook.via != viaDexcom {
		return o.rook.needs(s)
	}
	return nil
}

// apiClient is check's HTTP client. A 90-day check reads about 10 MB of
// answers; a 64 KiB read buffer takes them in a sixteenth of the read
// calls the default 4 KiB needs.
func apiClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ReadBufferSize = 64 << 10
	return &http.Client{Timeout: timeout, Transport: t}
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
