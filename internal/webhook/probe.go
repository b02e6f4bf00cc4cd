// Package webhook checks a client's data webhook the way ROOK delivers to
// it (a JSON POST without authentication, signed with x-rook-hash when the
// client's secret hash key is given), and runs a local receiver that
// answers 200, verifies x-rook-hash when it has the key, and reports each
// delivery. The rules are from ROOK's help
// centre (reference §4): 200, 201 or 202 counts as received; a failed
// delivery is retried after 2 h, 24 h and 48 h, then kept for 3 days
// (sandbox) or 10 days (production) to be resent, then lost.
package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Verdict is what a probe concluded.
type Verdict int

// The verdicts.
const (
	Fail         Verdict = iota
	Pass                 // 200: dexonboard's reading of the guide's "Ensure the response code is 200"
	PassWithNote         // 201 or 202: ROOK counts them, dexonboard checks for 200
)

func (v Verdict) String() string {
	switch v {
	case Pass:
		return "pass"
	case PassWithNote:
		return "pass (with a note)"
	}
	return "fail"
}

// TLSInfo is what the connection's TLS was.
type TLSInfo struct {
	Version     string // "TLS 1.3"
	Verified    bool   // the certificate chains to a trusted root and names the host
	VerifyError string // why not, cleaned
}

// Result is one probe.
type Result struct {
	URL      string
	Status   int // 0 when no answer came
	Duration time.Duration
	TLS      *TLSInfo // nil for plain http
	Redirect string   // Location of a 3xx answer (not followed), cleaned
	Answer   string   // the start of the answer's body, one cleaned line
	Signed   bool     // the probe carried x-rook-hash (Options.HashKey was set)
	Verdict  Verdict
	// Reason says why the verdict, and for a failure what ROOK will do.
	Reason string
	Err    error // no answer, in plain words (the cause stays reachable with errors.Is/As)
}

// Options tune a probe.
type Options struct {
	Timeout time.Duration  // default 15 s
	RootCAs *x509.CertPool // default: the system's roots
	Env     rook.Environment
	// HashKey is the client's secret hash key: when set, the probe signs
	// x-rook-hash as ROOK does (rook.SignBody), so a webhook that checks it
	// accepts the probe.
	HashKey secret.String
	// Wrap, when set, wraps the probe's transport (e.g. har.Recorder.Wrap,
	// so the probe is in the run's transcript).
	Wrap func(http.RoundTripper) http.RoundTripper
}

// WhatROOKDoes is ROOK's retry policy for a delivery that was not received.
func WhatROOKDoes(env rook.Environment) string {
	keep := "3 days (sandbox) or 10 days (production)"
	switch env {
	case rook.Sandbox:
		keep = "3 days"
	case rook.Production:
		keep = "10 days"
	}
	return "ROOK retries the delivery after 2 h, 24 h and 48 h, then keeps it " + keep +
		" to be resent; after that it is lost"
}

