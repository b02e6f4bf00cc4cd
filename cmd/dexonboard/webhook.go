package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/webhook"
)

func newWebhookCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:  "webhook",
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newWebhookProbeCmd(e.ios, e.secrets), newWebhookListenCmd(e.ios, e.secrets))
	return cmd
}

type webhookProbeOptions struct {
	timeout time.Duration
	env     string
	json    bool
	secrets secretLookup // $ROOK_HASH_KEY
}

func newWebhookProbeCmd(ios *iostreams.IOStreams, secrets secretLookup) *cobra.Command {
	o := &webhookProbeOptions{secrets: secrets}
	cmd := &cobra.Command{
		Use:   "probe URL",
		Short: "POST a blood_glucose_event document to URL as ROOK would and check that it answers 200",
		Long: `POST a realistic blood_glucose_event document (a test user, a day of readings)
to URL as ROOK delivers data: JSON, no authentication, redirects not
followed. With $ROOK_HASH_KEY set (the secret hash key from ROOK's client
portal; never a flag) it signs x-rook-hash as ROOK does, so a webhook that
checks the signature accepts it. It reports the status, the time taken, TLS
(version, certificate verified or not) and any redirect.

200 passes: dexonboard's reading of the guide's "Ensure the response code
is 200". 201 and 202 pass with a note: ROOK counts them as received,
dexonboard checks for 200. Anything else fails, with what ROOK then does: it
retries after 2 h, 24 h and 48 h, then keeps the delivery for 3 days
(sandbox) or 10 days (production) to be resent; after that it is lost.

Exit codes: 0 pass, 1 fail, 2 bad input.`,
		Example: `  dexonboard webhook probe https://api.example.com/rook/webhook
  dexonboard webhook probe http://127.0.0.1:8790/ --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return webhookProbe(cmd, ios, o, args[0]) },
	}
	f := cmd.Flags()
	f.DurationVar(&o.timeout, "timeout", 15*time.Second, "how long to wait for the answer")
	boundDuration(f, "timeout", 10*time.Minute, "")
	f.StringVar(&o.env, "rook-env", "", "sandbox or production: says how long ROOK keeps a failed delivery (default: both)")
	f.BoolVar(&o.json, "json", false, "print the result as JSON on stdout")
	return cmd
}

func webhookProbe(cmd *cobra.Command, ios *iostreams.IOStreams, o *webhookProbeOptions, target string) error {
	var env rook.Environment
	if o.env != "" {
		var err error
		if env, err = rook.ParseEnvironment(o.env); err != nil {
			return exitWith(exitUsage, err)
		}
	}
	if err := webhook.CheckURL(target); err != nil {
		return exitWith(exitUsage, err)
	}
	r := webhook.Probe(cmd.Context(), target, webhook.SampleDocument(time.Now()), webhook.Options{Timeout: o.timeout, Env: env, HashKey: hashKey(o.secrets)})
	if o.json {
		if err := writeProbeJSON(ios, r); err != nil {
			return err
		}
	} else {
		printProbe(ios, r)
	}
	if r.Verdict == webhook.Fail {
		return &exitError{code: exitFailure, quiet: true}
	}
	return nil
}

// hashKey is ROOK's secret hash key from $ROOK_HASH_KEY (never a flag:
// main takes it out of the environment at start, like the other secrets).
func hashKey(secrets secretLookup) secret.String { return secret.New(secrets.get("ROOK_HASH_KEY")) }

func printProbe(ios *iostreams.IOStreams, r *webhook.Result) {
	fmt.Fprintln(ios.Out, "POST", safetext.Line(r.URL))
	if r.Signed {
		fmt.Fprintln(ios.Out, "x-rook-hash: signed with $ROOK_HASH_KEY, as ROOK signs")
	}
	if r.Err != nil {
		fmt.Fprintf(ios.Out, "answer: none after %d ms (%s)\n", r.Duration.Milliseconds(), r.Err)
	} else {
		fmt.Fprintf(ios.Out, "status: %d (%d ms)\n", r.Status, r.Duration.Milliseconds())
	}
	switch {
	case r.TLS == nil:
		fmt.Fprintln(ios.Out, "tls: none (plain http)")
	case r.TLS.Verified:
		fmt.Fprintf(ios.Out, "tls: %s, certificate verified\n", r.TLS.Version)
	default:
		fmt.Fprintf(ios.Out, "tls: %s, certificate NOT verified (%s)\n", r.TLS.Version, r.TLS.VerifyError)
	}
	if r.Redirect != "" {
		fmt.Fprintln(ios.Out, "redirect:", r.Redirect, "(not followed)")
	}
	fmt.Fprintf(ios.Out, "%s: %s\n", r.Verdict, r.Reason)
}

func writeProbeJSON(ios *iostreams.IOStreams, r *webhook.Result) error {
	out := map[string]any{"url": r.URL, "status": r.Status, "ms": r.Duration.Milliseconds(),
		"ok": r.Verdict != webhook.Fail, "verdict": r.Verdict.String(), "reason": r.Reason, "signed": r.Signed}
	if r.TLS != nil {
		out["tls"] = map[string]any{"version": r.TLS.Version, "verified": r.TLS.Verified, "error": r.TLS.VerifyError}
	}
	if r.Redirect != "" {
		out["redirect"] = r.Redirect
	}
	if r.Err != nil {
		out["error"] = r.Err.Error()
	}
	enc := json.NewEncoder(ios.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

type webhookListenOptions struct {
	addr    string
	maxBody int64
	public  bool
	secrets secretLookup // $ROOK_HASH_KEY
}

func newWebhookListenCmd(ios *iostreams.IOStreams, secrets secretLookup) *cobra.Command {
	o := &webhookListenOptions{secrets: secrets}
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Run a local webhook that answers 200 and prints each delivery",
		Long: `Run a local receiver for ROOK's data webhook: it answers 200 to every
readable JSON delivery and prints its data structure, user, date and number
of readings, and whether its x-rook-hash is verified, wrong or missing:
set $ROOK_HASH_KEY to the secret hash key from ROOK's client portal (ROOK's
published scheme: hex HMAC-SHA256 of client_uuid + user_id + datetime).
Without it the hash is shown, not checked. For demos, for the simulator (sandbox serve
--rook-webhook) and for clients who have no endpoint yet. ctrl+c stops it.

It listens on loopback only; an address such as 0.0.0.0:8790 (every
interface, so anyone on the network can post to it) needs --public.`,
		Example: `  dexonboard webhook listen
  dexonboard webhook listen --addr 127.0.0.1:9000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return webhookListen(cmd, ios, o) },
	}
	cmd.Flags().StringVar(&o.addr, "addr", "127.0.0.1:8790", "loopback address to listen on (port 0 picks a free one; another needs --public)")
	cmd.Flags().Int64Var(&o.maxBody, "max-body", webhook.DefaultMaxBody, "largest delivery accepted, in bytes")
	cmd.Flags().BoolVar(&o.public, "public", false, "allow an --addr that is not loopback (reachable from the network)")
	return cmd
}

