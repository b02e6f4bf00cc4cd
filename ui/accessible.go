package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/service"
)

// The line mode's face of each row kind, after huh's Field.RunAccessible:
// a row says itself on its own lines, asks for its answer, and re-asks an
// answer the service refuses. No spinners, no redraws; a secret is read
// through the Prompter's Password, which does not echo it (huh#619).

// tries is how many refused answers the line mode takes before it stops.
const tries = 3

// accessible is a row, date, status or action as the line mode runs it.
type accessible interface {
	runAccessible(l *lineMode, st onboarding.Step) error
}

// accessibleRow is the line face of one row of a step's spec.
func accessibleRow(r onboarding.Row) accessible {
	switch r.Kind {
	case onboarding.Tick:
		return tickLine{r}
	case onboarding.Field:
		return fieldLine{r}
	}
	if act, ok := lineActions[r.ID]; ok {
		return act
	}
	return laterLine{r}
}

// say writes one line (or a few, by its format) of plain text. Its text
// arguments may come from outside (an API's error, a webhook's answer):
// they reach the terminal without escapes or control characters.
func (l *lineMode) say(format string, args ...any) {
	for i, a := range args {
		switch a := a.(type) {
		case string:
			args[i] = safetext.Line(a)
		case error:
			args[i] = safetext.Line(a.Error())
		case fmt.Stringer:
			args[i] = safetext.Line(a.String())
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.out, format+"\n", args...)
}

// ask reads an answer and re-asks until check accepts it, at most tries
// times; a fatal error from check (the input ended) stops at once.
func (l *lineMode) ask(what string, read func() (string, error), check func(string) error) error {
	for range tries {
		ans, err := read()
		if err != nil {
			return err
		}
		if err := check(ans); err != nil {
			var f fatal
			if errors.As(err, &f) {
				return f.error
			}
			l.say("%s", explain(err))
			continue
		}
		return nil
	}
	return fmt.Errorf("stopped at %s: %w; nothing of it was stored, run again to go on", what, service.ErrTooManyAttempts)
}

// fatal is an error that stops asking at once.
type fatal struct{ error }

// yes asks a yes/no question; only y, yes, n, no or nothing (no) are answers.
func (l *lineMode) yes(question string) (bool, error) {
	var ok bool
	err := l.ask(question, func() (string, error) { return l.p.Input(question + " [y/N] ") }, func(ans string) error {
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

// tickLine is a checklist item: done already, or asked yes or no.
type tickLine struct{ onboarding.Row }

func (r tickLine) runAccessible(l *lineMode, st onboarding.Step) error {
	if l.s.Progress.Checked(st, r.ID) {
		l.say("Done: %s", r.Label)
		return nil
	}
	if r.URL != "" {
		l.say("(%s)", r.URL)
	}
	ok, err := l.yes(r.Label + "?")
	if ok {
		l.s.Toggle(st, r.ID)
	}
	return err
}

// fieldLine is a text answer; nothing keeps the value it has. A secret is
// read without echo and its value is never shown.
type fieldLine struct{ onboarding.Row }

func (r fieldLine) runAccessible(l *lineMode, st onboarding.Step) error {
	cur := l.s.Value(r.ID)
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
	read := func() (string, error) { return l.p.Input(prompt + ": ") }
	if r.Secret {
		read = func() (string, error) {
			b, err := l.p.Password(prompt + ": ")
			defer secret.Wipe(b)
			return string(b), err
		}
	}
	return l.ask(strings.ToLower(r.Label), read, func(ans string) error {
		if strings.TrimSpace(ans) == "" {
			ans = cur
		}
		if ans == "" && r.Optional {
			return nil
		}
		v, err := l.s.Answer(st, r.Row, ans)
		l.answers[r.ID] = v
		return err
	})
}

// dateLine is a step's date: set to today once every item is ticked, as d
// does on the page.
type dateLine struct{ *onboarding.DateField }

func (d dateLine) runAccessible(l *lineMode, st onboarding.Step) error {
	if onboarding.AllTicked(l.s.Progress, st) && l.s.Progress.Field(st, d.ID) == "" {
		l.s.SetToday(st, d.ID)
		l.say("Recorded the date: %s", l.s.Progress.Field(st, d.ID))
	}
	return nil
}

// statusLine is a step's status, asked by its options' numbers or words;
// nothing keeps the one shown.
type statusLine struct{ *onboarding.StatusField }

func (f statusLine) runAccessible(l *lineMode, st onboarding.Step) error {
	for i, o := range f.Options {
		l.say("  %d. %s", i+1, o)
	}
	prompt := fmt.Sprintf("%s [%s]: ", f.Label, l.s.StatusOf(st))
	return l.ask(strings.ToLower(f.Label), func() (string, error) { return l.p.Input(prompt) }, func(ans string) error {
		return l.s.SetStatus(st, ans)
	})
}

// laterLine is an action the line mode has no face for yet: it is named,
// so the person knows to use the full-screen wizard for it.
type laterLine struct{ onboarding.Row }

func (r laterLine) runAccessible(l *lineMode, _ onboarding.Step) error {
	l.say("%s: only in the full-screen wizard for now.", r.Label)
	return nil
}
