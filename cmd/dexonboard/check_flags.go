package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/service"
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
	webhookWait time.Duration
	apiTimeout  time.Duration
	days        int
}

func (r *rookFlags) register(f *pflag.FlagSet) {
	f.StringVar(&r.via, "via", "", "which way to check: dexcom (directly), rook (through ROOK, as Step 6) or both (default dexcom; with --demo both)")
	f.StringVar(&r.apiBase, "rook-api-base", "", "ROOK API base URL instead of --rook-env's (a simulator, a proxy)")
	f.StringVar(&r.env, "rook-env", "", "ROOK environment: sandbox or production (default: the one of --env)")
	f.StringVar(&r.clientUUID, "rook-client-uuid", "", "the ROOK client UUID (the secret key comes from $ROOK_SECRET_KEY, or from --profile)")
	f.StringVar(&r.userID, "rook-user-id", "", "the ROOK user id of the test user (default: the profile's, else "+onboarding.DefaultROOKUserID+")")
	f.StringVar(&r.redirectURL, "rook-redirect-url", "", "ROOK's Redirect URL from Step 4, which the authorization URL must carry (default: the profile's)")
	f.StringVar(&r.webhookURL, "webhook-url", "", "also probe this data webhook as ROOK delivers to it (default: the profile's; with --demo a local receiver)")
	f.DurationVar(&r.webhookWait, "webhook-timeout", 15*time.Second, "how long the webhook probe waits for the webhook's answer")
	boundDuration(f, "webhook-timeout", 2*time.Minute, "")
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
		if err := onboarding.ValidateROOKUserID(r.userID); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--rook-user-id: %w", err))
		}
	}
	return o.validateFields()
}

// validateFields checks the flags and secret variables not checked above
// by onboarding's one rule per field, as vault add and the wizard do.
func (o *checkOptions) validateFields() error {
	if err := o.validateExport(); err != nil {
		return err
	}
	if id := o.rook.clientUUID; id != "" {
		if err := onboarding.ValidateROOKClientUUID(id); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--rook-client-uuid: %w", err))
		}
	}
	if o.demo || o.profile != "" {
		return nil // the secrets come from the simulator or the vault
	}
	if s := o.secrets.get("DEXCOM_CLIENT_SECRET"); s != "" && o.rook.via != viaROOK {
		if err := onboarding.ValidateClientSecret(s); err != nil {
			return exitWith(exitUsage, fmt.Errorf("$DEXCOM_CLIENT_SECRET: %w", err))
		}
	}
	if s := o.secrets.get("ROOK_SECRET_KEY"); s != "" && o.rook.via != viaDexcom {
		if err := onboarding.ValidateROOKSecretKey(s); err != nil {
			return exitWith(exitUsage, fmt.Errorf("$ROOK_SECRET_KEY: %w", err))
		}
	}
	return nil
}

// validateROOKRedirect is Step 4's rule; a ROOK API on loopback (a
// simulator) may have a loopback http Redirect URL.
func validateROOKRedirect(u, apiBase string) error {
	return service.ValidateROOKRedirectFor(u, service.IsLoopbackURL(apiBase))
}
