package rook

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/httpretry"
	"github.com/tryrook/dexonboard/internal/safetext"
)

// What went wrong, for errors.Is. The command or screen adds its own hints.
var (
	ErrBadCredentials       = errors.New("ROOK refused the client UUID and secret key")
	ErrDataSourceNotEnabled = errors.New("the data source is not enabled for this ROOK client (or ROOK does not know it)")
	// ErrNotFound is ROOK's 404: "The URL does not exist" (a wrong host or
	// path), not an unknown user.
	ErrNotFound = errors.New("ROOK answers that the URL does not exist: a wrong API host or path")
	// ErrRedirectRefused is a 422 about redirect_url (ROOK's OpenAPI:
	// ^https://.+, at most 50 characters; the Callback URL add-on).
	ErrRedirectRefused = errors.New("ROOK refused the redirect_url")
	ErrMalformedDate   = errors.New("the date is not a YYYY-MM-DD date")
	ErrBadRequest      = errors.New("ROOK refused the request")
	ErrRateLimited     = errors.New("ROOK's rate limit was hit")
	ErrServer          = errors.New("ROOK had a server error")
)

// APIError is a non-2xx answer from ROOK.
type APIError struct {
	Method     string
	Path       string
	Status     int
	Message    string // the body's exception (ROOK's reason), else message/detail/error, cleaned
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
		e.Kind = ErrNotFound
	case status == http.StatusUnprocessableEntity && ep == sourceCall && strings.Contains(strings.ToLower(e.Message), "redirect_url"):
		e.Kind = ErrRedirectRefused
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

// bodyMessage reads ROOK's error text: its documented body is {"error",
// "exception", "path", "method"} and exception carries the reason; else a
// JSON message, detail or error (FastAPI-style detail lists too), else the
// body as one short line.
func bodyMessage(b []byte) string {
	var j struct {
		Exception json.RawMessage `json:"exception"`
		Message   json.RawMessage `json:"message"`
		Detail    json.RawMessage `json:"detail"`
		Error     json.RawMessage `json:"error"`
	}
	msg := string(b)
	if json.Unmarshal(b, &j) == nil {
		msg = ""
		for _, raw := range []json.RawMessage{j.Exception, j.Message, j.Detail, j.Error} {
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
