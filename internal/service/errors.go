package service

import (
	"errors"
	"fmt"
)

// Problem is what is wrong with an answer; front ends say what to do about it.
type Problem int

// Problems with answers.
const (
	Empty       Problem = iota // nothing given
	HasSpaces                  // spaces or line breaks inside
	TooShort                   // shorter than the real thing can be
	NotURL                     // not a URL
	NotHTTPS                   // a URL that must be https is not
	HasFragment                // a URL with a #fragment
	NotLoopback                // not a loopback redirect URI
	BadKey                     // not an age public key
)

// InputError is an answer that was refused: which field, and what is wrong.
type InputError struct {
	Field   string // the field's name, "the Client ID"
	Problem Problem
	Detail  string // the value's scheme, its length, the parser's words
}

func (e *InputError) Error() string {
	switch e.Problem {
	case Empty:
		return e.Field + " is empty"
	case HasSpaces:
		return e.Field + " contains spaces"
	case TooShort:
		return fmt.Sprintf("%s is %s characters, shorter than Dexcom's", e.Field, e.Detail)
	case NotURL:
		return fmt.Sprintf("%s %q is not a URL", e.Field, e.Detail)
	case NotHTTPS:
		return fmt.Sprintf("%s must start with https:// (it is %s)", e.Field, e.Detail)
	case HasFragment:
		return e.Field + " must not contain a #fragment"
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Detail)
}

// Errors a step's action can meet before it starts.
var (
	ErrNoCredentials   = errors.New("the Client ID and Secret are not stored yet (step 3)")
	ErrNoClientID      = errors.New("the Client ID is not stored yet (step 3)")
	ErrNoROOKRedirect  = errors.New("ROOK's Redirect URL is not stored yet (step 4)")
	ErrNoSavedLogin    = errors.New("no saved login")
	ErrTooManyAttempts = errors.New("three answers were refused")
)
