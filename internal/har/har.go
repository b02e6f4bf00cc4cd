// Package har records HTTP exchanges as an HTTP Archive (HAR 1.2), the
// transcript a support engineer opens in a browser's developer tools,
// with every secret of the exchange redacted: credentials in headers
// (Authorization, cookies, x-rook-hash), OAuth values in URLs, forms and
// JSON (code, state, client_secret, access and refresh tokens), and any
// value the caller names (a secret key, a hash key). A value redacted in
// one place is removed everywhere else it appears (a state echoed in a
// login page, a code in a Location header).
//
// Format: http://www.softwareishard.com/blog/har-12-spec/ (HAR 1.2).
package har

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// Redacted replaces every secret value in the transcript.
const Redacted = "[redacted]"

// DefaultMaxBody bounds how much of one body is kept.
const DefaultMaxBody = 1 << 20

// Recorder is an http.RoundTripper that passes each exchange to Next and
// records it. It is safe for concurrent use.
type Recorder struct {
	next    http.RoundTripper
	now     func() time.Time
	maxBody int
	creator string

	sink *Recorder // records into another recorder's log (Client over a custom transport)

	mu      sync.Mutex
	entries []*entry
	secrets map[string]bool // literal values to remove everywhere
}

// NewRecorder records what passes through next (nil: http.DefaultTransport).
func NewRecorder(next http.RoundTripper) *Recorder {
	if next == nil {
		next = http.DefaultTransport
	}
	return &Recorder{next: next, now: time.Now, maxBody: DefaultMaxBody, creator: "dexonboard", secrets: map[string]bool{}}
}

// Client is a copy of base (nil: a new client) whose requests go through
// the recorder, base's own transport behind it.
func (r *Recorder) Client(base *http.Client) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	if c.Transport != nil && c.Transport != r {
		c.Transport = r.Wrap(c.Transport)
		return c
	}
	c.Transport = r
	return c
}

// Wrap is a transport that sends through next and records into r's
// transcript: one file for every client of a run, whatever its transport
// (the webhook probe's own, for one).
func (r *Recorder) Wrap(next http.RoundTripper) http.RoundTripper {
	inner := NewRecorder(next)
	inner.sink = r.target()
	return inner
}

// Redact names secret values to remove wherever they appear (e.g. a secret
// key or hash key that never travels in a field the recorder knows).
// Values shorter than 4 characters are ignored: removing them would
// mangle the transcript without protecting anything.
func (r *Recorder) Redact(values ...string) {
	r.target().learn(values...)
}

func (r *Recorder) target() *Recorder {
	if r.sink != nil {
		return r.sink
	}
	return r
}

func (r *Recorder) learn(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if len(v) >= 4 && v != Redacted {
			r.secrets[v] = true
		}
	}
}

// entry is one exchange as it is being recorded.
type entry struct {
	started   time.Time
	wait      time.Duration // until the response headers
	total     time.Duration // until the body was read or closed
	req       *http.Request
	reqBody   []byte
	resp      *http.Response
	respBody  []byte
	truncated bool
	err       string
}

// RoundTrip sends req through the next transport and records it.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := r.target()
	e := &entry{started: rec.now(), req: req}
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		e.reqBody = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(strings.NewReader(string(b)))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(b))), nil }
		e.req = req
	}
	rec.add(e)
	resp, err := r.next.RoundTrip(req)
	rec.mu.Lock()
	e.wait = rec.now().Sub(e.started)
	e.total = e.wait
	if err != nil {
		e.err = err.Error()
	}
	e.resp = resp
	rec.mu.Unlock()
	if err != nil {
		return nil, err
	}
	resp.Body = &teeBody{rc: resp.Body, e: e, rec: rec}
	return resp, nil
}

func (r *Recorder) add(e *entry) {
	r.mu.Lock()
	r.entries = append(r.entries, e)
	r.mu.Unlock()
}

// teeBody keeps what the caller reads of a response body.
type teeBody struct {
	rc  io.ReadCloser
	e   *entry
	rec *Recorder
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	t.rec.mu.Lock()
	if room := t.rec.maxBody - len(t.e.respBody); room > 0 {
		t.e.respBody = append(t.e.respBody, p[:min(n, room)]...)
		t.e.truncated = t.e.truncated || n > room
	} else if n > 0 {
		t.e.truncated = true
	}
	if err != nil {
		t.e.total = t.rec.now().Sub(t.e.started)
	}
	t.rec.mu.Unlock()
	return n, err
}

func (t *teeBody) Close() error {
	t.rec.mu.Lock()
	t.e.total = max(t.e.total, t.rec.now().Sub(t.e.started))
	t.rec.mu.Unlock()
	return t.rc.Close()
}

// Log is the transcript so far, redacted.
func (r *Recorder) Log() *HAR {
	rec := r.target()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	red := newRedactor(rec.secrets)
	var out []Entry
	for _, e := range rec.entries {
		out = append(out, red.entry(e)) // learns the values its fields hold
	}
	// Scrub every learned value from everything, earlier entries included.
	for i := range out {
		red.scrubEntry(&out[i])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartedDateTime < out[j].StartedDateTime })
	if out == nil {
		out = []Entry{}
	}
	return &HAR{Log: Log{Version: "1.2", Creator: Creator{Name: rec.creator, Version: "1"}, Entries: out}}
}

// WriteTo writes the transcript as indented JSON.
func (r *Recorder) WriteTo(w io.Writer) (int64, error) {
	b, err := json.MarshalIndent(r.Log(), "", "  ")
	if err != nil {
		return 0, err
	}
	n, err := w.Write(append(b, '\n'))
	return int64(n), err
}

// WriteFile writes the transcript to path, readable by its owner only
// (a transcript is redacted, but still says which user and app).
func (r *Recorder) WriteFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write the HAR transcript: %w", err)
	}
	if _, err := r.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("write the HAR transcript %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the HAR transcript %s: %w", path, err)
	}
	return nil
}
