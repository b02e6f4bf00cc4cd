package service

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tryrook/dexonboard/internal/onboarding"
)

// Complete is when a step counts as done from what is recorded (5 and 6
// also need a live result: a preflight, a check).
func Complete(s *Session, st onboarding.Step) bool {
	p, a := s.Progress, s.App()
	switch st {
	case onboarding.Prerequisites:
		return onboarding.AllTicked(p, st)
	case onboarding.CreateAccount:
		return onboarding.AllTicked(p, st) && p.Field(st, onboarding.FieldSubmittedOn) != ""
	case onboarding.CreateApp:
		return onboarding.AllTicked(p, st) && a.Name != ""
	case onboarding.CollectCredentials:
		return HasCredentials(s)
	case onboarding.ShareWithROOK:
		return onboarding.AllTicked(p, st) && p.Field(st, onboarding.FieldSharedOn) != "" && a.ROOKRedirectURL != "" && !s.sealStale()
	case onboarding.RequestProduction:
		return onboarding.AllTicked(p, st) && p.Field(st, onboarding.FieldRequestedOn) != ""
	}
	return p.StatusOf(st) == onboarding.Done
}

// HasCredentials reports whether the track's app has its Client ID and Secret.
func HasCredentials(s *Session) bool {
	a := s.App()
	return a.ClientID != "" && !a.ClientSecret.Empty()
}

// StatusOf is step st's status field's value (onboarding.Spec.StatusIn).
func (s *Session) StatusOf(st onboarding.Step) string {
	return onboarding.SpecOf(st).StatusIn(s.Progress)
}

// NextStatus moves step st's status field on by one option.
func (s *Session) NextStatus(st onboarding.Step) {
	f := onboarding.SpecOf(st).Status
	if f == nil {
		return
	}
	next := f.Options[1%len(f.Options)]
	for i, o := range f.Options {
		if o == s.StatusOf(st) {
			next = f.Options[(i+1)%len(f.Options)]
		}
	}
	s.Progress.SetField(st, f.ID, next, s.Time())
}

// SetStatus records step st's status field from an answer: an option's
// number (from 1) or its words; nothing keeps the recorded one.
func (s *Session) SetStatus(st onboarding.Step, answer string) error {
	f := onboarding.SpecOf(st).Status
	if f == nil {
		return nil
	}
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return nil
	}
	for i, o := range f.Options {
		if answer == strconv.Itoa(i+1) || strings.EqualFold(answer, o) {
			if o != s.StatusOf(st) {
				s.Progress.SetField(st, f.ID, o, s.Time())
			}
			return nil
		}
	}
	return &InputError{Field: "the " + strings.ToLower(f.Label), Problem: NotAnOption,
		Detail: fmt.Sprintf("%q is not one of its %d options", answer, len(f.Options))}
}
