package dexcom

import (
	"bytes"
	jsonv1 "encoding/json"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// decodeFrom reads one EGV field by field from the stream, sharing repeated
// texts through p as it goes. Readings are nearly all of what a check
// decodes (26,000 for 90 days), and this reads them about twice as fast as
// the reflection-based unmarshal, without allocating the texts it shares.
// FuzzEGVDecodersAgree holds it to the same results as that unmarshal.
//
// Like it, a field of the wrong kind does not stop the reading: the rest of
// the record is read, and the first such error is returned.
func (e *EGV) decodeFrom(dec *jsontext.Decoder, p *pool) error {
	if k := dec.PeekKind(); k != '{' {
		if err := dec.SkipValue(); err != nil || k == 'n' {
			return err // null reads as an empty record, which its checks drop
		}
		return &jsonv1.UnmarshalTypeError{Value: v1Kind(k), Type: reflect.TypeFor[EGV]()}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		switch egvField(name) {
		case "recordId":
			err = readText(dec, "recordId", &e.RecordID, nil)
		case "systemTime":
			err = withField(e.SystemTime.UnmarshalJSONFrom(dec), "systemTime")
		case "displayTime":
			err = withField(e.DisplayTime.UnmarshalJSONFrom(dec), "displayTime")
		case "transmitterId":
			err = readTextPtr(dec, "transmitterId", &e.TransmitterID, p)
		case "transmitterTicks":
			err = readInt(dec, "transmitterTicks", &e.TransmitterTicks)
		case "value":
			err = readNumberPtr(dec, "value", &e.Value)
		case "status":
			err = readTextPtr(dec, "status", &e.Status, p)
		case "trend":
			err = readTrend(dec, &e.Trend, p)
		case "trendRate":
			err = readNumberPtr(dec, "trendRate", &e.TrendRate)
		case "unit":
			err = readText(dec, "unit", &e.Unit, p)
		case "rateUnit":
			err = readText(dec, "rateUnit", &e.RateUnit, p)
		case "displayDevice":
			err = readText(dec, "displayDevice", &e.DisplayDevice, p)
		case "transmitterGeneration":
			err = readText(dec, "transmitterGeneration", &e.TransmitterGeneration, p)
		case "transmitterGenerationVariant":
			err = readText(dec, "transmitterGenerationVariant", &e.TransmitterGenerationVariant, p)
		case "displayApp":
			err = readTextPtr(dec, "displayApp", &e.DisplayApp, p)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			if _, ok := err.(*jsonv1.UnmarshalTypeError); !ok {
				return err // the stream itself is broken
			}
			keep(err)
		}
	}
	if _, err := dec.ReadToken(); err != nil { // the closing }
		return err
	}
	return first
}

// egvFields are the EGV's JSON names, as constants so that matching a
// name read from the stream allocates nothing.
var egvFields = []string{"recordId", "systemTime", "displayTime", "transmitterId", "transmitterTicks", "value",
	"status", "trend", "trendRate", "unit", "rateUnit", "displayDevice", "transmitterGeneration",
	"transmitterGenerationVariant", "displayApp"}

// egvField is the EGV field a raw name stands for, or "". A name without
// escapes is compared as it stands: the field names are ASCII, so a match
// is valid UTF-8 and needs no check of its own.
func egvField(name jsontext.Value) string {
	if len(name) < 2 {
		return ""
	}
	if !hasEscape(name) {
		inner := name[1 : len(name)-1]
		for _, f := range egvFields {
			if string(inner) == f { // compared without a copy
				return f
			}
		}
		return ""
	}
	s := unquoted(name)
	for _, f := range egvFields {
		if s == f {
			return f
		}
	}
	return ""
}

// unquoted is a string token's text. Escapes are undone and invalid UTF-8
// becomes U+FFFD, as the library's own unmarshal does.
func unquoted(raw jsontext.Value) string {
	if plain(raw) {
		return string(raw[1 : len(raw)-1])
	}
	b, _ := jsontext.AppendUnquote(nil, raw) // on invalid UTF-8, b holds the replaced text
	return string(b)
}

// plain reports whether a string token's text is its bytes between the
// quotes: no escapes, valid UTF-8.
func plain(raw []byte) bool {
	return len(raw) >= 2 && raw[0] == '"' && !hasEscape(raw) && utf8.Valid(raw)
}

func hasEscape(raw []byte) bool { return bytes.IndexByte(raw, '\\') >= 0 }

// text reads a string value as a shared text (when p is given) without
// allocating it when it was seen before. The pool holds only valid UTF-8,
// so a text without escapes found in it is valid and needs no check.
func text(raw jsontext.Value, p *pool) string {
	if p != nil && len(raw) >= 2 && raw[0] == '"' && !hasEscape(raw) {
		if s, ok := p.strs[string(raw[1:len(raw)-1])]; ok { // no allocation for the lookup
			return s
		}
	}
	s := unquoted(raw)
	if p != nil {
		return p.str(s)
	}
	return s
}

func typeError(field string, k jsontext.Kind, t reflect.Type) error {
	return &jsonv1.UnmarshalTypeError{Value: v1Kind(k), Type: t, Field: field}
}

// withField names the field of a type error from a Timestamp.
func withField(err error, field string) error {
	if te, ok := err.(*jsonv1.UnmarshalTypeError); ok && te.Field == "" {
		te.Field = field
	}
	return err
}

// readText reads a string; null makes it empty.
func readText(dec *jsontext.Decoder, field string, dst *string, p *pool) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch k := raw.Kind(); k {
	case '"':
		*dst = text(raw, p)
	case 'n':
		*dst = ""
	default:
		return typeError(field, k, reflect.TypeFor[string]())
	}
	return nil
}

// readTextPtr reads a string or null.
func readTextPtr(dec *jsontext.Decoder, field string, dst **string, p *pool) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch k := raw.Kind(); k {
	case '"':
		s := text(raw, p)
		if p == nil {
			v := s
			*dst = &v
			return nil
		}
		if v, ok := p.ptrs[s]; ok {
			*dst = v
			return nil
		}
		v := s // allocated only here, when the text is new
		*dst = p.ptr(&v)
	case 'n':
		*dst = nil
	default:
		return typeError(field, k, reflect.TypeFor[string]())
	}
	return nil
}

// readNumberPtr reads a number or null.
func readNumberPtr(dec *jsontext.Decoder, field string, dst **float64) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch k := raw.Kind(); k {
	case '0':
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return typeError(field, k, reflect.TypeFor[float64]())
		}
		*dst = &f
	case 'n':
		*dst = nil
	default:
		return typeError(field, k, reflect.TypeFor[float64]())
	}
	return nil
}

// readInt reads a whole number; null makes it 0.
func readInt(dec *jsontext.Decoder, field string, dst *int64) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch k := raw.Kind(); k {
	case '0':
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return typeError(field, k, reflect.TypeFor[int64]())
		}
		*dst = n
	case 'n':
		*dst = 0
	default:
		return typeError(field, k, reflect.TypeFor[int64]())
	}
	return nil
}

// readTrend reads a trend or null, shared through p.
func readTrend(dec *jsontext.Decoder, dst **Trend, p *pool) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch k := raw.Kind(); k {
	case '"':
		t := Trend(text(raw, p))
		if p == nil {
			v := t
			*dst = &v
			return nil
		}
		if v, ok := p.trends[t]; ok {
			*dst = v
			return nil
		}
		v := t
		*dst = p.trend(&v)
	case 'n':
		*dst = nil
	default:
		return typeError("trend", k, reflect.TypeFor[string]())
	}
	return nil
}
