package main

import (
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/rooksim"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/webhook"
)

type sandboxServeOptions struct {
	addr         string
	seed         uint64
	redirectURIs []string
	lenientDates bool
	history      time.Duration
	uploadDelay  time.Duration
	quirks       bool
	faults       sandbox.Faults
	rookAddr     string
	rookWebhook  string
	rookFaults   rooksim.Faults
	// The variants where Dexcom's and ROOK's sources are silent, and the
	// documented behaviour's opposites (docs/behaviours.md).
	loginInPlace    bool
	rookVariants    rooksim.Config // LenientRedirectURL, AuthorizedField, UnknownUser404, SignMetadataDatetime
	exchangeFailure string
}

// exchangeFailures name rooksim.ExchangeFailure's variants for the flag.
var exchangeFailures = map[string]rooksim.ExchangeFailure{
	"own": rooksim.RelayOwnCode, "oauth": rooksim.RelayOAuthCode, "silent": rooksim.Silent,
}

func newSandboxCmd(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:  "sandbox",
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newSandboxServeCmd(ios))
	return cmd
}

func newSandboxServeCmd(ios *iostreams.IOStreams) *cobra.Command {
	o := &sandboxServeOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the simulated Dexcom and ROOK sandbox APIs on loopback addresses",
		Long: `Serve the simulated Dexcom sandbox: the OAuth login page and token endpoint
(/v2/oauth2/* and /v3/oauth2/*) and every /v3/users/self data endpoint, with
data for SandboxUser1 … SandboxUser7. It prints its base URL and the demo
app's credentials; the client secret is a fake made for the simulator.

Beside it, the simulated ROOK sandbox (--rook-addr): the data-source
authorizer, authorized data sources, revoke and the blood_glucose_event
pull, with HTTP Basic auth. ROOK holds the demo app's Dexcom credentials,
and its Redirect URL is registered with the demo app. After a connection it
pushes documents to --rook-webhook. Its client UUID and secret key are
fakes made for the simulator (the secret hash key that signs x-rook-hash
too). The --rook-* fault switches make it fail as a misconfigured client or
a busy ROOK does.

By default both play what Dexcom's and ROOK's public sources document: the
login redirects to a separate identity page, redirect_url must be https and
at most 50 characters, the authorized list carries "status", and deliveries
are signed as ROOK's changelog publishes. Where a source is silent, or to
try a client against the other reading, a switch plays the variant:
--login-in-place, --rook-lenient-redirect-url, --rook-authorized-field,
--rook-unknown-user-404, --rook-sign-metadata-datetime and
--rook-exchange-failure.`,
		Example: `  dexonboard sandbox serve --addr 127.0.0.1:8780
  dexonboard sandbox serve --rate-limit 0.1 --server-errors 0.05 --latency 300ms
  dexonboard sandbox serve --quirks
  dexonboard sandbox serve --rook-webhook http://127.0.0.1:8790/rook
  dexonboard sandbox serve --rook-wrong-client-id --rook-no-data-polls 3
  dexonboard sandbox serve --rook-wrong-secret --rook-exchange-failure silent
  dexonboard sandbox serve --login-in-place --rook-authorized-field --rook-lenient-redirect-url`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return sandboxServe(cmd, ios, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8780", "loopback address to listen on, 127.0.0.1 or [::1] (port 0 picks a free one)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the generated data: the same seed gives the same data")
	f.StringSliceVar(&o.redirectURIs, "redirect-uri", []string{sandbox.DemoRedirectURI, "http://127.0.0.1:8765/callback"}, "redirect URIs registered for the demo app")
	f.BoolVar(&o.lenientDates, "lenient-dates", false, "accept startDate/endDate with a zone or milliseconds (the real API is reported to refuse them)")
	f.DurationVar(&o.history, "history", 100*24*time.Hour, "how far back the data goes")
	f.DurationVar(&o.uploadDelay, "upload-delay", 0, "how far behind now the newest reading is (real US phone data: about 1h)")
	f.BoolVar(&o.quirks, "quirks", false, "serve valid but unusual answers: fractional and mmol/L values, a malformed record and a bad time a day, updated and deleted events")
	f.Float64Var(&o.faults.RateLimit, "rate-limit", 0, "share of data calls answered 429 (0 to 1)")
	f.DurationVar(&o.faults.RetryAfter, "retry-after", time.Second, "Retry-After sent with 429 answers (0: none)")
	f.Float64Var(&o.faults.ServerErrors, "server-errors", 0, "share of data calls answered 503 (0 to 1)")
	f.Float64Var(&o.faults.ExpireTokens, "expire-tokens", 0, "share of data calls whose access token expires (401)")
	f.DurationVar(&o.faults.Latency, "latency", 0, "delay added to every answer")
	f.StringVar(&o.rookAddr, "rook-addr", "127.0.0.1:8781", "loopback address of the ROOK simulator, 127.0.0.1 or [::1] (port 0 picks a free one)")
	f.StringVar(&o.rookWebhook, "rook-webhook", "", "the client's data webhook: ROOK pushes blood_glucose_event documents there after a connection")
	rf := &o.rookFaults
	f.BoolVar(&rf.WrongClientID, "rook-wrong-client-id", false, "ROOK holds a Dexcom Client ID one character off the app's")
	f.BoolVar(&rf.WrongSecret, "rook-wrong-secret", false, "ROOK holds a wrong Dexcom client secret (the code exchange fails)")
	f.BoolVar(&rf.DexcomDisabled, "rook-dexcom-disabled", false, "Dexcom is not enabled for the ROOK client (the authorizer answers 422)")
	f.BoolVar(&rf.RedirectNotRegistered, "rook-redirect-not-registered", false, "ROOK's Redirect URL is not registered with the Dexcom app (Step 5 skipped)")
	f.IntVar(&rf.NoDataPolls, "rook-no-data-polls", 0, "the first N blood glucose pulls answer 204 (no data yet)")
	f.BoolVar(&rf.RateLimitOnce, "rook-rate-limit-once", false, "the first ROOK API call answers 429")
	f.BoolVar(&rf.ServerErrorOnce, "rook-server-error-once", false, "the first ROOK API call (after any 429) answers 503")
	f.DurationVar(&rf.RetryAfter, "rook-retry-after", time.Second, "Retry-After sent with ROOK's 429 (0: none)")
	f.DurationVar(&rf.Latency, "rook-latency", 0, "delay added to every ROOK answer")
	f.IntVar(&rf.DropEvery, "rook-drop-every", 0, "ROOK leaves out every Nth reading of a day, pulled and pushed (0: none)")
	f.IntVar(&rf.ChangeEvery, "rook-change-every", 0, "ROOK serves every Nth reading of a day 25 mg/dL higher than Dexcom's (0: none)")
	f.BoolVar(&o.loginInPlace, "login-in-place", false, "Dexcom's login shows its form in place with 200 instead of redirecting to a separate identity page")
	rv := &o.rookVariants
	f.BoolVar(&rv.LenientRedirectURL, "rook-lenient-redirect-url", false, "ROOK accepts any http(s) redirect_url (documented: https and at most 50 characters, else 422)")
	f.BoolVar(&rv.AuthorizedField, "rook-authorized-field", false, "ROOK's v2 authorized list names the flag \"authorized\" (documented: \"status\")")
	f.BoolVar(&rv.UnknownUser404, "rook-unknown-user-404", false, "ROOK answers 404 for a user it has never seen (default: nothing connected)")
	f.BoolVar(&rv.SignMetadataDatetime, "rook-sign-metadata-datetime", false, "x-rook-hash signs the event metadata's datetime instead of the document's top-level one")
	f.StringVar(&o.exchangeFailure, "rook-exchange-failure", "own", "how ROOK reports a failed code exchange at Dexcom: own (token_exchange_failed), oauth (Dexcom's invalid_client) or silent (nothing added)")
	boundDuration(f, "history", 5*365*24*time.Hour, "")
	boundDuration(f, "upload-delay", 24*time.Hour, "none")
	boundDuration(f, "retry-after", time.Hour, "none")
	boundDuration(f, "rook-retry-after", time.Hour, "none")
	boundDuration(f, "latency", 10*time.Minute, "none")
	boundDuration(f, "rook-latency", 10*time.Minute, "none")
	return cmd
}

func sandboxServe(cmd *cobra.Command, ios *iostreams.IOStreams, o *sandboxServeOptions) error {
	// The simulators hand out fake secrets and accept anyone's login:
	// loopback only, no switch.
	if err := checkLoopback("addr", o.addr); err != nil {
		return exitWith(exitUsage, err)
	}
	if err := checkLoopback("rook-addr", o.rookAddr); err != nil {
		return exitWith(exitUsage, err)
	}
	for _, share := range []float64{o.faults.RateLimit, o.faults.ServerErrors, o.faults.ExpireTokens} {
		if share < 0 || share > 1 {
			return exitWith(exitUsage, fmt.Errorf("fault shares go from 0 to 1, not %v", share))
		}
	}
	for name, n := range map[string]int{"rook-no-data-polls": o.rookFaults.NoDataPolls, "rook-drop-every": o.rookFaults.DropEvery, "rook-change-every": o.rookFaults.ChangeEvery} {
		if n < 0 {
			return exitWith(exitUsage, fmt.Errorf("--%s is a count, not %d", name, n))
		}
	}
	failure, ok := exchangeFailures[o.exchangeFailure]
	if !ok {
		return exitWith(exitUsage, fmt.Errorf("--rook-exchange-failure %q: use own, oauth or silent", safetext.Line(o.exchangeFailure)))
	}
	if o.rookWebhook != "" {
		if err := webhook.CheckURL(o.rookWebhook); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--rook-webhook: %w", err))
		}
	}
	app := sandbox.DemoApp(o.redirectURIs...)
	rc := rooksim.DemoClient(app.ClientID, app.ClientSecret)
	rc.WebhookURL = o.rookWebhook
	st, err := rooksim.StartStack(rooksim.StackConfig{
		Dexcom: sandbox.Config{Seed: o.seed, Apps: []sandbox.App{app}, LenientDates: o.lenientDates,
			History: o.history, UploadDelay: o.uploadDelay, Quirks: o.quirks, Faults: o.faults, LoginInPlace: o.loginInPlace},
		ROOK: rooksim.Config{Clients: []rooksim.Client{rc}, Faults: o.rookFaults, OnDelivery: printDelivery(ios),
			LenientRedirectURL: o.rookVariants.LenientRedirectURL, AuthorizedField: o.rookVariants.AuthorizedField,
			UnknownUser404: o.rookVariants.UnknownUser404, SignMetadataDatetime: o.rookVariants.SignMetadataDatetime,
			ExchangeFailure: failure},
		DexcomAddr: o.addr, ROOKAddr: o.rookAddr})
	if err != nil {
		return exitWith(exitUsage, err)
	}
	defer st.Close()
	run := st.Dexcom
	fmt.Fprintln(ios.ErrOut, "Dexcom and ROOK sandbox simulators running; press ctrl+c to stop.")
	fmt.Fprintln(ios.Out, "base url:", run.URL)
	fmt.Fprintln(ios.Out, "client id:", app.ClientID)
	fmt.Fprintln(ios.Out, "client secret:", app.ClientSecret)
	for _, u := range app.RedirectURIs {
		fmt.Fprintln(ios.Out, "redirect uri:", u)
	}
	q := url.Values{"client_id": {app.ClientID}, "redirect_uri": {app.RedirectURIs[0]},
		"response_type": {"code"}, "scope": {"offline_access"}, "state": {"try-me"}}
	fmt.Fprintln(ios.Out, "login url:", run.URL+"/v2/oauth2/login?"+q.Encode())
	fmt.Fprintln(ios.Out, "rook base url:", st.ROOK.URL)
	fmt.Fprintln(ios.Out, "rook client uuid:", rc.UUID)
	fmt.Fprintln(ios.Out, "rook secret key:", rc.SecretKey)
	fmt.Fprintln(ios.Out, "rook hash key:", rc.SecretHashKey())
	fmt.Fprintln(ios.Out, "rook redirect url:", st.ROOK.RedirectURL())
	fmt.Fprintln(ios.Out, "rook authorizer:", st.ROOK.URL+"/api/v1/user_id/"+rooksim.DemoUserID+"/data_source/Dexcom/authorizer")
	if rc.WebhookURL != "" {
		fmt.Fprintln(ios.Out, "rook webhook:", rc.WebhookURL)
	}
	<-cmd.Context().Done()
	fmt.Fprintln(ios.ErrOut, "stopped.")
	return nil
}

// printDelivery reports each push to the webhook on stderr as it ends.
func printDelivery(ios *iostreams.IOStreams) func(rooksim.Delivery) {
	var mu sync.Mutex
	return func(d rooksim.Delivery) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case d.Err != "":
			fmt.Fprintf(ios.ErrOut, "rook push %s (%d readings) to %s failed: %s\n", d.Date, d.Readings, d.URL, safetext.Line(d.Err))
		case !d.Received():
			fmt.Fprintf(ios.ErrOut, "rook push %s (%d readings) to %s answered %d: ROOK retries after 2 h, 24 h and 48 h\n", d.Date, d.Readings, d.URL, d.Status)
		default:
			fmt.Fprintf(ios.ErrOut, "rook push %s (%d readings) to %s answered %d\n", d.Date, d.Readings, d.URL, d.Status)
		}
	}
}
