package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
)

// Received is one delivery a Listener took.
type Received struct {
	At            time.Time
	DataStructure string
	ClientUUID    string
	UserID        string
	Date          string // YYYY-MM-DD of the data, when it has one
	Readings      int
	Dropped       int    // samples that could not be read
	Hash          string // X-ROOK-Hash as sent, cleaned
	// HashCheck is the hash verified with the listener's key: verified
	// (and which datetime matched), wrong, missing, or not checked.
	HashCheck rook.HashCheck
	Bytes     int64
	Status    int    // what the listener answered
	Err       string // why the body could not be read
}

// DefaultMaxBody bounds one delivery; a day of 5-minute readings is ~30 KB.
const DefaultMaxBody = 4 << 20

// Listener is a local receiver that answers 200 to every readable
// delivery and reports each one.
type Listener struct {
	URL string

	srv     *http.Server
	maxBody int64
	hashKey secret.String
	require bool
	report  func(Received)
	mu      sync.Mutex // serialises reports, so a callback needs no lock

	// Switched while it runs (the demo's misconfigurations), under live.
	live   sync.Mutex
	answer int          // forced status for every delivery (0: judge it)
	ln     net.Listener // nil while down
	addr   string
}

// ListenOptions tune a Listener.
type ListenOptions struct {
	MaxBody int64 // default DefaultMaxBody
	// HashKey is the client's secret hash key: each delivery's x-rook-hash
	// is verified with it (ROOK's published scheme) and the verdict
	// reported.
	HashKey secret.String
	// RequireHash refuses (401) a delivery whose x-rook-hash is missing or
	// wrong, as a careful client's webhook does. It needs HashKey.
	RequireHash bool
}

// Listen serves on addr (e.g. 127.0.0.1:8790; port 0 picks a free one) and
// calls report for each delivery, one at a time.
func Listen(addr string, maxBody int64, report func(Received)) (*Listener, error) {
	return ListenWith(addr, ListenOptions{MaxBody: maxBody}, report)
}

// ListenWith is Listen with options: a hash key to verify deliveries
// with, and whether unsigned or wrongly signed ones are refused.
func ListenWith(addr string, o ListenOptions, report func(Received)) (*Listener, error) {
	if o.RequireHash && o.HashKey.Empty() {
		return nil, errors.New("refusing unsigned deliveries needs the secret hash key ($ROOK_HASH_KEY)")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	maxBody := o.MaxBody
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	l := &Listener{URL: "http://" + ln.Addr().String(), maxBody: maxBody, hashKey: o.HashKey, require: o.RequireHash, report: report,
		ln: ln, addr: ln.Addr().String()}
	l.srv = &http.Server{Handler: l, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute}
	go func() { _ = l.srv.Serve(ln) }() // ends with ErrServerClosed on Close
	return l, nil
}

// SetAnswer makes the listener answer status to every delivery, readable or
// not (0: judge each delivery again): a webhook that fails.
func (l *Listener) SetAnswer(status int) {
	l.live.Lock()
	defer l.live.Unlock()
	l.answer = status
}

// SetDown stops accepting connections (on: a sender's connection is
// refused, as when the webhook's server is down) or accepts them again on
// the same address (off).
func (l *Listener) SetDown(on bool) error {
	l.live.Lock()
	defer l.live.Unlock()
	switch {
	case on && l.ln != nil:
		err := l.ln.Close()
		l.ln = nil
		return err
	case !on && l.ln == nil:
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			return fmt.Errorf("listen on %s again: %w", l.addr, err)
		}
		l.ln = ln
		go func() { _ = l.srv.Serve(ln) }() // ends when ln closes or on Close
	}
	return nil
}

// Down reports whether the listener refuses connections now.
func (l *Listener) Down() bool {
	l.live.Lock()
	defer l.live.Unlock()
	return l.ln == nil
}

func (l *Listener) forced() int {
	l.live.Lock()
	defer l.live.Unlock()
	return l.answer
}

// Close stops the listener, letting deliveries under way finish briefly.
func (l *Listener) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return l.srv.Shutdown(ctx)
}

// ServeHTTP takes one delivery.
func (l *Listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST a JSON document here", http.StatusMethodNotAllowed)
		return
	}
	d := Received{At: time.Now(), Hash: clip(safetext.Line(r.Header.Get(rook.HashHeader)))}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.maxBody))
	d.Bytes = int64(len(raw))
	var doc *rook.GlucoseDay
	if err == nil {
		doc, err = rook.DecodeGlucose(bytes.NewReader(raw))
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		d.Status, d.Err = http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", l.maxBody)
	case err != nil:
		d.Status, d.Err = http.StatusBadRequest, "the body is not a JSON document: "+clip(safetext.Line(err.Error()))
	default:
		d.Status = http.StatusOK
		d.DataStructure, d.ClientUUID, d.UserID = doc.DataStructure, doc.ClientUUID, doc.UserID
		d.Date, d.Readings, d.Dropped = doc.Date(), doc.Readings(), doc.Dropped.Total()
		d.HashCheck = rook.VerifyHash(l.hashKey.Reveal(), r.Header.Get(rook.HashHeader), raw)
		if l.require && d.HashCheck.Verdict != rook.HashVerified {
			d.Status, d.Err = http.StatusUnauthorized, "x-rook-hash is "+d.HashCheck.Verdict.String()+": refused (this listener requires ROOK's signature)"
		}
	}
	if forced := l.forced(); forced != 0 {
		d.Status, d.Err = forced, fmt.Sprintf("answered %d as told (SetAnswer)", forced)
	}
	if d.Status == http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"received":true}` + "\n"))
	} else {
		http.Error(w, d.Err, d.Status)
	}
	if l.report != nil {
		l.mu.Lock()
		l.report(d)
		l.mu.Unlock()
	}
}
