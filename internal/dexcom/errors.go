package dexcom

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

// Error classes callers branch on with errors.Is.
var (
	ErrBadRequest   = errors.New("bad request")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNotFound     = errors.New("not found")
	ErrRateLimited  = errors.New("rate limited")
	ErrServer       = errors.New("server error")
)

// APIError is a non-200 answer from a data endpoint.
type APIError struct {
	Method      string
	Path        string
	Status      int
	Code        string // the body's "error", when it was JSON
	Description string // the body's "error_description" or "message"
	Body        string // the body as text when it was not JSON, cut short
	RetryAfter  time.Duration
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s %s answered %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	detail := strings.TrimSpace(strings.Join(nonEmpty(e.Code, e.Description), ": "))
	if detail == "" {
		detail = e.Body
	}
	if detail != "" {
		msg += " (" + detail + ")"
	}
	if h := e.Hint(); h != "" {
		msg += ": " + h
	}
	return msg
}

// Hint says what a person can do about the error.
func (e *APIError) Hint() string {
	switch {
	case e.Status == http.StatusBadRequest:
		return "the request was refused; check the dates (at most 30 days, end after start)"
	case e.Status == http.StatusUnauthorized:
		return "the access token was refused; log the test user in again"
	case e.Status == http.StatusForbidden:
		return "the app lacks access to this data or environment; check its access tier in the Dexcom developer portal"
	case e.Status == http.StatusTooManyRequests:
		return "Dexcom's rate limit (60,000 calls per app per hour) was hit; wait and try again"
	case e.Status >= 500:
		return "Dexcom had a server problem; try again in a few minutes"
	}
	return ""
}

// Is makes errors.Is(err, ErrForbidden) and friends work.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.Status == http.StatusBadRequest
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrServer:
		return e.Status >= 500
	}
	return false
}

const maxErrorBody = 512

func newAPIError(method, path string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{Method: method, Path: path, Status: status}
	var j struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"`
	}
	if json.Unmarshal(body, &j) == nil && (j.Error != "" || j.Description != "" || j.Message != "") {
		// Cleaned here, once: these texts end up on screen, in the vault and in reports.
		e.Code = safetext.Cut(safetext.Line(j.Error), maxErrorBody)
		e.Description = j.Description
		if e.Description == "" {
			e.Description = j.Message
		}
		e.Description = safetext.Cut(safetext.Line(e.Description), maxErrorBody)
	} else {
		e.Body = readableBody(body)
	}
	e.RetryAfter = httpretry.ParseRetryAfter(header.Get("Retry-After"), time.Now())
	return e
}

// readableBody keeps a non-JSON body short, on one line and free of
// control characters and escapes.
func readableBody(b []byte) string {
	return safetext.Brief(string(b), maxErrorBody)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
