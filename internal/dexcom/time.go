package dexcom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// QueryTimeLayout is how startDate and endDate are sent: UTC, no zone, no
// fractional seconds (Dexcom rejects the others).
const QueryTimeLayout = "2006-01-02T15:04:05"

// FormatQueryTime formats t for startDate/endDate.
func FormatQueryTime(t time.Time) string { return t.UTC().Format(QueryTimeLayout) }

// Timestamp is a Dexcom time field. Dexcom sends them with and without zone,
// sometimes without seconds or with offsets that carry seconds, so parsing is
// lenient. Raw keeps the text so re-encoding is faithful.
type Timestamp struct {
	time.Time
	Raw   string
	Zoned bool // false: no zone in the text (receiver data); read as UTC
}

// Layouts in the order tried. "1", "2", "15", "4", "5" accept one or two
// digits; Go accepts fractional seconds after the seconds field.
var zonedLayouts = []string{
	"2006-1-2T15:4:5Z07:00:00", "2006-1-2T15:4:5Z07:00", "2006-1-2T15:4:5Z0700", "2006-1-2T15:4:5Z07",
	"2006-1-2T15:4Z07:00:00", "2006-1-2T15:4Z07:00", "2006-1-2T15:4Z0700",
	"2006-1-2 15:4:5Z07:00",
}

var plainLayouts = []string{"2006-1-2T15:4:5", "2006-1-2T15:4", "2006-1-2 15:4:5", "2006-1-2"}

// ParseTimestamp reads a Dexcom time string.
func ParseTimestamp(s string) (Timestamp, error) {
	// Fast paths for the two shapes nearly every record has.
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return Timestamp{Time: t, Raw: s, Zoned: true}, nil
	}
	if len(s) == len(QueryTimeLayout) {
		if t, err := time.ParseInLocation(QueryTimeLayout, s, time.UTC); err == nil {
			return Timestamp{Time: t, Raw: s}, nil
		}
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Timestamp{Time: t, Raw: s, Zoned: true}, nil
		}
	}
	for _, l := range plainLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return Timestamp{Time: t, Raw: s}, nil
		}
	}
	return Timestamp{}, fmt.Errorf("unreadable time %q", s)
}

// NewTimestamp formats t; zoned chooses RFC 3339 or the zoneless form.
func NewTimestamp(t time.Time, zoned bool) Timestamp {
	if zoned {
		return Timestamp{Time: t, Raw: t.Format(time.RFC3339), Zoned: true}
	}
	return Timestamp{Time: t, Raw: t.Format(QueryTimeLayout)}
}

// Valid reports whether the field held a readable time (or nothing). An
// unreadable text is kept in Raw with a zero Time, so the record holding it
// can be dropped by its own checks instead of failing the whole answer.
func (ts Timestamp) Valid() bool { return ts.Raw == "" || !ts.Time.IsZero() }

// Present reports whether the field held a readable time.
func (ts Timestamp) Present() bool { return !ts.Time.IsZero() }

// UnmarshalJSON accepts a string or null; an unreadable string is kept in
// Raw (see Valid). Anything else is a type error.
func (ts *Timestamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*ts = Timestamp{}
		return nil
	}
	var s string
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		s = string(b[1 : n-1]) // the usual case, without a second decoder
	} else if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[string]()}
	}
	ts.set(s)
	return nil
}

// UnmarshalJSONFrom is UnmarshalJSON for the streaming decoder the client
// reads answers with: the text is read straight from its token.
func (ts *Timestamp) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch k := dec.PeekKind(); k {
	case '"':
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		ts.set(tok.String())
		return nil
	case 'n':
		*ts = Timestamp{}
		_, err := dec.ReadToken()
		return err
	default:
		if err := dec.SkipValue(); err != nil {
			return err
		}
		return &json.UnmarshalTypeError{Value: v1Kind(k), Type: reflect.TypeFor[string]()}
	}
}

// set reads s leniently: empty is no time, unreadable text is kept in Raw.
func (ts *Timestamp) set(s string) {
	if s == "" {
		*ts = Timestamp{}
		return
	}
	p, err := ParseTimestamp(s)
	if err != nil {
		*ts = Timestamp{Raw: s}
		return
	}
	*ts = p
}

// v1Kind names a JSON kind as encoding/json's type errors do.
func v1Kind(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "bool"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "null"
}

// MarshalJSON writes the original text, or RFC 3339 for a made-up value.
func (ts Timestamp) MarshalJSON() ([]byte, error) {
	if ts.Time.IsZero() && ts.Raw == "" {
		return []byte("null"), nil
	}
	if ts.Raw != "" {
		return json.Marshal(ts.Raw)
	}
	return json.Marshal(ts.Time.Format(time.RFC3339))
}
