package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
)

// values are the ROOK leg's values from the flags and $ROOK_SECRET_KEY.
func (r *rookFlags) values(secretKey string) service.AppValues {
	v := service.AppValues{ROOKRedirectURL: r.redirectURL, ROOKUserID: r.userID, WebhookURL: r.webhookURL}
	if r.clientUUID != "" {
		v.ROOKClientUUID, v.ROOKSecretKey = r.clientUUID, secretKey
	}
	return v
}

// rookEnv is the ROOK environment the leg runs in: --rook-env, else the
// one of the session's track.
func (r *rookFlags) rookEnv(s *service.Session) rook.Environment {
	if r.env != "" {
		env, _ := rook.ParseEnvironment(r.env) // validated with the flags
		return env
	}
	return s.ROOKEnv()
}

// needs names what the leg still lacks, as flags, before anything runs.
func (r *rookFlags) needs(s *service.Session) error {
	a := s.App()
	var missing []string
	if a.ClientID == "" {
		missing = append(missing, "--client-id (the Dexcom Client ID of Step 3)")
	}
	if a.ROOKRedirectURL == "" {
		missing = append(missing, "--rook-redirect-url (the Redirect URL from Step 4)")
	}
	if a.ROOKClientUUID == "" || a.ROOKSecretKey.Empty() {
		missing = append(missing, "--rook-client-uuid with the secret key in $ROOK_SECRET_KEY (from ROOK's client portal, "+string(r.rookEnv(s))+" environment)")
	}
	if len(missing) == 0 {
		return nil
	}
	from := ""
	if s.Vault != nil {
		from = fmt.Sprintf(" (profile %q has none for %s)", s.Profile.Name, s.Progress.Env.Label())
	}
	return exitWith(exitUsage, fmt.Errorf("the check through ROOK needs %s%s", strings.Join(missing, ", "), from))
}

// runROOK connects through ROOK (the service's step 6) with check's
// settings, a stage line for its stages.
func runROOK(ctx context.Context, e *env, stages *stageLine, s *service.Session, run service.ROOKRun, o *checkOptions) (*service.ROOKReport, error) {
	r := &o.rook
	var printed time.Duration // the wait last printed off a terminal
	// The wait is heard on another goroutine than the opener's, which may
	// print the URL: one at a time on the same stream.
	var outMu sync.Mutex
	if open := run.Open; open != nil {
		run.Open = func(ctx context.Context, u string) error {
			outMu.Lock()
			defer outMu.Unlock()
			return open(ctx, u)
		}
	}
	run.OnEvent = func(ev service.ROOKEvent) {
		switch ev.Kind {
		case service.ROOKStageStarted:
			msg := "ROOK: " + ev.Stage.String()
			if ev.Stage == service.StageBrowser {
				msg += " (ctrl+c to cancel)"
			}
			stages.Start(msg)
		case service.ROOKWaiting:
			// Off a terminal: the first answer, then one line per 30 s.
			w := ev.Wait
			due := w.Asked == 1 || w.Waited-printed >= 30*time.Second
			if due {
				printed = w.Waited
			}
			outMu.Lock()
			stages.Note(w.String(), due)
			outMu.Unlock()
		}
	}
	// $ROOK_HASH_KEY signs the probe as ROOK signs deliveries; without it
	// the session keeps what it has (the demo world's key).
	if k := o.secrets.get("ROOK_HASH_KEY"); k != "" {
		s.ROOKHashKey = secret.New(k)
	}
	run.Leg = func(l *service.ROOKLeg) {
		l.Env, l.Timeout, l.Days = r.rookEnv(s), o.timeout, r.days
		l.APITimeout, l.Sleep = r.apiTimeout, e.sleep
		l.WebhookURL, l.WebhookTimeout = cmp.Or(r.webhookURL, s.App().WebhookURL), r.webhookWait
		l.OnGlucoseWait = func(p rook.GlucoseProgress) { stages.Note(glucoseWaitLine(p), true) }
		if o.har.rec != nil {
			l.APIHTTP, l.WrapWebhook = o.rookClient(), o.har.rec.Wrap
			o.har.rec.Redact(l.Credentials.SecretKey.Reveal(), l.HashKey.Reveal())
		}
	}
	out, err := s.ConnectThroughROOK(ctx, run)
	if err != nil {
		stages.Finish("✗")
		if errors.Is(err, service.ErrClosed) {
			return nil, exitWith(exitCancelled, err)
		}
		return nil, exitWith(exitUsage, err)
	}
	mark := "✓"
	if !out.Result.OK() {
		mark = "✗"
	}
	stages.Finish(mark)
	rep := out.Report() // with what a local receiver heard
	return &rep, nil
}

// glucoseWaitLine is the stage line while ROOK has no data yet.
func glucoseWaitLine(p rook.GlucoseProgress) string {
	msg := fmt.Sprintf("ROOK: no blood glucose yet (asked every day, newest first, %s", plural(p.Round, "time"))
	if p.Total > 0 {
		msg += fmt.Sprintf("; waited %s of at most %s", p.Waited, p.Total)
	}
	return msg + ")"
}
