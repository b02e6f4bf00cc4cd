package main

import (
	"fmt"
	"net/url"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/sandbox"
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
}

func newSandboxCmd(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the embedded Dexcom sandbox simulator",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSandboxServeCmd(ios))
	return cmd
}

func newSandboxServeCmd(ios *iostreams.IOStreams) *cobra.Command {
	o := &sandboxServeOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the simulated Dexcom sandbox API on a loopback address",
		Long: `Serve the simulated Dexcom sandbox: the OAuth login page and token endpoint
(/v2/oauth2/* and /v3/oauth2/*) and every /v3/users/self data endpoint, with
data for SandboxUser1 … SandboxUser7. It prints its base URL and the demo
app's credentials; the client secret is a fake made for the simulator.`,
		Example: `  dexonboard sandbox serve --addr 127.0.0.1:8780
  dexonboard sandbox serve --rate-limit 0.1 --server-errors 0.05 --latency 300ms
  dexonboard sandbox serve --quirks`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return sandboxServe(cmd, ios, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8780", "loopback address to listen on (port 0 picks a free one)")
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
	return cmd
}

func sandboxServe(cmd *cobra.Command, ios *iostreams.IOStreams, o *sandboxServeOptions) error {
	for _, share := range []float64{o.faults.RateLimit, o.faults.ServerErrors, o.faults.ExpireTokens} {
		if share < 0 || share > 1 {
			return exitWith(exitUsage, fmt.Errorf("fault shares go from 0 to 1, not %v", share))
		}
	}
	app := sandbox.DemoApp(o.redirectURIs...)
	sim := sandbox.New(sandbox.Config{Seed: o.seed, Apps: []sandbox.App{app}, LenientDates: o.lenientDates,
		History: o.history, UploadDelay: o.uploadDelay, Quirks: o.quirks, Faults: o.faults})
	run, err := sandbox.Start(sim, o.addr)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	defer run.Close()
	fmt.Fprintln(ios.ErrOut, "Dexcom sandbox simulator running; press ctrl+c to stop.")
	fmt.Fprintln(ios.Out, "base url:", run.URL)
	fmt.Fprintln(ios.Out, "client id:", app.ClientID)
	fmt.Fprintln(ios.Out, "client secret:", app.ClientSecret)
	for _, u := range app.RedirectURIs {
		fmt.Fprintln(ios.Out, "redirect uri:", u)
	}
	q := url.Values{"client_id": {app.ClientID}, "redirect_uri": {app.RedirectURIs[0]},
		"response_type": {"code"}, "scope": {"offline_access"}, "state": {"try-me"}}
	fmt.Fprintln(ios.Out, "login url:", run.URL+"/v2/oauth2/login?"+q.Encode())
	<-cmd.Context().Done()
	fmt.Fprintln(ios.ErrOut, "stopped.")
	return nil
}