// Probe POSTs doc (JSON, no authentication) to target as ROOK would, without
// following redirects, and judges the answer.
func Probe(ctx context.Context, target string, doc any, o Options) *Result {
	if err := CheckURL(target); err != nil {
		return &Result{URL: shownURL(target), Err: err, Reason: err.Error()}
	}
	r := &Result{URL: safetext.Line(target)}
	u, _ := url.Parse(target)
	body, err := json.Marshal(doc)
	if err != nil {
		r.Err = err
		return r
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	var rt http.RoundTripper = transport(u.Hostname(), o.RootCAs, r)
	if o.Wrap != nil {
		rt = o.Wrap(rt)
	}
	hc := &http.Client{Timeout: o.Timeout, Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		r.Err = err
		return r
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "dexonboard webhook probe (as ROOK delivers)")
	if !o.HashKey.Empty() {
		if h := rook.SignBody(o.HashKey.Reveal(), body); h != "" {
			req.Header.Set(rook.HashHeader, h)
			r.Signed = true
		}
	}
	start := time.Now()
	resp, err := hc.Do(req)
	r.Duration = time.Since(start)
	if err != nil {
		r.Err = plainWords(err, u, o.Timeout)
		r.Reason = "no answer: " + WhatROOKDoes(o.Env)
		return r
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	r.Status = resp.StatusCode
	r.Answer = safetext.Brief(string(head), 200)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		r.Redirect = clip(safetext.Line(resp.Header.Get("Location")))
	}
	judge(r, o.Env)
	return r
}

// noAnswer is a failed connection said in plain words; the cause stays
// reachable for errors.Is and errors.As.
type noAnswer struct {
	msg   string
	cause error
}

func (e *noAnswer) Error() string { return e.msg }
func (e *noAnswer) Unwrap() error { return e.cause }

// plainWords names why no answer came the way a person says it, instead
// of Go's "context deadline exceeded (Client.Timeout exceeded ...)".
func plainWords(err error, u *url.URL, timeout time.Duration) error {
	host := u.Host
	var dns *net.DNSError
	var op *net.OpError
	var certErr *tls.CertificateVerificationError
	var msg string
	switch {
	case errors.Is(err, context.Canceled):
		msg = "cancelled before the webhook answered"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		msg = fmt.Sprintf("the webhook did not answer within %s (it accepted no connection or sent no answer in time)", timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = fmt.Sprintf("nothing accepts connections at %s (connection refused): is the webhook running, and on that port?", host)
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		msg = fmt.Sprintf("%s closed the connection without an answer", host)
	case errors.As(err, &dns):
		msg = fmt.Sprintf("the host name %s could not be found (DNS)", u.Hostname())
	case errors.As(err, &certErr):
		msg = "the TLS handshake failed: " + clip(safetext.Line(certErr.Error()))
	case errors.As(err, &op) && op.Op == "remote error":
		msg = "the TLS handshake failed: " + clip(safetext.Line(op.Err.Error()))
	default:
		msg = "no answer: " + clip(safetext.Line(err.Error()))
	}
	return &noAnswer{msg: msg, cause: err}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// CheckURL accepts an absolute http(s) URL without control characters or
// user info. ROOK posts to the webhook without authentication, and a
// password in the URL would reach every report: it is refused without
// being shown.
func CheckURL(target string) error {
	u, err := url.Parse(target)
	switch {
	case err == nil && u.User != nil:
		return fmt.Errorf("the webhook URL %s://%s has a user name or password in it: ROOK posts without authentication "+
			"and dexonboard would print it in reports; remove it", clip(safetext.Line(u.Scheme)), clip(safetext.Line(u.Host)))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || safetext.Has(target):
		return fmt.Errorf("%s is not an http(s) URL", quoteURL(target))
	}
	return nil
}

// quoteURL quotes a refused URL for an error, unless it may hold a
// password (an unparsable URL with an @).
func quoteURL(target string) string {
	if strings.Contains(target, "@") {
		return "the URL (not shown: it has an @)"
	}
	return fmt.Sprintf("%q", clip(safetext.Line(target)))
}

// shownURL is a refused URL as a report may show it: without user info.
func shownURL(target string) string {
	u, err := url.Parse(target)
	switch {
	case err == nil && u.User != nil:
		return clip(safetext.Line(u.Scheme + "://" + u.Host))
	case strings.Contains(target, "@"):
		return "(not shown: it has an @)"
	}
	return clip(safetext.Line(target))
}

// judge sets the verdict and its reason.
func judge(r *Result, env rook.Environment) {
	switch {
	case r.TLS != nil && !r.TLS.Verified:
		r.Verdict = Fail
		r.Reason = "the certificate could not be verified (" + r.TLS.VerifyError + "), so ROOK's delivery may be refused: " + WhatROOKDoes(env)
	case r.Status == http.StatusOK:
		r.Verdict, r.Reason = Pass, "the webhook answered 200, as dexonboard reads the guide's \"Ensure the response code is 200\""
	case r.Status == http.StatusCreated || r.Status == http.StatusAccepted:
		r.Verdict = PassWithNote
		r.Reason = fmt.Sprintf("ROOK counts %d as received; dexonboard checks for 200, its reading of the guide's \"Ensure the response code is 200\"", r.Status)
	case (r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden) && !r.Signed:
		r.Verdict = Fail
		r.Reason = fmt.Sprintf("the webhook answered %d to an unsigned post: your webhook checks x-rook-hash: set $ROOK_HASH_KEY (the secret hash key from ROOK's client portal) and the probe signs like ROOK", r.Status)
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
		r.Verdict = Fail
		r.Reason = fmt.Sprintf("the webhook answered %d to a post signed with $ROOK_HASH_KEY: check that the key is the one ROOK's client portal shows for this environment (it changes when the secret key changes): %s", r.Status, WhatROOKDoes(env))
	case r.Redirect != "":
		r.Verdict = Fail
		r.Reason = fmt.Sprintf("the webhook answered %d, a redirect to %s; ROOK counts only 200, 201 or 202 from the URL itself, so point it at the final URL: %s", r.Status, r.Redirect, WhatROOKDoes(env))
	default:
		r.Verdict = Fail
		r.Reason = fmt.Sprintf("the webhook answered %d, not 200: %s", r.Status, WhatROOKDoes(env))
	}
}

// transport dials fresh connections (nothing reused between probes) and
// records the TLS version and whether the certificate verifies, without
// refusing an unverified one: the probe reports it instead.
func transport(host string, roots *x509.CertPool, r *Result) *http.Transport {
	return &http.Transport{
		Proxy:             http.ProxyFromEnvironment,
		DialContext:       (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		DisableKeepAlives: true,
		ForceAttemptHTTP2: true,
		TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: true, // verified below, so the result can say why not
			VerifyConnection: func(cs tls.ConnectionState) error {
				info := &TLSInfo{Version: tls.VersionName(cs.Version)}
				info.Verified, info.VerifyError = verify(cs, host, roots)
				r.TLS = info
				return nil
			},
		},
	}
}

func verify(cs tls.ConnectionState, host string, roots *x509.CertPool) (bool, string) {
	if len(cs.PeerCertificates) == 0 {
		return false, "no certificate"
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: host})
	if err != nil {
		return false, clip(safetext.Line(err.Error()))
	}
	return true, ""
}

// clip shortens cleaned text from outside for a report.
func clip(s string) string { return safetext.Cut(s, 200) }

// ProbeUserID is the user of the probe's document, so that a receiver can
// tell the probe from ROOK's deliveries.
const ProbeUserID = "dexonboard-webhook-probe"

// SampleDocument is a realistic blood_glucose_event document for a probe:
// a day of readings every 5 minutes for a test user.
func SampleDocument(now time.Time) rook.Document {
	day := now.UTC().AddDate(0, 0, -1)
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	samples := make([]rook.Sample, 0, 288)
	for i := range 288 {
		// A gentle daily curve between about 90 and 170 mg/dL.
		v := 130 + 40*sinApprox(float64(i)/288)
		samples = append(samples, rook.Sample{At: start.Add(time.Duration(i)*5*time.Minute + 31*time.Second), MgDL: v})
	}
	doc := rook.NewDocument("dexonboard-probe", ProbeUserID, start, samples)
	doc.Datetime = rook.FormatTime(now) // signed into x-rook-hash, as ROOK's top-level datetime
	return doc
}

// sinApprox is a smooth wave over one period t in [0, 1).
func sinApprox(t float64) float64 {
	x := 4 * t * (1 - t) // 0 at the ends, 1 at noon
	return 2*x - 1
}
