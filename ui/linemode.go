package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
	"github.com/tryrook/dexonboard/internal/vault"
)

// Prompter asks one thing at a time, line by line.
type Prompter interface {
	Password(prompt string) ([]byte, error)
	Input(prompt string) (string, error)
}

// ErrQuit is returned when the person chose to stop; progress is saved.
var ErrQuit = errors.New("quit")

// tries is how many refused answers the line mode takes before it stops.
const tries = 3

// lineMode is the wizard as plain prompts: no redraws, no spinners, one
// question per line, for screen readers and scripts. It walks the same step
// specs as the full-screen pages.
type lineMode struct {
	ctx        context.Context
	s          *Session
	p          Prompter
	out        io.Writer
	answers    map[string]string
	production bool           // step 7 asked to go on to the production app
	dexcom     *dexcom.Client // the direct check's login, for ROOK's comparison
}

// RunAccessible walks the steps with plain prompts.
func RunAccessible(ctx context.Context, s *Session, p Prompter, out io.Writer) error {
	a := &lineMode{ctx: ctx, s: s, p: p, out: out}
	for _, f := range []func() error{a.unlock, a.chooseProfile, a.chooseTrack, a.walk} {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func (a *lineMode) say(format string, args ...any) { fmt.Fprintf(a.out, format+"\n", args...) }

// ask re-asks until check accepts the answer, at most three times.
func (a *lineMode) ask(what string, read func() (string, error), check func(string) error) error {
	for try := 0; try < tries; try++ {
		ans, err := read()
		if err != nil {
			return err
		}
		if err := check(ans); err != nil {
			var f fatal
			if errors.As(err, &f) {
				return f.error
			}
			a.say("%s", explain(err))
			continue
		}
		return nil
	}
	return fmt.Errorf("stopped at %s: %w; nothing of it was stored, run again to go on", what, service.ErrTooManyAttempts)
}

// fatal is an error that stops asking at once (the input ended).
type fatal struct{ error }

// yes asks a yes/no question; only y, yes, n, no or nothing (no) are answers.
func (a *lineMode) yes(question string) (bool, error) {
	var ok bool
	err := a.ask(question, func() (string, error) { return a.p.Input(question + " [y/N] ") }, func(ans string) error {
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "y", "yes":
			ok = true
		case "", "n", "no":
			ok = false
		default:
			return fmt.Errorf("%q is not an answer: type y or n", ans)
		}
		return nil
	})
	return ok, err
}

func (a *lineMode) unlock() error {
	if a.s.Vault != nil {
		return nil
	}
	a.say("Vault: %s", a.s.VaultPath)
	return a.ask("the passphrase", func() (string, error) { return "", nil }, func(string) error {
		pass, err := a.p.Password("Vault passphrase: ")
		if err != nil {
			return fatal{err}
		}
		defer secret.Wipe(pass)
		if a.s.Create {
			if err := vault.CheckPassphrase(string(pass)); err != nil {
				return err
			}
			again, err := a.p.Password("Repeat it: ")
			if err != nil {
				return fatal{err}
			}
			if string(again) != string(pass) {
				return errors.New("the two passphrases differ")
			}
		}
		v, err := a.s.OpenVault(pass)
		switch {
		case errors.Is(err, vault.ErrWrongPassword):
			return errors.New(unlockHint(err.Error())) // asked again
		case err != nil:
			return fatal{err} // in use, damaged: another passphrase will not help
		}
		a.s.Unlocked(v)
		return nil
	})
}

func (a *lineMode) chooseProfile() error {
	if a.s.Profile != nil {
		return nil
	}
	ps, err := a.s.Vault.Profiles()
	if err != nil {
		return err
	}
	for i, p := range ps {
		a.say("%d. %s", i+1, p.Name)
	}
	var name string
	err = a.ask("the profile", func() (string, error) { return a.p.Input("Profile number, or a name for a new profile: ") }, func(ans string) error {
		for i, p := range ps {
			if ans == fmt.Sprint(i+1) || strings.EqualFold(ans, p.Name) {
				a.s.OpenProfile(p)
				return nil
			}
		}
		name = strings.TrimSpace(ans)
		return vault.ValidateProfileName(name)
	})
	if err != nil || a.s.Profile != nil {
		return err
	}
	if err = a.s.CreateProfile(name); err == nil {
		a.say("Profile %q created.", a.s.Profile.Name)
	}
	return err
}

func (a *lineMode) chooseTrack() error {
	if a.s.Progress != nil {
		return nil
	}
	t := onboarding.SandboxTrack
	err := a.ask("the app", func() (string, error) { return a.p.Input("Which app: sandbox or production? [sandbox] ") }, func(ans string) error {
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "", "s", "sandbox":
		case "p", "production":
			t = onboarding.ProductionTrack
		default:
			return fmt.Errorf("%q is not an app: type sandbox or production", ans)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if t == onboarding.SandboxTrack {
		return a.load(t, dexcom.Sandbox)
	}
	return a.chooseRegion()
}

func (a *lineMode) chooseRegion() error {
	env := dexcom.US
	err := a.ask("the region", func() (string, error) { return a.p.Input("Region: us, eu or jp? [us] ") }, func(ans string) error {
		if strings.TrimSpace(ans) == "" {
			return nil
		}
		e, err := dexcom.ParseEnvironment(strings.ToLower(strings.TrimSpace(ans)))
		if err != nil || !e.IsProduction() {
			return fmt.Errorf("%q is not a region: type us, eu or jp", ans)
		}
		env = e
		return nil
	})
	if err != nil {
		return err
	}
	return a.load(onboarding.ProductionTrack, env)
}

func (a *lineMode) load(t onboarding.Track, env dexcom.Environment) error {
	return a.s.StartTrack(t, env)
}

// walk goes from the first unfinished step to the last, saving after each;
// after the sandbox app it offers the production app's track.
func (a *lineMode) walk() error {
	pr := a.s.Progress
	first := pr.FirstUnfinished()
	for st := first; st <= pr.Last(); st++ {
		if st != first && pr.StatusOf(st) == onboarding.Done {
			a.say("\n%s is done already.", st)
			continue
		}
		if err := a.step(st); err != nil {
			return err
		}
		if st == pr.Last() {
			break
		}
		if ok, err := a.yes("Continue to the next step?"); err != nil || !ok {
			return ErrQuit
		}
	}
	a.say("\nAll steps of the %s app are recorded.", strings.ToLower(pr.Track.Label()))
	if !a.production {
		return nil
	}
	a.production = false
	if err := a.chooseRegion(); err != nil {
		return err
	}
	return a.walk()
}

// step asks what the step's spec asks, in its order, then saves.
func (a *lineMode) step(st onboarding.Step) error {
	spec := service.SpecOf(st)
	a.say("\n%s (%s app)", spec.Heading, strings.ToLower(a.s.Progress.Track.Label()))
	a.say("%s", spec.Intro(a.s))
	a.answers = map[string]string{}
	for _, r := range spec.Rows {
		if err := a.row(st, r); err != nil {
			_ = a.s.Save() // what was answered before stays
			return err
		}
	}
	if d := spec.Date; d != nil && service.AllTicked(a.s, st) && a.s.Progress.Field(st, d.ID) == "" {
		a.s.SetToday(st, d.ID)
		a.say("Recorded the date: %s", a.s.Progress.Field(st, d.ID))
	}
	if err := a.status(st, spec.Status); err != nil {
		_ = a.s.Save()
		return err
	}
	a.s.Settle(st)
	if err := a.s.Save(); err != nil {
		return err
	}
	a.say("%s is %s. Progress saved.", st, a.s.Progress.StatusOf(st))
	return nil
}

// status asks for the step's status field by its options' numbers.
func (a *lineMode) status(st onboarding.Step, f *service.StatusField) error {
	if f == nil {
		return nil
	}
	for i, o := range f.Options {
		a.say("  %d. %s", i+1, o)
	}
	prompt := fmt.Sprintf("%s [%s]: ", f.Label, a.s.StatusOf(st))
	return a.ask(strings.ToLower(f.Label), func() (string, error) { return a.p.Input(prompt) }, func(ans string) error {
		return a.s.SetStatus(st, ans)
	})
}

func (a *lineMode) row(st onboarding.Step, r service.Row) error {
	switch r.Kind {
	case service.Tick:
		if a.s.Progress.Checked(st, r.ID) {
			a.say("Done: %s", r.Label)
			return nil
		}
		if r.URL != "" {
			a.say("(%s)", r.URL)
		}
		ok, err := a.yes(r.Label + "?")
		if ok {
			a.s.Toggle(st, r.ID)
		}
		return err
	case service.Field:
		return a.field(st, r)
	}
	return a.action(r)
}

// field asks for a field's answer; nothing keeps the value it has.
func (a *lineMode) field(st onboarding.Step, r service.Row) error {
	cur := r.Get(a.s)
	prompt := r.Label
	switch {
	case r.Secret && cur != "":
		prompt += " (input hidden; nothing keeps the one given)"
	case r.Secret:
		prompt += " (input hidden)"
	case cur != "":
		prompt += " [" + cur + "]"
	case r.Optional:
		prompt += " (optional)"
	}
	read := func() (string, error) { return a.p.Input(prompt + ": ") }
	if r.Secret {
		read = func() (string, error) {
			b, err := a.p.Password(prompt + ": ")
			defer secret.Wipe(b)
			return string(b), err
		}
	}
	return a.ask(strings.ToLower(r.Label), read, func(ans string) error {
		if strings.TrimSpace(ans) == "" {
			ans = cur
		}
		if ans == "" && r.Optional {
			return nil
		}
		v, err := a.s.Answer(st, r, ans)
		a.answers[r.ID] = v
		return err
	})
}

func (a *lineMode) action(r service.Row) error {
	switch r.ID {
	case service.ActStoreCredentials:
		if err := a.s.StoreCredentials(a.answers[service.FieldClientID], a.answers[service.FieldClientSecret]); err != nil {
			return err
		}
		a.say("%s", storedText(a.s))
		for _, n := range a.s.CredentialNotes() {
			a.say("Note: %s", n)
		}
	case service.ActSeal:
		return a.seal()
	case service.ActCopyROOK:
		if u := a.s.App().ROOKRedirectURL; u != "" {
			a.say("ROOK's Redirect URL: %s", u)
		} else {
			a.say("ROOK's Redirect URL: %s", explain(service.ErrNoROOKRedirect))
		}
	case service.ActCopyLoopback:
		a.say("Loopback Redirect URL: %s", a.s.Loopback())
	case service.ActPreflight:
		a.preflight()
	case service.ActConnect:
		return a.connect()
	case service.ActConnectROOK:
		return a.connectROOK()
	case service.ActProbeWebhook:
		a.probeWebhook()
	case service.ActStartProduction:
		ok, err := a.yes("Then start the production app's track?")
		a.production = ok
		return err
	}
	return nil
}

func (a *lineMode) seal() error {
	rcpt := a.answers[service.FieldRecipient]
	if rcpt == "" {
		a.say("No public key given: no sealed hand-off was made.")
		return nil
	}
	if ok, err := a.yes("Seal the credentials for this key now?"); err != nil || !ok {
		return err
	}
	job, err := a.s.Seal(rcpt)
	if err != nil {
		return err
	}
	sl, err := job()
	if err != nil {
		a.say("Not sealed: %s", explain(err))
		return nil
	}
	a.s.RecordSeal(sl)
	a.say("Sealed: %s\nVerification code %s: read it out, ROOK must see the same.", sl.Path, sl.Code)
	code, err := a.s.Handover(sl)
	switch {
	case err != nil:
		a.say("ROOK could not open the hand-off: %s", err)
	case code != "":
		a.say("ROOK's CSE (simulated) opened it, read %s and sent its Redirect URL: %s", code, a.s.App().ROOKRedirectURL)
	}
	return nil
}

func (a *lineMode) preflight() {
	if a.s.App().ClientID == "" {
		a.say("Preflight: %s", explain(service.ErrNoClientID))
		return
	}
	results := a.s.Preflight(a.s.RedirectURLs()...)()
	for _, r := range results {
		if r.Err != nil {
			a.say("Preflight %s: %v", r.RedirectURI, r.Err)
		} else {
			a.say("Preflight %s: %d", r.RedirectURI, r.Status)
		}
	}
	a.s.SettleRedirect(results)
}

func (a *lineMode) connect() error {
	if ok, err := a.yes("Log a test user in now?"); err != nil || !ok {
		return err
	}
	open := a.s.LoginOpener()
	show := func(ctx context.Context, u string) error {
		a.say("Open this URL to log the test user in:\n%s", u)
		if open != nil {
			return open(ctx, u)
		}
		return connect.ErrShowURLOnly
	}
	res, err := a.s.CheckDirect(a.ctx, service.CheckRun{Open: show})
	switch {
	case errors.Is(err, service.ErrNoCredentials):
		a.say("Not verified: %s", explain(err))
		return nil
	case res == nil:
		return err
	}
	rep := res.Report
	for _, c := range rep.Calls {
		a.say("%s %s answered %d in %d ms", c.Method, c.Path, c.Status, c.Ms)
	}
	if !rep.OK {
		a.say("Not verified: %s", rep.Error)
		if rep.Hint != "" {
			a.say("What to do: %s", rep.Hint)
		}
		return nil
	}
	a.say("Verified: %d readings; latest %s, trend %s.", rep.EGVCount, rep.LatestEGV.Reading, rep.LatestEGV.Trend)
	if res.Outcome != nil && res.Outcome.Verification != nil {
		a.dexcom = res.Outcome.Client
	}
	return nil
}

// connectROOK is step 6 through ROOK: each stage on its own line, then the
// result, the comparison and (in the demo) the webhook delivery.
func (a *lineMode) connectROOK() error {
	if ok, err := a.yes("Connect a test account through ROOK now?"); err != nil || !ok {
		return err
	}
	open := a.s.LoginOpener()
	show := func(ctx context.Context, u string) error {
		a.say("Open this URL to log the test account in:\n%s", u)
		if open != nil {
			return open(ctx, u)
		}
		return connect.ErrShowURLOnly
	}
	out, err := a.s.ConnectThroughROOK(a.ctx, service.ROOKRun{Open: show, Dexcom: a.dexcom, DeliveryWait: 10 * time.Second,
		OnEvent: func(e service.ROOKEvent) {
			if e.Kind == service.ROOKStageStarted {
				a.say("… %s", e.Stage)
			}
		}})
	if err != nil {
		a.say("Not connected through ROOK: %s", explain(err))
		return nil
	}
	res := out.Result
	if !res.OK() {
		a.say("Not connected through ROOK: %s\nWhat to do: %s", res.Finding.Cause, res.Finding.Fix)
		return nil
	}
	for _, d := range res.Report.Glucose {
		a.say("ROOK: %s has %d readings", d.Date, d.Count)
	}
	if c := res.Report.Comparison; c != nil {
		a.say("%s", c.Summary)
	}
	if res.Report.AlreadyConnected {
		a.say("(already connected: no login was needed)")
	} else if d := out.Delivery; d != nil {
		a.say("Webhook: ROOK delivered %s for %s, %s, %d readings (answered %d): Dexcom → ROOK → webhook", d.DataStructure, d.UserID, d.Date, d.Readings, d.Status)
	}
	return nil
}

// probeWebhook posts a document to the track's webhook as ROOK would.
func (a *lineMode) probeWebhook() {
	w, err := a.s.ProbeAppWebhook(a.ctx)
	if err != nil {
		a.say("Webhook: %s", explain(err))
		return
	}
	a.s.RecordWebhook(w)
	a.say("Webhook %s answered %d in %d ms: %s. %s", w.URL, w.Status, w.Ms, w.Verdict, w.Reason)
}
