// Package httpretry holds what the Dexcom and ROOK clients share about
// retrying an HTTP call: the bounds, the wait before the next attempt, the
// Retry-After header, and counting the bytes of an answer.
package httpretry

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy bounds the retries of 429 and 5xx answers.
type Policy struct {
	Max       int           // retries after the first attempt
	BaseDelay time.Duration // first backoff; doubles each time
	MaxDelay  time.Duration // cap on one wait, Retry-After included
}

// Default retries 3 times, waiting 0.5 s, 1 s, 2 s (with jitter), at most 30 s.
var Default = Policy{Max: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: 30 * time.Second}

// Wait is how long to wait before retry number attempt (1 for the first):
// Retry-After when the server sent one, else BaseDelay doubled per attempt
// with ±50% jitter (jitter in [0, 1)); both capped at MaxDelay.
func (p Policy) Wait(attempt int, retryAfter time.Duration, jitter float64) time.Duration {
	d := retryAfter
	if d <= 0 {
		d = p.BaseDelay << (attempt - 1)
		d = time.Duration(float64(d) * (0.5 + jitter))
	}
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d
}

// ParseRetryAfter reads seconds or an HTTP date; 0 when absent or unreadable.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Sleep waits d, or less when ctx ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// CountingReader counts the bytes read through it.
type CountingReader struct {
	R io.Reader
	N int64
}

func (c *CountingReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}
