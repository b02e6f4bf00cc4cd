package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/internal/vault"
	"github.com/tryrook/dexonboard/internal/webhook"
)

// Which legs check runs.
const (
	viaDexcom = "dexcom"
	viaROOK   = "rook"
	viaBoth   = "both"
)

// rookFlags are check's flags for the leg through ROOK.
type rookFlags struct {
	via         string
	apiBase     string
	env         string
	clientUUID  string
	userID      string
	redirectURL string
	webhookURL  string
	apiTimeout  time.Duration
	days        int
}

func (r *rookFlags) register(f *pflag.FlagSet) {
	f.StringVar(&r.via, "via", "", "which way to check: dexcom (directly), rook (through ROOK, as Step 6) or both (default dexcom; with --demo both)")
	f.StringVar(&r.apiBase, "rook-api-base", "", "ROOK API base URL instead of --rook-env's (a simulator, a proxy)")
	f.StringVar(&r.env, "rook-env", "", "ROOK environment: sandbox or production (default: the one of --env)")
	f.StringVar(&r.clientUUID, "rook-client-uuid", "", "the ROOK client UUID (the secret key comes from $ROOK_SECRET_KEY, or from --profile)")
	f.StringVar(&r.userID, "rook-user-id", "", "the ROOK user id of the test user (default: the profile's, else "+rooksim.DemoUserID+")")
	f.StringVar(&r.redirectURL, "rook-redirect-url", "", "ROOK's Redirect URL from Step 4, which the authorization URL must carry (default: the profile's)")
	f.StringVar(&r.webhookURL, "webhook-url", "", "also probe this data webhook as ROOK delivers to it (default: the profile's; with --demo a local receiver)")
	f.DurationVar(&r.apiTimeout, "rook-timeout", rook.DefaultTimeout, "how long one ROOK API call may take")
	boundDuration(f, "rook-timeout", 10*time.Minute, "")
	f.IntVar(&r.days, "rook-days", 3, "how many days back to look for ROOK's newest blood glucose (1 to 14)")
}

// validate checks every flag before anything starts (no login, no
// simulator, no vault): a bad value is exit 2 at once.
func (o *checkOptions) validate() error {
	r := &o.rook
	switch r.via {
	case "":
		r.via = viaDexcom
		if o.demo {
			r.via = viaBoth
		}
	case viaDexcom, viaROOK, viaBoth:
	default:
		return exitWith(exitUsage, fmt.Errorf("--via %q: use dexcom, rook or both", r.via))
	}
	if o.days < 1 || o.days > connect.MaxDays {
		return exitWith(exitUsage, fmt.Errorf("--days must be 1 to %d", connect.MaxDays))
	}
	if r.days < 1 || r.days > 14 {
		return exitWith(exitUsage, errors.New("--rook-days must be 1 to 14"))
	}
	if o.clientID != "" {
		if err := onboarding.ValidateClientID(o.clientID); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--client-id: %w", err))
		}
	}
	if o.redirectURI != "" {
		if _, err := connect.ParseRedirect(o.redirectURI); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--redirect-uri: %w", err))
		}
	}
	if r.env != "" {
		if _, err := rook.ParseEnvironment(r.env); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--rook-env: %w", err))
		}
	}
	if err := checkAPIBase(o.apiBase); err != nil {
		return err
	}
	if r.apiBase != "" {
		if err := rook.CheckBaseURL(r.apiBase); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--rook-api-base: %w", err))
		}
	}
	if r.redirectURL != "" {
		if err := validateROOKRedirect(r.redirectURL, r.apiBase); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--rook-redirect-url: %w", err))
		}
	}
	if r.webhookURL != "" {
		if err := webhook.CheckURL(r.webhookURL); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--webhook-url: %w", err))
		}
	}
	if r.userID != "" {
		if err := service.ValidateROOKUserID(r.userID); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--rook-user-id: %w", err))
		}
	}
	return nil
}

// validateROOKRedirect is Step 4's rule; a ROOK API on loopback (a
// simulator) may have a loopback http Redirect URL.
func validateROOKRedirect(u, apiBase string) error {
	return service.ValidateROOKRedirectFor(u, service.IsLoopbackURL(apiBase))
}

// leg is the ROOK leg with what the flags say.
func (r *rookFlags) leg(e *env, o *checkOptions, env rook.Environment, dexcomBase string, hc *http.Client, open func(context.Context, string) error) *service.ROOKLeg {
	return &service.ROOKLeg{Env: env, BaseURL: r.apiBase, UserID: r.userID, DexcomBase: dexcomBase,
		LandingURI: o.redirectURI, Open: open, Timeout: o.timeout, Poll: rook.DefaultPoll, Days: r.days,
		HTTP: hc, APITimeout: r.apiTimeout, WebhookURL: r.webhookURL, Sleep: e.sleep}
}

