package rooksim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/rook"
)

// Delivery is one push of a document to a client's webhook.
type Delivery struct {
	ClientUUID string
	UserID     string
	Date       string // YYYY-MM-DD
	Readings   int
	URL        string
	Status     int    // 0 when no answer came
	Err        string // why there was no answer
	At         time.Time
}

// Received reports whether ROOK counts the delivery as received (200, 201
// or 202, as ROOK's help centre says).
func (d Delivery) Received() bool {
	return d.Status == http.StatusOK || d.Status == http.StatusCreated || d.Status == http.StatusAccepted
}

// Deliveries are the pushes so far, in the order they ended.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// push sends the user's documents of the last PushDays days (oldest first)
// to the client's webhook, as ROOK does after a connection. ROOK retries a
// failed delivery after 2 h, 24 h and 48 h; the simulator records the
// failure and does not wait that long.
func (s *Server) push(c Client, userID string, dc *dexcom.Client) {
	today := s.cfg.Now().UTC()
	for i := s.cfg.PushDays - 1; i >= 0; i-- {
		day := today.AddDate(0, 0, -i)
		doc, n, err := s.document(s.ctx, c, userID, dc, day)
		if err != nil || n == 0 {
			continue // nothing to push for that day
		}
		d := s.deliver(c, doc)
		d.Date, d.Readings = day.Format(rook.DateLayout), n
		s.mu.Lock()
		s.deliveries = append(s.deliveries, d)
		s.mu.Unlock()
		if s.cfg.OnDelivery != nil {
			s.cfg.OnDelivery(d)
		}
	}
}

// deliver POSTs one document: JSON, no authentication, and x-rook-hash as
// ROOK publishes it (webhook v2): the hex HMAC-SHA256 of client_uuid +
// user_id + datetime keyed with the client's secret hash key. The
// document's top-level datetime is the moment of sending; with
// Config.SignMetadataDatetime the event metadata's datetime is signed
// instead (ROOK does not spell out which).
func (s *Server) deliver(c Client, doc rook.Document) Delivery {
	d := Delivery{ClientUUID: c.UUID, UserID: doc.UserID, URL: c.WebhookURL}
	doc.Datetime = rook.FormatTime(s.cfg.Now())
	signed := doc.Datetime
	if s.cfg.SignMetadataDatetime && len(doc.BodyHealth.Events.BloodGlucoseEvent) > 0 {
		signed = doc.BodyHealth.Events.BloodGlucoseEvent[0].Metadata.DatetimeString
	}
	body, err := json.Marshal(doc)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.WebhookURL, bytes.NewReader(body))
	if err != nil {
		d.Err = err.Error()
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ROOK-webhook (dexonboard simulator)")
	req.Header.Set(rook.HashHeader, rook.Hash(c.SecretHashKey(), c.UUID, doc.UserID, signed))
	noFollow := *s.cfg.HTTP
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	d.At = s.cfg.Now()
	if err != nil {
		d.Err = err.Error()
		return d
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	d.Status = resp.StatusCode
	return d
}
