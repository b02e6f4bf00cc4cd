package dexcom

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/httpretry"
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
type Retry = httpretry.Policy

// DefaultRetry retries 3 times, waiting 0.5 s, 1 s, 2 s (with jitter), at most 30 s.
var DefaultRetry = httpretry.Default

// Client calls the v3 data endpoints with a refreshing token source.
type Client struct {
	base   string
	tokens *TokenSource
	http   *http.Client
	retry  Retry
	slots  chan struct{} // one per request in flight, across all fetches
	sleep  func(context.Context, time.Duration) error
	jitter func() float64

	mu    sync.Mutex
	calls []Call
}

// Option changes a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (timeouts, transport).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithRetry sets the retry bounds.
func WithRetry(r Retry) Option { return func(c *Client) { c.retry = r } }

// inFlight bounds the requests in flight at once, over every fetch the
// client makes: well within Dexcom's rate limit.
const inFlight = 4

// WithSleep replaces the wait between retries (tests record the waits).
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(c *Client) { c.sleep = f }
}

// NewClient makes a client for the API at ep, authorised by tokens.
func NewClient(ep Endpoints, tokens *TokenSource, opts ...Option) *Client {
	c := &Client{
		base:   ep.BaseURL,
		tokens: tokens,
		http:   &http.Client{Timeout: 60 * time.Second},
		retry:  DefaultRetry,
		sleep:  httpretry.Sleep,
		jitter: rand.Float64,
	}
	for _, o := range opts {
		o(c)
	}
	c.slots = make(chan struct{}, inFlight)
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

// maxAnswer bounds what one answer may hold; maxErrorRead what is read of a
// non-200 answer.
const (
	maxAnswer    = 256 << 20
	maxErrorRead = 64 << 10
)

// get fetches path with query and hands a 200 answer's body to decode as a
// stream. It refreshes once on 401 and retries 429 and 5xx within the
// retry bounds.
func (c *Client) get(ctx context.Context, path string, q url.Values, decode func(io.Reader) error) error {
	refreshed := false
	for attempt := 1; ; attempt++ {
		status, hdr, body, rejected, err := c.do(ctx, path, q, attempt, decode)
		if err != nil || status == http.StatusOK {
			return err
		}
		apiErr := newAPIError(http.MethodGet, path, status, hdr, body)
		switch {
		case status == http.StatusUnauthorized && !refreshed:
			refreshed = true
			c.tokens.Rejected(rejected)
			continue
		case (status == http.StatusTooManyRequests || status >= 500) && attempt <= c.retry.Max:
			if err := c.sleep(ctx, c.retry.Wait(attempt, apiErr.RetryAfter, c.jitter())); err != nil {
				return fmt.Errorf("%w (gave up waiting: %v)", apiErr, err)
			}
			continue
		}
		return apiErr
	}
}

// do performs one attempt and records it. A 200 answer is decoded as it
// arrives; any other answer's body is returned (cut short) for the error,
// with the access token that was sent.
func (c *Client) do(ctx context.Context, path string, q url.Values, attempt int, decode func(io.Reader) error) (status int, hdr http.Header, body []byte, sent string, err error) {
	select { // the wait for a slot is not part of the call
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return 0, nil, nil, "", ctx.Err()
	}
	call := Call{Method: http.MethodGet, Path: path, Query: q.Encode(), Attempt: attempt}
	start := time.Now()
	defer func() {
		call.Duration = time.Since(start)
		if err != nil {
			call.Err = err.Error()
		}
		c.record(call)
	}()
	tok, err := c.tokens.Token()
	if err != nil {
		return 0, nil, nil, "", err
	}
	u := JoinURL(c.base, path, call.Query)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, nil, "", err
	}
	req.Header.Set("Accept", "application/json")
	tok.SetAuthHeader(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, "", fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	call.Status = resp.StatusCode
	counted := &httpretry.CountingReader{R: io.LimitReader(resp.Body, maxAnswer)}
	defer func() { call.Bytes = counted.N }()
	if resp.StatusCode != http.StatusOK {
		body, err = io.ReadAll(io.LimitReader(counted, maxErrorRead))
		if err != nil {
			return 0, nil, nil, "", fmt.Errorf("GET %s: read answer: %w", path, err)
		}
		return resp.StatusCode, resp.Header, body, tok.AccessToken, nil
	}
	if err := decode(counted); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return 0, nil, nil, "", fmt.Errorf("GET %s: unreadable answer: %w", path, err)
	}
	// Read what the decoder left (a final newline) so the connection is reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(counted, 4<<10))
	return http.StatusOK, resp.Header, nil, tok.AccessToken, nil
}

// Devices fetches the user's display devices and alert schedules. A device
// record that cannot be read is dropped and counted in Dropped.
func (c *Client) Devices(ctx context.Context) (*Records[Device], error) {
	var r *Records[Device]
	err := c.get(ctx, "/v3/users/self/devices", nil, func(body io.Reader) (err error) {
		r, err = decodeRecords(body, "devices", make([]Device, 0, 1))
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DataRange fetches the span of the user's data. A non-zero lastSync asks
// only for data newer than it; Dexcom wants that time with a zone.
func (c *Client) DataRange(ctx context.Context, lastSync time.Time) (*DataRange, error) {
	q := url.Values{}
	if !lastSync.IsZero() {
		q.Set("lastSyncTime", lastSync.UTC().Format(time.RFC3339))
	}
	var r *DataRange
	err := c.get(ctx, "/v3/users/self/dataRange", q, func(body io.Reader) (err error) {
		r, err = decodeDataRange(body)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// EGVs fetches glucose readings in [start, end).
func (c *Client) EGVs(ctx context.Context, start, end time.Time) (*Records[EGV], error) {
	return fetchRange[EGV](ctx, c, "/v3/users/self/egvs", start, end, egvsPerDay)
}

// Calibrations fetches calibrations in [start, end).
func (c *Client) Calibrations(ctx context.Context, start, end time.Time) (*Records[Calibration], error) {
	return fetchRange[Calibration](ctx, c, "/v3/users/self/calibrations", start, end, 4)
}

// Events fetches user events in [start, end).
func (c *Client) Events(ctx context.Context, start, end time.Time) (*Records[Event], error) {
	return fetchRange[Event](ctx, c, "/v3/users/self/events", start, end, 16)
}

// Alerts fetches alerts in [start, end).
func (c *Client) Alerts(ctx context.Context, start, end time.Time) (*Records[Alert], error) {
	return fetchRange[Alert](ctx, c, "/v3/users/self/alerts", start, end, 8)
}

// NewHTTPClientContext puts h into ctx for the oauth2 package's own requests.
func NewHTTPClientContext(ctx context.Context, h *http.Client) context.Context {
	if h == nil {
		return ctx
	}
	return context.WithValue(ctx, oauth2.HTTPClient, h)
}