func webhookListen(cmd *cobra.Command, ios *iostreams.IOStreams, o *webhookListenOptions) error {
	if err := checkLoopback("addr", o.addr); err != nil {
		if !o.public {
			return exitWith(exitUsage, fmt.Errorf("%w, or pass --public to listen there", err))
		}
		fmt.Fprintf(ios.ErrOut, "warning: --public: listening on %s, not loopback only: anyone who can reach this machine can post deliveries to it\n", o.addr)
	}
	key := hashKey(o.secrets)
	l, err := webhook.ListenWith(o.addr, webhook.ListenOptions{MaxBody: o.maxBody, HashKey: key}, func(d webhook.Received) { printReceived(ios, d) })
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("%w (pick another --addr)", err))
	}
	defer l.Close()
	fmt.Fprintln(ios.Out, "listening:", l.URL)
	if key.Empty() {
		fmt.Fprintln(ios.ErrOut, "x-rook-hash is shown, not checked: set $ROOK_HASH_KEY (the secret hash key from ROOK's client portal) to verify each delivery.")
	} else {
		fmt.Fprintln(ios.ErrOut, "x-rook-hash is verified with $ROOK_HASH_KEY.")
	}
	fmt.Fprintln(ios.ErrOut, "Waiting for deliveries; press ctrl+c to stop.")
	<-cmd.Context().Done()
	fmt.Fprintln(ios.ErrOut, "stopped.")
	return nil
}

func printReceived(ios *iostreams.IOStreams, d webhook.Received) {
	at := d.At.UTC().Format(time.RFC3339)
	if d.Err != "" {
		fmt.Fprintf(ios.Out, "%s refused (%d): %s\n", at, d.Status, d.Err)
		return
	}
	line := fmt.Sprintf("%s %s user %s date %s readings %d", at, orDash(d.DataStructure), orDash(d.UserID), orDash(d.Date), d.Readings)
	if d.Dropped > 0 {
		line += fmt.Sprintf(" (%d unreadable)", d.Dropped)
	}
	switch v := d.HashCheck.Verdict; v {
	case rook.HashVerified:
		line += " x-rook-hash verified (" + d.HashCheck.Matched + ")"
	case rook.HashNotChecked:
		if d.Hash != "" {
			line += " x-rook-hash " + d.Hash + " (not checked)"
		}
	default:
		line += " x-rook-hash " + strings.ToUpper(v.String())
	}
	fmt.Fprintln(ios.Out, line)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
