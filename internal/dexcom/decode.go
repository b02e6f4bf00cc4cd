package dexcom

import (
	"bytes"
	jsonv1 "encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
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

// readOptions read Dexcom's answers leniently: duplicate names and invalid
// UTF-8 are accepted. Names match exactly, as Dexcom writes them.
var readOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// decodeRecords reads a v3 envelope from r as a stream, record by record.
// A record that does not decode or fails its checks is dropped and counted;
// only an answer that is not JSON at all, or not an envelope, is an error.
// Records are appended to buf (pre-sized by the caller).
//
// It reads with go-json-experiment/json (the upstream of encoding/json/v2,
// already in the module graph): its streaming decoder reads a 30-day EGV
// answer several times faster than encoding/json's Decoder.
func decodeRecords[T checked](r io.Reader, endpoint string, buf []T) (*Records[T], error) {
	dec := jsontext.NewDecoder(r, readOptions)
	if err := expectKind(dec, '{'); err != nil {
		return nil, err
	}
	out := &Records[T]{Records: buf[:0]}
	for dec.PeekKind() == '"' {
		key, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		switch key.String() {
		case "recordType":
			err = decodeText(dec, &out.RecordType)
		case "recordVersion":
			err = decodeText(dec, &out.RecordVersion)
		case "userId":
			err = decodeText(dec, &out.UserID)
		case "records":
			err = decodeList(dec, endpoint, out)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return nil, err
		}
	}
	if err := expectKind(dec, '}'); err != nil {
		return nil, err
	}
	return out, nil
}

func decodeList[T checked](dec *jsontext.Decoder, endpoint string, out *Records[T]) error {
	switch k := dec.PeekKind(); k {
	case 'n': // "records": null reads as no records
		_, err := dec.ReadToken()
		return err
	case '[':
	case 0:
		_, err := dec.ReadToken()
		return err
	default:
		return fmt.Errorf("records is %s, not a list", kindName(k))
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	shared := newPool()
	depth := dec.StackDepth()
	fast := isFast[T]()
	var zero T
	for dec.PeekKind() != ']' {
		// Each record is decoded in its place in the list (no copy of it,
		// and no record allocated on its own); a dropped one is taken back.
		n := len(out.Records)
		out.Records = append(out.Records, zero)
		rec := &out.Records[n]
		drop := func(reason string) {
			*rec = zero // holds nothing the list no longer shows
			out.Records = out.Records[:n]
			out.Dropped.add(endpoint, reason)
		}
		before := dec.InputOffset()
		var err error
		if f, ok := any(rec).(fastDecoder); ok {
			err = f.decodeFrom(dec, shared)
		} else {
			err = json.UnmarshalDecode(dec, rec)
		}
		if err != nil {
			if err := skipRest(dec, err, depth, before); err != nil {
				out.Records = out.Records[:n]
				return err
			}
			drop(recordReason(err))
			continue
		}
		if p := (*rec).problem(); p != "" {
			drop(p)
			continue
		}
		if s, ok := any(rec).(sharer); ok && !fast {
			s.share(shared)
		}
	}
	_, err := dec.ReadToken() // the closing ]
	return err
}

// skipRest moves the decoder past a record that failed to unmarshal, so the
// next record can be read: whatever of the record is left is read and
// thrown away. A broken answer (bad JSON, a failed read) is returned.
func skipRest(dec *jsontext.Decoder, err error, depth int, before int64) error {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	var se *json.SemanticError
	var te *jsonv1.UnmarshalTypeError
	if !errors.As(err, &se) && !errors.As(err, &te) {
		return err // a failed read of the body
	}
	for dec.StackDepth() > depth { // stopped inside the record
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
	}
	if dec.InputOffset() == before && dec.PeekKind() != ']' { // stopped before it
		return dec.SkipValue()
	}
	return nil
}

// recordReason turns an error unmarshalling one (syntactically valid)
// record into a short reason such as "value is text, not a number".
func recordReason(err error) string {
	var v1 *jsonv1.UnmarshalTypeError // from the records' own UnmarshalJSON
	if errors.As(err, &v1) {
		field := v1.Field
		var se *json.SemanticError
		if errors.As(err, &se) && field == "" {
			field = fieldName(se.JSONPointer)
		}
		return clip(fmt.Sprintf("%s is %s, not %s", orRecord(field), article(v1.Value), typeName(v1.Type)))
	}
	var se *json.SemanticError
	if errors.As(err, &se) {
		return clip(fmt.Sprintf("%s is %s, not %s", orRecord(fieldName(se.JSONPointer)), kindName(se.JSONKind), typeName(se.GoType)))
	}
	return clip(err.Error())
}

// fieldName turns a JSON pointer such as
// /records/3/alertSchedules/0/alertSettings/1/value into
// alertSchedules.alertSettings.value: the record's place in the answer and
// list positions are left out, so the same fault in several records counts
// as one reason.
func fieldName(p jsontext.Pointer) string {
	toks := strings.Split(strings.TrimPrefix(string(p), "/"), "/")
	if len(toks) >= 2 && toks[0] == "records" {
		toks = toks[2:]
	}
	var names []string
	for _, tok := range toks {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if tok == "" || strings.Trim(tok, "0123456789") == "" {
			continue
		}
		names = append(names, tok)
	}
	return strings.Join(names, ".")
}

func orRecord(field string) string {
	if field == "" {
		return "record"
	}
	return field
}

func clip(s string) string { return safetext.Cut(safetext.Line(s), maxReason) }

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

func expectKind(dec *jsontext.Decoder, want jsontext.Kind) error {
	k := dec.PeekKind()
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != want {
		return fmt.Errorf("expected %q, found %s", want, kindName(k))
	}
	return nil
}

// decodeText reads a string; other kinds are skipped, since the envelope's
// text fields are informational.
func decodeText(dec *jsontext.Decoder, dst *string) error {
	if dec.PeekKind() != '"' {
		return dec.SkipValue()
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	*dst = tok.String()
	return nil
}

// kindName names a JSON kind the way the reasons do.
func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "text"
	case '0':
		return "a number"
	case 't', 'f':
		return "true/false"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "a list"
	}
	return "nothing"
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

// fastDecoder is a record that reads itself from the stream, sharing its
// texts as it goes (EGV: see egv_decode.go).
type fastDecoder interface {
	decodeFrom(*jsontext.Decoder, *pool) error
}

func isFast[T any]() bool {
	var zero T
	_, ok := any(&zero).(fastDecoder)
	return ok
}

// sharer is a record whose repeated texts can be shared with other records.
type sharer interface{ share(*pool) }

// pool shares equal texts between the records of one answer: thousands of
// readings repeat one transmitter id, unit, device and trend, and keeping
// one copy of each cuts what a 90-day check holds by a third. Shared
// pointers are read-only, as every record field is.
type pool struct {
	strs   map[string]string
	ptrs   map[string]*string
	trends map[Trend]*Trend
}

// maxPooled bounds a pool, whatever an answer holds.
const maxPooled = 256

func newPool() *pool {
	return &pool{strs: map[string]string{}, ptrs: map[string]*string{}, trends: map[Trend]*Trend{}}
}

func (p *pool) trend(t *Trend) *Trend {
	if t == nil {
		return nil
	}
	if v, ok := p.trends[*t]; ok {
		return v
	}
	if len(p.trends) < maxPooled {
		p.trends[*t] = t
	}
	return t
}

func (p *pool) str(s string) string {
	if v, ok := p.strs[s]; ok {
		return v
	}
	if len(p.strs) < maxPooled && utf8.ValidString(s) { // text() relies on it
		p.strs[s] = s
	}
	return s
}

func (p *pool) ptr(s *string) *string {
	if s == nil {
		return nil
	}
	if v, ok := p.ptrs[*s]; ok {
		return v
	}
	if len(p.ptrs) < maxPooled {
		p.ptrs[*s] = s
	}
	return s
}
