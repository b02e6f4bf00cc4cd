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
	NotLoopback                // not a loopback redirect URI
	BadKey                     // not an age public key
	NotAnOption                // none of a status field's options
	BadValue                   // not the shape the field needs; Detail says what to do
)

// InputError is an answer that was refused: which field, and what is wrong.
type InputError struct {
	Field   string // the field's name, "the Client ID"
	Problem Problem
	Detail  string // the value's scheme, its length, the parser's words
}

func (e *InputError) Error() string {
	if e.Problem == Empty {
		return e.Field + " is empty"
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
