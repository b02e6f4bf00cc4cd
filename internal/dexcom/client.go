package dexcom

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Call is one HTTP exchange with the API, recorded so a caller can show that
// each call answered 200 and how long it took.
type Call struct {
	Method   string        `json:"method"`
	Path     string        `json:"path"`
	Query    string        `json:"query,omitempty"`
	Status   int           `json:"status"`
	Duration time.Duration `json:"-"`
	Ms       int64         `json:"ms"`
	Bytes    int64         `json:"bytes"`
	Attempt  int           `json:"attempt"`
	Err      string        `json:"error,omitempty"`
}

// Retry bounds the retries of 429 and 5xx answers.
type Retry struct {
	Max       int           // retries after the first attempt
	BaseDelay time.Duration // first backoff; doubles each time
	MaxDelay  time.Duration // cap on one wait, Retry-After included
}

// DefaultRetry retries 3 times, waiting 0.5 s, 1 s, 2 s (with jitter), at most 30 s.
var DefaultRetry = Retry{Max: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: 30 * time.Second}

// Client calls the v3 data endpoints with a refreshing token source.
type Client struct {
	base        string
	tokens      *TokenSource
	http        *http.Client
	retry       Retry
	concurrency int
	sleep       func(context.Context, time.Duration) error
	jitter      func() float64

	mu    sync.Mutex
	calls []Call
}

// Option changes a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (timeouts, transport).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithRetry sets the retry bounds.
func WithRetry(r Retry) Option { return func(c *Client) { c.retry = r } }

// WithConcurrency bounds parallel window fetches of long ranges.
func WithConcurrency(n int) Option {
	return func(c *Client) {
		if n > 0 {
			c.concurrency = n
		}
	}
}

// WithSleep replaces the wait between retries (tests record the waits).
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(c *Client) { c.sleep = f }
}

// NewClient makes a client for the API at ep, authorised by tokens.
func NewClient(ep Endpoints, tokens *TokenSource, opts ...Option) *Client {
	c := &Client{
		base:        ep.BaseURL,
		tokens:      tokens,
		http:        &http.Client{Timeout: 60 * time.Second},
		retry:       DefaultRetry,
		concurrency: 4,
		sleep:       sleepCtx,
		jitter:      rand.Float64,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Calls returns every call made so far, in the order they finished.
func (c *Client) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Call(nil), c.calls...)
}

// Tokens is the client's token source.
func (c *Client) Tokens() *TokenSource { return c.tokens }

func (c *Client) record(call Call) {
	call.Ms = call.Duration.Milliseconds()
	c.mu.Lock()
	c.calls = append(c.calls, call)
	c.mu.Unlock()
}

// get fetches path with query into out, refreshing once on 401 and retrying
// 429 and 5xx within the retry bounds.
func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	refreshed := false
	for attempt := 1; ; attempt++ {
		body, hdr, status, err := c.do(ctx, path, q, attempt)
		if err != nil {
			return err
		}
		if status == http.StatusOK {
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("GET %s: unreadable answer: %w", path, err)
			}
			return nil
		}
		apiErr := newAPIError(http.MethodGet, path, status, hdr, body)
		switch {
		case status == http.StatusUnauthorized && !refreshed:
			refreshed = true
			c.tokens.Invalidate()
			continue
		case (status == http.StatusTooManyRequests || status >= 500) && attempt <= c.retry.Max:
			if err := c.sleep(ctx, c.backoff(attempt, apiErr.RetryAfter)); err != nil {
				return fmt.Errorf("%w (gave up waiting: %v)", apiErr, err)
			}
			continue
		}
		return apiErr
	}
}

// do performs one attempt and records it.
func (c *Client) do(ctx context.Context, path string, q url.Values, attempt int) ([]byte, http.Header, int, error) {
	call := Call{Method: http.MethodGet, Path: path, Query: q.Encode(), Attempt: attempt}
	start := time.Now()
	finish := func(err error) {
		call.Duration = time.Since(start)
		if err != nil {
			call.Err = err.Error()
		}
		c.record(call)
	}
	tok, err := c.tokens.Token()
	if err != nil {
		finish(err)
		return nil, nil, 0, err
	}
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		finish(err)
		return nil, nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	tok.SetAuthHeader(req)
	resp, err := c.http.Do(req)
	if err != nil {
		err = fmt.Errorf("GET %s: %w", path, err)
		finish(err)
		return nil, nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	call.Status = resp.StatusCode
	call.Bytes = int64(len(body))
	if err != nil {
		err = fmt.Errorf("GET %s: read answer: %w", path, err)
		finish(err)
		return nil, nil, 0, err
	}
	finish(nil)
	return body, resp.Header, resp.StatusCode, nil
}

// backoff honours Retry-After, else doubles BaseDelay with ±50% jitter; both capped.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := retryAfter
	if d <= 0 {
		d = c.retry.BaseDelay << (attempt - 1)
		d = time.Duration(float64(d) * (0.5 + c.jitter()))
	}
	if c.retry.MaxDelay > 0 && d > c.retry.MaxDelay {
		d = c.retry.MaxDelay
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Devices fetches the user's display devices and alert schedules.
func (c *Client) Devices(ctx context.Context) (*Records[Device], error) {
	var r Records[Device]
	if err := c.get(ctx, "/v3/users/self/devices", nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DataRange fetches the span of the user's data. A non-zero lastSync asks
// only for data newer than it; Dexcom wants that time with a zone.
func (c *Client) DataRange(ctx context.Context, lastSync time.Time) (*DataRange, error) {
	q := url.Values{}
	if !lastSync.IsZero() {
		q.Set("lastSyncTime", lastSync.UTC().Format(time.RFC3339))
	}
	var r DataRange
	if err := c.get(ctx, "/v3/users/self/dataRange", q, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// EGVs fetches glucose readings in [start, end).
func (c *Client) EGVs(ctx context.Context, start, end time.Time) (*Records[EGV], error) {
	return fetchRange[EGV](ctx, c, "/v3/users/self/egvs", start, end)
}

// Calibrations fetches calibrations in [start, end).
func (c *Client) Calibrations(ctx context.Context, start, end time.Time) (*Records[Calibration], error) {
	return fetchRange[Calibration](ctx, c, "/v3/users/self/calibrations", start, end)
}

// Events fetches user events in [start, end).
func (c *Client) Events(ctx context.Context, start, end time.Time) (*Records[Event], error) {
	return fetchRange[Event](ctx, c, "/v3/users/self/events", start, end)
}

// Alerts fetches alerts in [start, end).
func (c *Client) Alerts(ctx context.Context, start, end time.Time) (*Records[Alert], error) {
	return fetchRange[Alert](ctx, c, "/v3/users/self/alerts", start, end)
}

// NewHTTPClientContext puts h into ctx for the oauth2 package's own requests.
func NewHTTPClientContext(ctx context.Context, h *http.Client) context.Context {
	if h == nil {
		return ctx
	}
	return context.WithValue(ctx, oauth2.HTTPClient, h)
}
