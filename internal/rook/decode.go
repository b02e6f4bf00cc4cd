package rook

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/safetext"
)

// GlucoseDay is a blood_glucose_event document as read: who, what, and
// every sample that could be used. Samples that could not are counted in
// Dropped, never fatal.
type GlucoseDay struct {
	ClientUUID    string
	UserID        string
	DataStructure string
	Events        []GlucoseEvent
	Dropped       dexcom.Drops

	kept int // samples kept so far, for the bound
}

// GlucoseEvent is one event of the document.
type GlucoseEvent struct {
	At      time.Time // metadata.datetime_string; zero when unreadable
	Sources []string
	AvgMgDL *float64
	Samples []Sample
}

// Readings is the number of samples kept.
func (d *GlucoseDay) Readings() int {
	n := 0
	for _, e := range d.Events {
		n += len(e.Samples)
	}
	return n
}

// Samples are all kept samples, sorted by time.
func (d *GlucoseDay) Samples() []Sample {
	out := make([]Sample, 0, d.Readings())
	for _, e := range d.Events {
		out = append(out, e.Samples...)
	}
	slices.SortStableFunc(out, func(a, b Sample) int { return a.At.Compare(b.At) })
	return out
}

// Date is the document's day (YYYY-MM-DD, UTC) from its first event or
// sample; empty when neither has a readable time.
func (d *GlucoseDay) Date() string {
	for _, e := range d.Events {
		if !e.At.IsZero() {
			return e.At.UTC().Format(DateLayout)
		}
	}
	for _, e := range d.Events {
		for _, s := range e.Samples {
			return s.At.UTC().Format(DateLayout)
		}
	}
	return ""
}

const dropKey = "blood_glucose"

func (d *GlucoseDay) drop(reason string) {
	d.Dropped = d.Dropped.Merge(dexcom.Drop{Endpoint: dropKey, Reason: reason, Count: 1})
}

// Bounds on what one document may hold, so a hostile body cannot make the
// decoder keep an unbounded amount.
const (
	maxEvents  = 10_000
	maxSamples = 500_000
	maxDepth   = 64
)

