package ui

import (
	"context"
	"errors"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// actionLine is an action's line face: it makes the same service call as
// the page's act and says its events and result as plain lines.
type actionLine func(l *lineMode) error

func (f actionLine) runAccessible(l *lineMode, _ onboarding.Step) error { return f(l) }

// lineActions are the steps' actions by id (onboarding.Act*).
var lineActions = map[string]actionLine{
	onboarding.ActStoreCredentials: storeCredentialsLine,
	onboarding.ActSeal:             sealLine,
	onboarding.ActCopyROOK:         copyROOKLine,
	onboarding.ActCopyLoopback:     func(l *lineMode) error { l.say("Loopback Redirect URL: %s", l.s.Loopback()); return nil },
	onboarding.ActPreflight:        preflightLine,
	onboarding.ActConnect:          checkDirectLine,
	onboarding.ActConnectROOK:      connectROOKLine,
	onboarding.ActProbeWebhook:     probeWebhookLine,
	onboarding.ActStartProduction:  startProductionLine,
}

func storeCredentialsLine(l *lineMode) error {
	if err := l.s.StoreCredentials(l.answers[onboarding.FieldClientID], l.answers[onboarding.FieldClientSecret]); err != nil {
		return err
	}
	l.say("%s", storedText(l.s))
	for _, n := range l.s.CredentialNotes() {
		l.say("Note: %s", n)
	}
	return nil
}

func copyROOKLine(l *lineMode) error {
	if u := l.s.App().ROOKRedirectURL; u != "" {
		l.say("ROOK's Redirect URL: %s", u)
	} else {
		l.say("ROOK's Redirect URL: %s", explain(service.ErrNoROOKRedirect))
	}
	return nil
}

func sealLine(l *lineMode) error {
	rcpt := l.answers[onboarding.FieldRecipient]
	if rcpt == "" {
		l.say("No public key given: no sealed hand-off was made.")
		return nil
	}
	if ok, err := l.yes("Seal the credentials for this key now?"); err != nil || !ok {
		return err
	}
	job, err := l.s.Seal(rcpt)
	if err != nil {
		return err
	}
	sl, err := job()
	if err != nil {
		l.say("Not sealed: %s", explain(err))
		return nil
	}
	l.s.RecordSeal(sl)
	l.say("Sealed: %s\nVerification code %s: read it out, ROOK must see the same.", sl.Path, sl.Code)
	code, err := l.s.Handover(sl)
	switch {
	case err != nil:
		l.say("ROOK could not open the hand-off: %s", err)
	case code != "":
		l.say("ROOK's CSE (simulated) opened it, read %s and sent its Redirect URL: %s", code, l.s.App().ROOKRedirectURL)
	}
	return nil
}

func preflightLine(l *lineMode) error {
	if l.s.App().ClientID == "" {
		l.say("Preflight: %s", explain(service.ErrNoClientID))
		return nil
	}
	results := l.s.Preflight(l.s.RedirectURLs()...)()
	for _, r := range results {
		if r.Err != nil {
			l.say("Preflight %s: %v", r.RedirectURI, r.Err)
		} else {
			l.say("Preflight %s: %d", r.RedirectURI, r.Status)
		}
	}
	l.s.SettleRedirect(results)
	return nil
}

// opener shows the login URL on its own line, then opens it as the
// session would (a browser, a test user's login).
func (l *lineMode) opener(who string) func(context.Context, string) error {
	open := l.s.LoginOpener()
	return func(ctx context.Context, u string) error {
		l.say("Open this URL to log %s in:\n%s", who, u)
		if open != nil {
			return open(ctx, u)
		}
		return connect.ErrShowURLOnly
	}
}

// checkStageLines are the direct check's stages after the URL is shown.
var checkStageLines = map[service.CheckStage]string{
	service.StageExchanging: "… exchanging the code for tokens",
	service.StageVerifying:  "… calling Dexcom's API",
}

func checkDirectLine(l *lineMode) error {
	if ok, err := l.yes("Log a test user in now?"); err != nil || !ok {
		return err
	}
	res, err := l.s.CheckDirect(l.ctx, service.CheckRun{Open: l.opener("the test user"),
		OnStage: func(st service.CheckStage, _ string) {
			if line := checkStageLines[st]; line != "" {
				l.say("%s", line)
			}
		}})
	switch {
	case errors.Is(err, service.ErrNoCredentials):
		l.say("Not verified: %s", explain(err))
		return nil
	case res == nil:
		return err
	}
	rep := res.Report
	for _, c := range rep.Calls {
		l.say("%s %s answered %d in %d ms", c.Method, c.Path, c.Status, c.Ms)
	}
	if !rep.OK {
		l.say("Not verified: %s", rep.Error)
		if rep.Hint != "" {
			l.say("What to do: %s", rep.Hint)
		}
		return nil
	}
	l.say("Verified: %d readings; latest %s, trend %s.", rep.EGVCount, rep.LatestEGV.Reading, rep.LatestEGV.Trend)
	if res.Outcome != nil && res.Outcome.Verification != nil {
		l.dexcom = res.Outcome.Client
	}
	return nil
}

// connectROOKLine is step 6 through ROOK: each event on its own line.
func connectROOKLine(l *lineMode) error {
	if ok, err := l.yes("Connect a test account through ROOK now?"); err != nil || !ok {
		return err
	}
	_, err := l.s.ConnectThroughROOK(l.ctx, service.ROOKRun{Open: l.opener("the test account"), Dexcom: l.dexcom,
		DeliveryWait: 10 * time.Second, OnEvent: l.rookEvent})
	if err != nil {
		l.say("Not connected through ROOK: %s", explain(err))
	}
	return nil
}

// rookEvent says one event of a run through ROOK; a kind it does not know
// is said by its stage, so a new kind shows without a change here.
func (l *lineMode) rookEvent(e service.ROOKEvent) {
	switch e.Kind {
	case service.ROOKWaiting:
		// The first answer, then one line per 30 s: a line reader
		// hears each line, so not one per question to ROOK.
		if w := e.Wait; w.Asked == 1 || w.Waited-l.waitSaid >= 30*time.Second {
			l.waitSaid = w.Waited
			l.say("… %s", w)
		}
	case service.ROOKFinished:
		l.rookResult(e.Result)
	case service.ROOKDelivered:
		if d := e.Delivery; d != nil {
			l.say("Webhook: ROOK delivered %s for %s, %s, %d readings (answered %d): Dexcom → ROOK → webhook",
				d.DataStructure, d.UserID, d.Date, d.Readings, d.Status)
		} else {
			l.say("Webhook: no delivery from ROOK came in time.")
		}
	default:
		l.say("… %s", e.Stage)
	}
}

func (l *lineMode) rookResult(res *service.ROOKResult) {
	if !res.OK() {
		l.say("Not connected through ROOK: %s\nWhat to do: %s", res.Finding.Cause, res.Finding.Fix)
		return
	}
	for _, d := range res.Report.Glucose {
		l.say("ROOK: %s has %d readings", d.Date, d.Count)
	}
	if c := res.Report.Comparison; c != nil {
		l.say("%s", c.Summary)
	}
	if res.Report.AlreadyConnected {
		l.say("(already connected: no login was needed)")
	}
}

// probeWebhookLine posts a document to the track's webhook as ROOK would.
func probeWebhookLine(l *lineMode) error {
	w, err := l.s.ProbeAppWebhook(l.ctx)
	if err != nil {
		l.say("Webhook: %s", explain(err))
		return nil
	}
	l.s.RecordWebhook(w)
	l.say("Webhook %s answered %d in %d ms: %s. %s", w.URL, w.Status, w.Ms, w.Verdict, w.Reason)
	return nil
}

func startProductionLine(l *lineMode) error {
	ok, err := l.yes("Then start the production app's track?")
	l.production = ok
	return err
}