// realLeg fills the leg from the flags, $ROOK_SECRET_KEY and the profile.
func (r *rookFlags) realLeg(e *env, o *checkOptions, env dexcom.Environment, dexcomBase string, hc *http.Client, open func(context.Context, string) error, p *vault.Profile) (*service.ROOKLeg, error) {
	renv := service.ROOKEnvironment(env)
	if r.env != "" {
		renv, _ = rook.ParseEnvironment(r.env)
	}
	leg := r.leg(e, o, renv, dexcomBase, hc, open)
	leg.ClientID = o.clientID
	leg.RedirectURL = r.redirectURL
	leg.Credentials = rook.Credentials{ClientUUID: r.clientUUID, SecretKey: secret.New(secretEnv("ROOK_SECRET_KEY"))}
	if p != nil {
		if a, ok := p.Apps[env]; ok {
			leg.ClientID = cmp.Or(leg.ClientID, a.ClientID)
			leg.RedirectURL = cmp.Or(leg.RedirectURL, a.ROOKRedirectURL)
			leg.UserID = cmp.Or(leg.UserID, a.ROOKUserID)
			leg.WebhookURL = cmp.Or(leg.WebhookURL, a.WebhookURL)
			if leg.Credentials.ClientUUID == "" {
				leg.Credentials = rook.Credentials{ClientUUID: a.ROOKClientUUID, SecretKey: a.ROOKSecretKey}
			}
		}
	}
	leg.UserID = cmp.Or(leg.UserID, rooksim.DemoUserID)
	var missing []string
	if leg.ClientID == "" {
		missing = append(missing, "--client-id (the Dexcom Client ID of Step 3)")
	}
	if leg.RedirectURL == "" {
		missing = append(missing, "--rook-redirect-url (the Redirect URL from Step 4)")
	}
	if leg.Credentials.ClientUUID == "" || leg.Credentials.SecretKey.Empty() {
		missing = append(missing, "--rook-client-uuid with the secret key in $ROOK_SECRET_KEY (from ROOK's client portal, "+string(renv)+" environment)")
	}
	if len(missing) > 0 {
		from := ""
		if p != nil {
			from = fmt.Sprintf(" (profile %q has none for %s)", p.Name, env.Label())
		}
		return nil, exitWith(exitUsage, fmt.Errorf("the check through ROOK needs %s%s", strings.Join(missing, ", "), from))
	}
	return leg, nil
}

// runROOK runs the leg with its stage line.
func runROOK(ctx context.Context, stages *stageLine, leg *service.ROOKLeg, o *checkOptions) *service.ROOKReport {
	leg.OnStage = func(s service.ROOKStage, _ string) {
		msg := "ROOK: " + s.String()
		if s == service.StageBrowser {
			msg += " (ctrl+c to cancel)"
		}
		stages.Start(msg)
	}
	res := leg.Run(ctx)
	mark := "✓"
	if !res.OK() {
		mark = "✗"
	}
	stages.Finish(mark)
	return &res.Report
}

func printROOKReport(w io.Writer, r *service.ROOKReport) {
	if r.OK {
		fmt.Fprintf(w, "\nThrough ROOK: verified. ROOK connected Dexcom for %s and returned blood glucose.\n\n", r.UserID)
	} else {
		fmt.Fprintf(w, "\nThrough ROOK: not verified (%s): %s\nWhat to do: %s\n\n", r.FailedStage, r.Error, r.Fix)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "rook\t%s (%s), client %s, user %s\n", r.Environment, r.APIBase, r.ClientUUID, r.UserID)
	if r.AuthorizationURL != "" {
		fmt.Fprintf(tw, "authorization url\t%s\n", r.AuthorizationURL)
	}
	if r.AlreadyConnected {
		fmt.Fprintf(tw, "connection\talready connected; no login needed\n")
	}
	for i, c := range r.Calls {
		label := ""
		if i == 0 {
			label = "calls"
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%d\t%d ms\n", label, c.Method, c.Path, c.Status, c.Ms)
	}
	for _, d := range r.Glucose {
		fmt.Fprintf(tw, "glucose\t%s: %d readings\n", d.Date, d.Count)
	}
	if c := r.Comparison; c != nil {
		fmt.Fprintf(tw, "compared\t%s\n", c.Summary)
	}
	if h := r.Webhook; h != nil {
		fmt.Fprintf(tw, "webhook\t%s: %d in %d ms, %s (%s)\n", h.URL, h.Status, h.Ms, h.Verdict, h.Reason)
	}
	_ = tw.Flush()
}