// DecodeGlucose reads a ROOK document from r as a stream. Only a body that
// is not a JSON object is an error; a sample or event that cannot be used
// is dropped and counted. Unknown fields are skipped, so other
// data_structures read with their names and no events.
func DecodeGlucose(r io.Reader) (*GlucoseDay, error) {
	dec := json.NewDecoder(r)
	d := &GlucoseDay{}
	err := object(dec, func(key string) error {
		switch key {
		case "client_uuid":
			return text(dec, &d.ClientUUID)
		case "user_id":
			return text(dec, &d.UserID)
		case "data_structure":
			return text(dec, &d.DataStructure)
		case "body_health":
			return optObject(dec, func(key string) error {
				if key != "events" {
					return skip(dec)
				}
				return optObject(dec, func(key string) error {
					if key != "blood_glucose_event" {
						return skip(dec)
					}
					return optArray(dec, func() error { return d.event(dec) })
				})
			})
		}
		return skip(dec)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// event reads one blood_glucose_event entry.
func (d *GlucoseDay) event(dec *json.Decoder) error {
	if len(d.Events) >= maxEvents {
		d.drop("more events than one document may hold")
		return skip(dec)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		d.drop("event is " + kind(tok) + ", not an object")
		return skipRest(dec, tok)
	}
	ev := GlucoseEvent{}
	err = members(dec, func(key string) error {
		switch key {
		case "metadata":
			var m struct {
				Datetime json.RawMessage `json:"datetime_string"`
				Sources  json.RawMessage `json:"sources_of_data_array"`
			}
			if err := dec.Decode(&m); err != nil {
				if _, ok := err.(*json.UnmarshalTypeError); ok {
					d.drop("event metadata is not an object")
					return nil
				}
				return err
			}
			ev.At, _ = parseTime(m.Datetime)
			var srcs []string
			if json.Unmarshal(m.Sources, &srcs) == nil {
				for _, s := range srcs {
					ev.Sources = append(ev.Sources, safetext.Line(s))
				}
			}
			return nil
		case "blood_glucose":
			return optObject(dec, func(key string) error {
				switch key {
				case "blood_glucose_avg_mg_per_dL_int":
					var raw json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						return err
					}
					if v, ok := glucoseValue(raw); ok {
						ev.AvgMgDL = &v
					}
					return nil
				case "blood_glucose_granular_data_array":
					return optArray(dec, func() error { return d.sample(dec, &ev) })
				}
				return skip(dec)
			})
		}
		return skip(dec)
	})
	if err != nil {
		return err
	}
	d.Events = append(d.Events, ev)
	return nil
}

// sample reads one granular entry; an unusable one is dropped and counted.
func (d *GlucoseDay) sample(dec *json.Decoder, ev *GlucoseEvent) error {
	var s struct {
		Datetime json.RawMessage `json:"datetime_string"`
		Value    json.RawMessage `json:"blood_glucose_mg_per_dL_int"`
	}
	// Decode reads the whole value before filling s, so a sample of the
	// wrong kind leaves the stream at the next one.
	if err := dec.Decode(&s); err != nil {
		if _, ok := err.(*json.UnmarshalTypeError); ok {
			d.drop("sample is not an object")
			return nil
		}
		return err
	}
	if d.kept >= maxSamples {
		d.drop("more samples than one document may hold")
		return nil
	}
	at, why := parseTime(s.Datetime)
	if why != "" {
		d.drop(why)
		return nil
	}
	v, ok := glucoseValue(s.Value)
	if !ok {
		d.drop("blood_glucose_mg_per_dL_int is missing or not a glucose value")
		return nil
	}
	ev.Samples = append(ev.Samples, Sample{At: at, MgDL: v})
	d.kept++
	return nil
}

// parseTime reads a datetime_string; why says what is wrong.
func parseTime(raw json.RawMessage) (time.Time, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, "datetime_string is missing"
	}
	s, ok := plainString(raw)
	if !ok && json.Unmarshal(raw, &s) != nil {
		return time.Time{}, "datetime_string is not text"
	}
	ts, err := dexcom.ParseTimestamp(s)
	if err != nil {
		return time.Time{}, "datetime_string is not a time"
	}
	return ts.Time.UTC(), ""
}

// plainString is the fast path for a JSON string without escapes.
func plainString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return "", false
		}
	}
	return string(inner), true
}

// glucoseValue reads a number in mg/dL (ROOK says int; a fraction is kept).
func glucoseValue(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 || raw[0] == '"' || raw[0] == 'n' || raw[0] == '{' || raw[0] == '[' || raw[0] == 't' || raw[0] == 'f' {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, false
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 10_000 {
		return 0, false
	}
	return v, true
}

// object reads a JSON object, calling member for each key with the decoder
// at the value. The body must be an object.
func object(dec *json.Decoder, member func(string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("the document is %s, not a JSON object", kind(tok))
	}
	return members(dec, member)
}

// optObject reads an object, or skips null and any other kind.
func optObject(dec *json.Decoder, member func(string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return skipRest(dec, tok)
	}
	return members(dec, member)
}

// members reads keys up to and including the closing brace.
func members(dec *json.Decoder, member func(string) error) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := member(key); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// optArray calls each for every element, or skips null and other kinds.
func optArray(dec *json.Decoder, each func() error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('[') {
		return skipRest(dec, tok)
	}
	for dec.More() {
		if err := each(); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

func text(dec *json.Decoder, dst *string) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if len(s) > 200 {
			s = s[:200]
		}
		*dst = safetext.Line(s)
	}
	return nil
}

func skip(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	return skipRest(dec, tok)
}

// skipRest skips the rest of a value whose first token was tok, without
// keeping it (json.RawMessage would hold a whole large subtree).
func skipRest(dec *json.Decoder, tok json.Token) error {
	d, ok := tok.(json.Delim)
	if !ok || d == '}' || d == ']' {
		return nil
	}
	depth := 1
	for depth > 0 {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
			if depth > maxDepth {
				return fmt.Errorf("the document nests deeper than %d levels", maxDepth)
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

func kind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "a list"
		}
		return "an object"
	case string:
		return "text"
	case float64, json.Number:
		return "a number"
	case bool:
		return "true/false"
	case nil:
		return "null"
	}
	return "something else"
}
