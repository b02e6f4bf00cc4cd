package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

// Prompter asks one thing at a time, line by line.
type Prompter interface {
	Password(prompt string) ([]byte, error)
	Input(prompt string) (string, error)
}

// ErrQuit is returned when the person chose to stop; progress is saved.
var ErrQuit = errors.New("quit")

// lineMode is the wizard as plain prompts: no redraws, no spinners, one
// question per line, for screen readers and scripts. It walks the wizard's
// pages in their order and runs each row's line face (accessible.go), which
// makes the same service calls as the page.
type lineMode struct {
	ctx        context.Context
	mu         sync.Mutex // a login's opener says its URL from its own goroutine
	s          *Session
	p          Prompter
	out        io.Writer
	answers    map[string]string
	production bool           // step 7 asked to go on to the production app
	dexcom     *dexcom.Client // the direct check's login, for ROOK's comparison
	waitSaid   time.Duration  // how long ROOK's list had been asked when last said
}

// RunAccessible walks the unlock, the profile, the track and the steps
// with plain prompts.
func RunAccessible(ctx context.Context, s *Session, p Prompter, out io.Writer) error {
	l := &lineMode{ctx: ctx, s: s, p: p, out: out}
	for _, f := range []func() error{l.unlock, l.chooseProfile, l.chooseTrack, l.walk} {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func (l *lineMode) unlock() error {
	if l.s.Vault != nil {
		return nil
	}
	l.say("Vault: %s", l.s.VaultPath)
	return l.ask("the passphrase", func() (string, error) { return "", nil }, func(string) error {
		pass, err := l.p.Password("Vault passphrase: ")
		if err != nil {
			return fatal{err}
		}
		defer secret.Wipe(pass)
		if l.s.Create {
			if err := vault.CheckPassphrase(string(pass)); err != nil {
				return err
			}
			again, err := l.p.Password("Repeat it: ")
			if err != nil {
				return fatal{err}
			}
			if string(again) != string(pass) {
				return errors.New("the two passphrases differ")
			}
		}
		v, err := l.s.OpenVault(pass)
		switch {
		case errors.Is(err, vault.ErrWrongPassword):
			return errors.New(unlockHint(err.Error())) // asked again
		case err != nil:
			return fatal{err} // in use, damaged: another passphrase will not help
		}
		l.s.Unlocked(v)
		return nil
	})
}

func (l *lineMode) chooseProfile() error {
	if l.s.Profile != nil {
		return nil
	}
	ps, err := l.s.Vault.Profiles()
	if err != nil {
		return err
	}
	for i, p := range ps {
		l.say("%d. %s", i+1, p.Name)
	}
	var name string
	err = l.ask("the profile", func() (string, error) { return l.p.Input("Profile number, or a name for a new profile: ") }, func(ans string) error {
		for i, p := range ps {
			if ans == fmt.Sprint(i+1) || strings.EqualFold(ans, p.Name) {
				l.s.OpenProfile(p)
				return nil
			}
		}
		name = strings.TrimSpace(ans)
		return vault.ValidateProfileName(name)
	})
	if err != nil || l.s.Profile != nil {
		return err
	}
	if err = l.s.CreateProfile(name); err == nil {
		l.say("Profile %q created.", l.s.Profile.Name)
	}
	return err
}

func (l *lineMode) chooseTrack() error {
	if l.s.Progress != nil {
		return nil
	}
	t := onboarding.SandboxTrack
	err := l.ask("the app", func() (string, error) { return l.p.Input("Which app: sandbox or production? [sandbox] ") }, func(ans string) error {
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
		return l.s.StartTrack(t, dexcom.Sandbox)
	}
	return l.chooseRegion()
}

// chooseRegion offers the track picker's regions, in its order.
func (l *lineMode) chooseRegion() error {
	var names []string
	for i, r := range regions {
		l.say("  %d. %s  %s", i+1, r.Label(), r.BaseURL())
		names = append(names, string(r))
	}
	env := regions[0]
	prompt := fmt.Sprintf("Region: %s or %s? [%s] ", strings.Join(names[:len(names)-1], ", "), names[len(names)-1], names[0])
	err := l.ask("the region", func() (string, error) { return l.p.Input(prompt) }, func(ans string) error {
		ans = strings.ToLower(strings.TrimSpace(ans))
		for i, r := range regions {
			if ans == string(r) || ans == fmt.Sprint(i+1) {
				env = r
				return nil
			}
		}
		if ans != "" {
			return fmt.Errorf("%q is not a region: type %s or its number", ans, strings.Join(names, ", "))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return l.s.StartTrack(onboarding.ProductionTrack, env)
}

// walk goes through the wizard's pages of the track, in the wizard's order,
// from the first unfinished step to the last, saving after each; after the
// sandbox app it offers the production app's track.
func (l *lineMode) walk() error {
	pr := l.s.Progress
	pages := buildPages(l.s, DefaultTheme(), DefaultKeys())
	first := min(int(pr.FirstUnfinished()), len(pages)-1)
	for i, p := range pages[first:] {
		st := p.Step()
		if i > 0 && pr.StatusOf(st) == onboarding.Done {
			l.say("\n%s is done already.", st)
			continue
		}
		if err := l.step(onboarding.SpecOf(st)); err != nil {
			return err
		}
		if first+i == len(pages)-1 {
			break
		}
		if ok, err := l.yes("Continue to the next step?"); err != nil || !ok {
			return ErrQuit
		}
	}
	l.say("\nAll steps of the %s app are recorded.", strings.ToLower(pr.Track.Label()))
	if !l.production {
		return nil
	}
	l.production = false
	if err := l.chooseRegion(); err != nil {
		return err
	}
	return l.walk()
}

// step runs the spec's rows in the page's order, then its date and its
// status, and saves; what was answered before a stop stays.
func (l *lineMode) step(spec onboarding.Spec) error {
	st := spec.Step
	l.say("\n%s (%s app)", spec.Heading, strings.ToLower(l.s.Progress.Track.Label()))
	l.say("%s", l.s.Intro(spec.Step))
	l.answers = map[string]string{}
	var rows []accessible
	for _, r := range spec.Rows {
		rows = append(rows, accessibleRow(r))
	}
	if spec.Date != nil {
		rows = append(rows, dateLine{spec.Date})
	}
	if spec.Status != nil {
		rows = append(rows, statusLine{spec.Status})
	}
	for _, r := range rows {
		if err := r.runAccessible(l, st); err != nil {
			_ = l.s.Save()
			return err
		}
	}
	l.s.Settle(st)
	if err := l.s.Save(); err != nil {
		return err
	}
	l.say("%s is %s. Progress saved.", st, l.s.Progress.StatusOf(st))
	return nil
}
