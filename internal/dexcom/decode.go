package dexcom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// Drop counts the records of one endpoint left out for one reason: Dexcom's
// answers are read record by record, and a record that cannot be used is
// dropped and counted instead of failing its whole window.
type Drop struct {
	Endpoint string `json:"endpoint"` // egvs, events, devices, calibrations, alerts, dataRange
	Reason   string `json:"reason"`
	Count    int    `json:"count"`
}

// Drops is a tally of dropped records.
type Drops []Drop

// Total is the number of records dropped.
func (ds Drops) Total() int {
	n := 0
	for _, d := range ds {
		n += d.Count
	}
	return n
}

// add counts one more record dropped for reason.
func (ds *Drops) add(endpoint, reason string) { ds.addN(endpoint, reason, 1) }

func (ds *Drops) addN(endpoint, reason string, n int) {
	for i := range *ds {
		if (*ds)[i].Endpoint == endpoint && (*ds)[i].Reason == reason {
			(*ds)[i].Count += n
			return
		}
	}
	*ds = append(*ds, Drop{Endpoint: endpoint, Reason: reason, Count: n})
}

// Merge adds other's counts to ds and keeps the tally sorted.
func (ds Drops) Merge(other ...Drop) Drops {
	for _, d := range other {
		ds.addN(d.Endpoint, d.Reason, d.Count)
	}
	slices.SortFunc(ds, func(a, b Drop) int {
		return strings.Compare(a.Endpoint+"\x00"+a.Reason, b.Endpoint+"\x00"+b.Reason)
	})
	return ds
}

// String reads "2 egvs (value is text, not a number), 1 events (…)".
func (ds Drops) String() string {
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%d %s (%s)", d.Count, d.Endpoint, d.Reason))
	}
	return strings.Join(parts, ", ")
}

// checked is a record that can say why it is unusable ("" when it is fine).
type checked interface{ problem() string }

// maxReason bounds a reason's length: reasons may quote field names.
const maxReason = 120

// decodeRecords reads a v3 envelope from r as a stream, record by record.
// A record that does not decode or fails its checks is dropped and counted;
// only an answer that is not JSON at all, or not an envelope, is an error.
// hint pre-sizes the records slice.
func decodeRecords[T checked](r io.Reader, endpoint string, hint int) (*Records[T], error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	out := &Records[T]{Records: make([]T, 0, max(hint, 0))}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch key {
		case "recordType":
			err = decodeText(dec, &out.RecordType)
		case "recordVersion":
			err = decodeText(dec, &out.RecordVersion)
		case "userId":
			err = decodeText(dec, &out.UserID)
		case "records":
			err = decodeList(dec, endpoint, out)
		default:
			err = skipValue(dec)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	return out, nil
}

func decodeList[T checked](dec *json.Decoder, endpoint string, out *Records[T]) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil { // "records": null reads as no records
		return nil
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("records is %s, not a list", tokenKind(tok))
	}
	for dec.More() {
		var rec T
		if err := dec.Decode(&rec); err != nil {
			reason, ok := recordReason(err)
			if !ok {
				return err
			}
			out.Dropped.add(endpoint, reason)
			continue
		}
		if p := rec.problem(); p != "" {
			out.Dropped.add(endpoint, p)
			continue
		}
		out.Records = append(out.Records, rec)
	}
	_, err = dec.Token() // the closing ]
	return err
}

// recordReason turns an error decoding one record into a short reason;
// false when the error is not about the record (broken JSON, a failed read).
func recordReason(err error) (string, bool) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "record"
		}
		return clip(fmt.Sprintf("%s is %s, not %s", field, article(te.Value), typeName(te.Type))), true
	}
	var ve *valueError
	if errors.As(err, &ve) {
		return clip(ve.Error()), true
	}
	return "", false
}

// valueError is a field whose value cannot be used.
type valueError struct{ field, why string }

func (e *valueError) Error() string { return e.field + " " + e.why }

func clip(s string) string {
	s = safetext.Line(s)
	if len(s) > maxReason {
		s = strings.ToValidUTF8(s[:maxReason], "") + "…"
	}
	return s
}

func article(kind string) string {
	switch {
	case strings.HasPrefix(kind, "number"):
		return "a number"
	case kind == "string":
		return "text"
	case kind == "bool":
		return "true/false"
	case kind == "array":
		return "a list"
	case kind == "object":
		return "an object"
	}
	return kind
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "what was expected"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true/false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("expected %q, found %s", want, tokenKind(tok))
	}
	return nil
}

// decodeText reads a string or null; other kinds are skipped, since the
// envelope's text fields are informational.
func decodeText(dec *json.Decoder, dst *string) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		*dst = s
	}
	return nil
}

func skipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

func tokenKind(tok json.Token) string {
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

// jsonKind names the kind of a raw JSON value for a type error.
func jsonKind(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}
