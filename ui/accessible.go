package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
	"golang.org/x/oauth2"
)

// Prompter asks one thing at a time, line by line.
type Prompter interface {
	Password(prompt string) ([]byte, error)
	Input(prompt string) (string, error)
	Confirm(prompt string) (bool, error)
}

// ErrQuit is returned when the person chose to stop; progress is saved.
var ErrQuit = errors.New("quit")

// accessible is the wizard as plain prompts: no redraws, no spinners, one
// question per line, for screen readers and scripts.
type accessible struct {
	ctx context.Context
	s   *Session
	p   Prompter
	out io.Writer
}

// RunAccessible walks the steps with plain prompts.
func RunAccessible(ctx context.Context, s *Session, p Prompter, out io.Writer) error {
	a := &accessible{ctx: ctx, s: s, p: p, out: out}
	for _, f := range []func() error{a.unlock, a.chooseProfile, a.chooseTrack, a.walk} {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func (a *accessible) say(format string, args ...any) { fmt.Fprintf(a.out, format+"\n", args...) }

func (a *accessible) unlock() error {
	if a.s.Vault != nil {
		return nil
	}
	a.say("Vault: %s", a.s.VaultPath)
	for try := 0; try < 3; try++ {
		pass, err := a.p.Password("Vault passphrase: ")
		if err != nil {
			return err
		}
		if a.s.Create {
			if err := vault.CheckPassphrase(string(pass)); err != nil {
				a.say("%v", err)
				continue
			}
			again, err := a.p.Password("Repeat it: ")
			if err != nil {
				return err
			}
			if string(again) != string(pass) {
				a.say("The two passphrases differ.")
				continue
			}
		}
		open := a.s.Open
		if a.s.Create {
			open = a.s.CreateVault
		}
		v, err := open(pass)
		secret.Wipe(pass)
		if err != nil {
			a.say("%s", unlockHint(err.Error()))
			if errors.Is(err, vault.ErrWrongPassword) {
				continue
			}
			return err
		}
		a.s.Vault = v
		return nil
	}
	return errors.New("vault not unlocked after 3 tries")
}

func (a *accessible) chooseProfile() error {
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
	ans, err := a.p.Input("Profile number, or a name for a new profile: ")
	if err != nil {
		return err
	}
	for i, p := range ps {
		if ans == fmt.Sprint(i+1) || strings.EqualFold(ans, p.Name) {
			a.s.Profile = p
			return nil
		}
	}
	a.s.Profile, err = a.s.Vault.CreateProfile(ans)
	if err == nil {
		a.say("Profile %q created.", ans)
	}
	return err
}

func (a *accessible) chooseTrack() error {
	if a.s.Progress != nil {
		return nil
	}
	t, env := onboarding.SandboxTrack, dexcom.Sandbox
	ans, err := a.p.Input("Which app: sandbox or production? [sandbox] ")
	if err != nil {
		return err
	}
	if strings.HasPrefix(strings.ToLower(ans), "p") {
		t, env = onboarding.ProductionTrack, dexcom.US
		r, err := a.p.Input("Region: us, eu or jp? [us] ")
		if err != nil {
			return err
		}
		if e, err := dexcom.ParseEnvironment(r); err == nil && e.IsProduction() {
			env = e
		}
	}
	p, err := a.s.Vault.Progress(a.s.Profile.ID, t)
	if err != nil {
		return err
	}
	if p == nil || p.Env != env {
		p = onboarding.NewProgress(t, env)
	}
	a.s.Progress = p
	return nil
}

// walk goes from the first unfinished step to the last, saving after each.
func (a *accessible) walk() error {
	pr := a.s.Progress
	for st := pr.FirstUnfinished(); st <= pr.Last(); st++ {
		a.say("\n%s: %s (%s app)", st, st.Title(), strings.ToLower(pr.Track.Label()))
		if err := a.step(st); err != nil {
			return err
		}
		if complete(a.s, st) && pr.StatusOf(st) != onboarding.Done {
			pr.MarkDone(st, a.s.now())
		}
		if err := a.s.Vault.SaveProgress(a.s.Profile.ID, pr); err != nil {
			return err
		}
		a.say("%s is %s. Progress saved.", st, pr.StatusOf(st))
		if st == pr.Last() {
			break
		}
		if ok, err := a.p.Confirm("Continue to the next step?"); err != nil || !ok {
			return ErrQuit
		}
	}
	a.say("\nAll steps of the %s app are recorded.", strings.ToLower(pr.Track.Label()))
	return nil
}

func (a *accessible) tick(st onboarding.Step) error {
	for _, it := range checklists[st] {
		if a.s.Progress.Checked(st, it.id) {
			a.say("Done: %s", it.label)
			continue
		}
		ok, err := a.p.Confirm(it.label + "?")
		if err != nil {
			return err
		}
		if ok {
			a.s.Progress.Toggle(st, it.id, a.s.now())
		}
	}
	return nil
}

func (a *accessible) today(st onboarding.Step, field string) {
	if allTicked(a.s, st) && a.s.Progress.Field(st, field) == "" {
		a.s.Progress.SetField(st, field, a.s.now().Format("2006-01-02"), a.s.now())
		a.say("Recorded the date: %s", a.s.Progress.Field(st, field))
	}
}

func (a *accessible) step(st onboarding.Step) error {
	app := a.s.App()
	if err := a.tick(st); err != nil {
		return err
	}
	switch st {
	case onboarding.CreateAccount:
		a.today(st, "submitted_on")
	case onboarding.CreateApp:
		name, err := a.p.Input("App name, as in the portal: ")
		if err != nil {
			return err
		}
		app.Name = strings.TrimSpace(name)
		return a.s.Vault.SaveProfile(a.s.Profile)
	case onboarding.CollectCredentials:
		return a.credentials()
	case onboarding.ShareWithROOK:
		a.today(st, "shared_on")
		return a.rookRedirect()
	case onboarding.ConfigureRedirect:
		return a.redirects()
	case onboarding.AuthenticateTestUser:
		return a.connect()
	case onboarding.RequestProduction:
		a.today(st, "requested_on")
	}
	return nil
}

func (a *accessible) credentials() error {
	app := a.s.App()
	for try := 0; try < 3; try++ {
		id, err := a.p.Input("Client ID: ")
		if err != nil {
			return err
		}
		sec, err := a.p.Password("Client Secret (input hidden): ")
		if err != nil {
			return err
		}
		id, secStr := strings.TrimSpace(id), strings.TrimSpace(string(sec))
		secret.Wipe(sec)
		if err := onboarding.ValidateClientID(id); err != nil {
			a.say("%v", err)
			continue
		}
		if err := onboarding.ValidateClientSecret(secStr); err != nil {
			a.say("%v", err)
			continue
		}
		app.ClientID, app.ClientSecret = id, secret.New(secStr)
		if err := a.s.Vault.SaveProfile(a.s.Profile); err != nil {
			return err
		}
		a.say("Stored encrypted: client id %s, secret %s", app.ClientID, app.ClientSecret.Hint())
		return nil
	}
	return nil
}

func (a *accessible) rookRedirect() error {
	for try := 0; try < 3; try++ {
		u, err := a.p.Input("Redirect URL returned by ROOK: ")
		if err != nil {
			return err
		}
		if err := onboarding.ValidateROOKRedirect(strings.TrimSpace(u)); err != nil {
			a.say("%v", err)
			continue
		}
		a.s.App().ROOKRedirectURL = strings.TrimSpace(u)
		return a.s.Vault.SaveProfile(a.s.Profile)
	}
	return nil
}

func (a *accessible) redirects() error {
	app := a.s.App()
	if app.RedirectURI == "" {
		app.RedirectURI = DefaultLoopback
	}
	a.say("Add these exact Redirect URIs to the app:\n  %s\n  %s", app.ROOKRedirectURL, app.RedirectURI)
	msg := a.s.preflight(app.ROOKRedirectURL, app.RedirectURI)().(preflightDoneMsg)
	ok := true
	for _, r := range msg.results {
		switch {
		case r.Err != nil:
			a.say("Preflight %s: %v", r.RedirectURI, r.Err)
		default:
			a.say("Preflight %s: %d", r.RedirectURI, r.Status)
		}
		ok = ok && r.OK()
	}
	if ok && allTicked(a.s, onboarding.ConfigureRedirect) {
		a.s.Progress.MarkDone(onboarding.ConfigureRedirect, a.s.now())
	}
	return a.s.Vault.SaveProfile(a.s.Profile)
}

func (a *accessible) connect() error {
	if ok, err := a.p.Confirm("Log a test user in now?"); err != nil || !ok {
		return err
	}
	app := a.s.App()
	ep, err := a.s.Endpoints(a.s.Progress.Env)
	if err != nil {
		return err
	}
	open := a.s.Browse
	if d := a.s.Demo; d != nil {
		open = d.LogIn("SandboxUser7")
	}
	show := func(ctx context.Context, u string) error {
		a.say("Open this URL to log the test user in:\n%s", u)
		if open != nil {
			return open(ctx, u)
		}
		return connect.ErrShowURLOnly
	}
	v, id, env := a.s.Vault, a.s.Profile.ID, a.s.Progress.Env
	hc := a.s.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: time.Minute}
	}
	chk := &connect.Check{Endpoints: ep, Env: env, App: app.Credentials(), Days: 1, HTTP: hc, Now: a.s.Now,
		Save:  func(t *oauth2.Token) error { return v.SaveToken(id, env, t) },
		Login: connect.Login{Open: show, Timeout: a.s.LoginTimeout}}
	out, err := chk.Run(a.ctx)
	rep := connect.NewReport(env, ep, app.Credentials(), 1, a.s.now(), out, err)
	for _, c := range rep.Calls {
		a.say("%s %s answered %d in %d ms", c.Method, c.Path, c.Status, c.Ms)
	}
	if !rep.OK {
		a.say("Not verified: %s %s", rep.Error, rep.Hint)
		a.s.Progress.MarkAttention(onboarding.AuthenticateTestUser, rep.Error, a.s.now())
		return nil
	}
	a.say("Verified: %d readings; latest %s, trend %s.", rep.EGVCount, rep.LatestEGV.Reading, rep.LatestEGV.Trend)
	a.s.Progress.MarkDone(onboarding.AuthenticateTestUser, a.s.now())
	a.s.Profile.LastCheck = CheckResultOf(rep)
	return v.SaveProfile(a.s.Profile)
}
