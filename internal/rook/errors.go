package rook

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tryrook/dexonboard/internal/httpretry"
	"github.com/tryrook/dexonboard/internal/safetext"
)

// What went wrong, for errors.Is. The command or screen adds its own hints.
var (
	ErrBadCredentials       = errors.New("ROOK refused the client UUID and secret key")
	ErrDataSourceNotEnabled = errors.New("the data source is not enabled for this ROOK client (or ROOK does not know it)")
	ErrUnknownUser          = errors.New("ROOK does not know this user")
	ErrMalformedDate        = errors.New("the date is not a YYYY-MM-DD date")
	ErrBadRequest           = errors.New("ROOK refused the request")
	ErrRateLimited          = errors.New("ROOK's rate limit was hit")
	ErrServer               = errors.New("ROOK had a server error")
)

// APIError is a non-2xx answer from ROOK.
type APIError struct {
	Method     string
	Path       string
	Status     int
	Message    string // the body's message/detail/error, cleaned
	RetryAfter time.Duration
	Kind       error // one of the Err… values above, or nil
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s %s answered %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		msg += " (" + e.Message + ")"
	}
	if e.Kind != nil {
		msg += ": " + e.Kind.Error()
	}
	return msg
}

// Unwrap lets errors.Is find the kind.
func (e *APIError) Unwrap() error { return e.Kind }

// endpoint tells what a status means on one call.
type endpoint int

const (
	userCall endpoint = iota
	sourceCall
	glucoseCall
)

const maxMessage = 300

func newAPIError(method, path string, ep endpoint, status int, hdr http.Header, body []byte) *APIError {
	e := &APIError{Method: method, Path: path, Status: status, Message: bodyMessage(body),
		RetryAfter: httpretry.ParseRetryAfter(hdr.Get("Retry-After"), time.Now())}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = ErrBadCredentials
	case status == http.StatusNotFound:
		e.Kind = ErrUnknownUser
	case status == http.StatusUnprocessableEntity && ep == sourceCall:
		e.Kind = ErrDataSourceNotEnabled
	case status == http.StatusBadRequest && ep == glucoseCall:
		e.Kind = ErrMalformedDate
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		e.Kind = ErrBadRequest
	case status == http.StatusTooManyRequests:
		e.Kind = ErrRateLimited
	case status >= 500:
		e.Kind = ErrServer
	}
	return e
}

// bodyMessage reads ROOK's error text: a JSON message, detail or error
// (FastAPI-style detail lists too), else the body as one short line.
func bodyMessage(b []byte) string {
	var j struct {
		Message json.RawMessage `json:"message"`
		Detail  json.RawMessage `json:"detail"`
		Error   json.RawMessage `json:"error"`
	}
	msg := string(b)
	if json.Unmarshal(b, &j) == nil {
		msg = ""
		for _, raw := range []json.RawMessage{j.Message, j.Detail, j.Error} {
			if msg = rawText(raw); msg != "" {
				break
			}
		}
	}
	return safetext.Brief(msg, maxMessage)
}

// rawText is a JSON string, or the compact text of anything else.
func rawText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
