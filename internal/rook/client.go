package rook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/httpretry"
)

// Call is one recorded HTTP exchange, as the Dexcom client records them.
type Call = dexcom.Call

// Retry bounds the retries of 429 and 5xx answers.
type Retry = dexcom.Retry

// DefaultRetry retries 3 times, waiting 0.5 s, 1 s, 2 s (with jitter) unless
// ROOK sends Retry-After; one wait is at most 30 s.
var DefaultRetry = dexcom.DefaultRetry

// DefaultTimeout bounds one HTTP exchange.
const DefaultTimeout = 30 * time.Second

// Config sets up a Client. Env defaults to Sandbox.
type Config struct {
	Env         Environment
	BaseURL     string // overrides Env's host (a simulator, a proxy)
	Credentials Credentials
	HTTP        *http.Client // default: one with Timeout
	Timeout     time.Duration
	Retry       *Retry
	// AuthorizedV1 asks the older /api/v1 authorized-sources path; the v2
	// path is the default. Both answer shapes are read either way.
	AuthorizedV1 bool
	// Sleep waits between retries (tests record the waits).
	Sleep func(context.Context, time.Duration) error
}

// Client calls ROOK's API with HTTP Basic auth.
type Client struct {
	base  string
	creds Credentials
	http  *http.Client
	retry Retry
	v1    bool
	sleep func(context.Context, time.Duration) error

	mu    sync.Mutex
	calls []Call
}

// New makes a client; it fails only on a bad base URL or missing credentials.
func New(cfg Config) (*Client, error) {
	base, err := resolveBase(cfg.Env, cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.Credentials.ClientUUID == "" || cfg.Credentials.SecretKey.Empty() {
		return nil, fmt.Errorf("%w: the client UUID or the secret key is empty", ErrBadCredentials)
	}
	c := &Client{base: base, creds: cfg.Credentials, http: cfg.HTTP, retry: DefaultRetry, v1: cfg.AuthorizedV1, sleep: cfg.Sleep}
	if c.http == nil {
		t := cfg.Timeout
		if t <= 0 {
			t = DefaultTimeout
		}
		c.http = &http.Client{Timeout: t}
	}
	if cfg.Retry != nil {
		c.retry = *cfg.Retry
	}
	if c.sleep == nil {
		c.sleep = httpretry.Sleep
	}
	return c, nil
}

// BaseURL is the API host the client calls.
func (c *Client) BaseURL() string { return c.base }

// Calls returns every call made so far, in the order they finished.
func (c *Client) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Call(nil), c.calls...)
}

func (c *Client) record(call Call) {
	call.Ms = call.Duration.Milliseconds()
	c.mu.Lock()
	c.calls = append(c.calls, call)
	c.mu.Unlock()
}

// request is one API call to make.
type request struct {
	method string
	path   string
	query  url.Values
	body   any // JSON-encoded when not nil
	ep     endpoint
}

// maxAnswer bounds a 2xx answer; maxErrorRead what is read of any other.
const (
	maxAnswer    = 64 << 20
	maxErrorRead = 64 << 10
)

// do sends r, retrying 429 and 5xx within bounds, and hands a 2xx answer's
// status and body (as a stream) to read.
func (c *Client) do(ctx context.Context, r request, read func(status int, body io.Reader) error) error {
	for attempt := 1; ; attempt++ {
		status, hdr, errBody, err := c.once(ctx, r, attempt, read)
		if err != nil {
			return err
		}
		if status >= 200 && status < 300 {
			return nil
		}
		apiErr := newAPIError(r.method, r.path, r.ep, status, hdr, errBody)
		if (status == http.StatusTooManyRequests || status >= 500) && attempt <= c.retry.Max {
			if err := c.sleep(ctx, c.retry.Wait(attempt, apiErr.RetryAfter, rand.Float64())); err != nil {
				return fmt.Errorf("%w (gave up waiting: %v)", apiErr, err)
			}
			continue
		}
		return apiErr
	}
}

// once makes one attempt and records it.
func (c *Client) once(ctx context.Context, r request, attempt int, read func(int, io.Reader) error) (status int, hdr http.Header, errBody []byte, err error) {
	call := Call{Method: r.method, Path: r.path, Query: r.query.Encode(), Attempt: attempt}
	start := time.Now()
	defer func() {
		call.Duration = time.Since(start)
		if err != nil {
			call.Err = err.Error()
		}
		c.record(call)
	}()
	u := dexcom.JoinURL(c.base, r.path, call.Query)
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return 0, nil, nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return 0, nil, nil, err
	}
	req.SetBasicAuth(c.creds.ClientUUID, c.creds.SecretKey.Reveal())
	req.Header.Set("Accept", "application/json")
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	defer resp.Body.Close()
	call.Status = resp.StatusCode
	counted := &httpretry.CountingReader{R: io.LimitReader(resp.Body, maxAnswer)}
	defer func() { call.Bytes = counted.N }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, err := io.ReadAll(io.LimitReader(counted, maxErrorRead))
		if err != nil {
			return 0, nil, nil, fmt.Errorf("%s %s: read answer: %w", r.method, r.path, err)
		}
		return resp.StatusCode, resp.Header, b, nil
	}
	if err := read(resp.StatusCode, counted); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return 0, nil, nil, fmt.Errorf("%s %s: unreadable answer: %w", r.method, r.path, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(counted, 4<<10))
	return resp.StatusCode, resp.Header, nil, nil
}

// decodeJSON reads a small JSON answer into v.
func decodeJSON(v any) func(int, io.Reader) error {
	return func(_ int, body io.Reader) error { return json.NewDecoder(body).Decode(v) }
}
