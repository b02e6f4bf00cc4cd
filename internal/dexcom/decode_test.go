package dexcom

import (
	"bytes"
	jsonv1 "encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/tryrook/dexonboard/internal/safetext"
)

func TestDecodeRecordsDropsBadRecords(t *testing.T) {
	t.Parallel()
	const good = `{"recordId":"a","systemTime":"2025-06-10T17:20:00Z","displayTime":"2025-06-10T10:20:00-07:00","value":142.5,"unit":"mg/dL"}`
	tests := []struct {
		name    string
		body    string
		kept    int
		reasons []string
		fails   bool
	}{
		{"float value", `{"recordType":"egv","records":[` + good + `]}`, 1, nil, false},
		{"text value", `{"records":[` + good + `,{"recordId":"b","systemTime":"2025-06-10T17:25:00Z","value":"n/a"}]}`, 1, []string{"value is text, not a number"}, false},
		{"bad time", `{"records":[{"recordId":"b","systemTime":"2025-13-45T99:99:99","value":100},` + good + `]}`, 1, []string{"systemTime is not a readable time"}, false},
		{"time as number", `{"records":[{"recordId":"b","systemTime":12345,"value":100}]}`, 0, []string{"systemTime is a number, not text"}, false},
		{"no time", `{"records":[{"recordId":"b","value":100}]}`, 0, []string{"systemTime is missing"}, false},
		{"no id", `{"records":[{"systemTime":"2025-06-10T17:25:00Z"}]}`, 0, []string{"recordId is missing"}, false},
		{"bad display time", `{"records":[{"recordId":"b","systemTime":"2025-06-10T17:25:00Z","displayTime":"soon"}]}`, 0, []string{"displayTime is not a readable time"}, false},
		{"record not an object", `{"records":[7,null,` + good + `]}`, 1, []string{"record is a number, not an object", "recordId is missing"}, false},
		{"null records", `{"recordType":"egv","records":null}`, 0, nil, false},
		{"unknown fields", `{"extra":{"a":[1,2]},"records":[` + good + `],"more":true}`, 1, nil, false},
		{"not JSON", `<html>oops</html>`, 0, nil, true},
		{"not an envelope", `[1,2]`, 0, nil, true},
		{"records not a list", `{"records":{}}`, 0, nil, true},
		{"cut short", `{"records":[` + good, 0, nil, true},
		{"broken inside a record", `{"records":[{"recordId":"b",]}`, 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := decodeRecords(strings.NewReader(tt.body), "egvs", make([]EGV, 0, 4))
			if tt.fails {
				if err == nil {
					t.Fatalf("decoded %+v", r)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Records) != tt.kept {
				t.Errorf("kept %d, want %d", len(r.Records), tt.kept)
			}
			var got []string
			for _, d := range r.Dropped {
				got = append(got, d.Reason)
			}
			if strings.Join(got, "|") != strings.Join(tt.reasons, "|") {
				t.Errorf("reasons %q, want %q", got, tt.reasons)
			}
		})
	}
}

func TestEventValuesAndStatuses(t *testing.T) {
	t.Parallel()
	body := `{"records":[
	 {"recordId":"n","systemTime":"2025-06-10T17:20:00Z","eventType":"carbs","value":45,"eventStatus":"created"},
	 {"recordId":"s","systemTime":"2025-06-10T17:20:00Z","eventType":"insulin","value":"4.5"},
	 {"recordId":"x","systemTime":"2025-06-10T17:20:00Z","eventType":"note","value":"lunch late","unit":null},
	 {"recordId":"o","systemTime":"2025-06-10T17:20:00Z","eventType":"carbs","value":{"g":4}},
	 {"recordId":"q","systemTime":"2025-06-10T17:20:00Z","eventType":"carbs","eventStatus":"voided"}]}`
	r, err := decodeRecords(strings.NewReader(body), "events", make([]Event, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Records) != 3 || r.Records[0].Value != "45" || r.Records[1].Value != "4.5" || r.Records[2].EventType != EventNotes || r.Records[1].Status() != EventCreated {
		t.Fatalf("records %+v", r.Records)
	}
	if r.Dropped.String() != "1 events (value is an object, not text), 1 events (eventStatus is not created, updated or deleted)" {
		t.Errorf("dropped %s", r.Dropped.String())
	}
}

func TestMergeHonoursEventStatus(t *testing.T) {
	t.Parallel()
	at := func(s string) Timestamp { ts, _ := ParseTimestamp(s); return ts }
	ev := func(id, status, value, when string) Event {
		return Event{RecordID: id, EventStatus: status, Value: value, SystemTime: at(when), EventType: EventCarbs}
	}
	parts := []*Records[Event]{
		{Records: []Event{ev("a", "created", "40", "2025-06-10T08:00:00Z"), ev("b", "created", "10", "2025-06-10T09:00:00Z"), ev("c", "updated", "99", "2025-06-10T10:00:00Z")}},
		{Records: []Event{ev("a", "updated", "50", "2025-06-10T08:05:00Z"), ev("b", "deleted", "10", "2025-06-10T09:00:00Z"), ev("c", "created", "1", "2025-06-10T10:00:00Z")}},
	}
	start, end := at("2025-06-10T00:00:00Z").Time, at("2025-06-11T00:00:00Z").Time
	got := mergeRecords(parts, nil, nil, start, end).Records
	if len(got) != 2 || got[0].RecordID != "a" || got[0].Value != "50" || !got[0].At().Equal(at("2025-06-10T08:05:00Z").Time) || got[1].RecordID != "c" || got[1].Value != "99" {
		t.Fatalf("merged %+v", got)
	}
}

func TestDataRangeDropsUnreadableExtents(t *testing.T) {
	t.Parallel()
	body := `{"recordType":"dataRange","userId":7,
	 "egvs":{"start":{"systemTime":"2025-05-11T00:00:02Z","displayTime":"2025-05-10T17:00:02-07:00"},"end":{"systemTime":"2025-06-10T17:20:00Z","displayTime":"2025-06-10T10:20:00-07:00"}},
	 "events":{"start":{"systemTime":"yesterday"},"end":{"systemTime":"2025-06-10T18:31:00Z"}},
	 "calibrations":"none"}`
	dr, err := decodeDataRange(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if dr.EGVs == nil || dr.Events != nil || dr.Calibrations != nil || dr.RecordType != "dataRange" || dr.UserID != "" {
		t.Fatalf("%+v", dr)
	}
	if dr.Dropped.Total() != 2 {
		t.Errorf("dropped %v", dr.Dropped)
	}
}

// seeds are the simulator's golden answers (their first records: small
// inputs fuzz faster) plus the unusual cases above.
func seeds(f *testing.F, endpoint string) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "sandbox", "*-"+endpoint+".json"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var env map[string]jsonv1.RawMessage
		if err := jsonv1.Unmarshal(b, &env); err != nil {
			f.Fatal(err)
		}
		var recs []jsonv1.RawMessage
		if jsonv1.Unmarshal(env["records"], &recs) == nil && len(recs) > 2 {
			env["records"], _ = jsonv1.Marshal(recs[:2])
		}
		b, _ = jsonv1.Marshal(env)
		f.Add(b)
	}
	for _, s := range []string{
		`{"records":[{"recordId":"b","systemTime":"2025-13-45T99:99:99","value":"n/a","unit":"mmol/L","trendRate":-0.1,"rateUnit":"mmol/L/min"}]}`,
		`{"records":[{"recordId":"x","systemTime":"2021-2-3T4:5Z","displayTime":"2021-02-03T00:00:00-06:59:58","eventStatus":"deleted","value":4.5e1}]}`,
		`{"records":[{"alertSchedules":[{"alertSettings":[{"alertName":"low","value":3.9,"unit":"mmol/L","systemTime":"x"}]}]}]}`,
		`{"records":[1,"a",null,[],{}]}`, `{"records":null}`, `{}`, `[]`, `null`, ``, `{"records":[{`,
		`{"egvs":{"start":{"systemTime":"2025-05-11T00:00:02Z"},"end":{"systemTime":"2025-05-10T00:00:02Z"}},"events":null}`,
	} {
		f.Add([]byte(s))
	}
}

// fuzzDecoded checks what any decode must hold: no panic, kept records pass
// their checks, reasons are counted and printable.
func fuzzDecoded[T checked](t *testing.T, r *Records[T], err error) {
	if err != nil {
		return
	}
	for _, rec := range r.Records {
		if p := rec.problem(); p != "" {
			t.Fatalf("kept a record with a problem: %s", p)
		}
	}
	for _, d := range r.Dropped {
		if d.Count < 1 || d.Reason == "" || safetext.Has(d.Reason) || len(d.Reason) > maxReason+len("…") {
			t.Fatalf("drop %+v", d)
		}
	}
}

func FuzzDecodeEGVs(f *testing.F) {
	seeds(f, "egvs")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecords(bytes.NewReader(b), "egvs", make([]EGV, 0))
		fuzzDecoded(t, r, err)
		if err == nil {
			for _, e := range r.Records {
				_ = e.Reading().String()
				_, _ = e.RateMgDLPerMin()
			}
		}
	})
}

func FuzzDecodeEvents(f *testing.F) {
	seeds(f, "events")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecords(bytes.NewReader(b), "events", make([]Event, 0))
		fuzzDecoded(t, r, err)
		if err == nil {
			for _, e := range r.Records {
				_, _ = e.MgDL()
			}
			_ = mergeRecords([]*Records[Event]{r, r}, nil, nil, Timestamp{}.Time, NewTimestamp(Timestamp{}.Time, true).AddDate(9000, 0, 0))
		}
	})
}

func FuzzDecodeDevices(f *testing.F) {
	seeds(f, "devices")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecords(bytes.NewReader(b), "devices", make([]Device, 0))
		fuzzDecoded(t, r, err)
		if err == nil {
			for _, d := range r.Records {
				_ = d.Name()
				for _, s := range d.AlertSchedules {
					for _, a := range s.AlertSettings {
						_ = a.Threshold()
					}
				}
			}
		}
	})
}

func FuzzDecodeCalibrations(f *testing.F) {
	seeds(f, "calibrations")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecords(bytes.NewReader(b), "calibrations", make([]Calibration, 0))
		fuzzDecoded(t, r, err)
		if err == nil {
			for _, c := range r.Records {
				_ = c.MgDL()
			}
		}
	})
}

func FuzzDecodeAlerts(f *testing.F) {
	seeds(f, "alerts")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecords(bytes.NewReader(b), "alerts", make([]Alert, 0))
		fuzzDecoded(t, r, err)
	})
}

func FuzzDecodeDataRange(f *testing.F) {
	seeds(f, "dataRange")
	f.Fuzz(func(t *testing.T, b []byte) {
		dr, err := decodeDataRange(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, x := range []*Extent{dr.EGVs, dr.Events, dr.Calibrations} {
			if x != nil && x.problem() != "" {
				t.Fatalf("kept extent with problem %s", x.problem())
			}
		}
	})
}

func TestMergeDropsRepeatsAcrossWindows(t *testing.T) {
	t.Parallel()
	at := func(s string) Timestamp { ts, _ := ParseTimestamp(s); return ts }
	egv := func(id, when string) EGV { return EGV{RecordID: id, SystemTime: at(when)} }
	parts := []*Records[EGV]{
		{Records: []EGV{egv("a", "2025-06-10T08:00:00Z"), egv("b", "2025-06-10T08:05:00Z"), egv("c", "2025-06-10T08:05:00Z")}},
		{Records: []EGV{egv("b", "2025-06-10T08:05:00Z"), egv("d", "2025-06-10T08:10:00Z"), egv("a", "2025-06-10T08:00:00Z")}},
	}
	got := mergeRecords(parts, nil, nil, at("2025-06-10T00:00:00Z").Time, at("2025-06-11T00:00:00Z").Time).Records
	var ids []string
	for _, e := range got {
		ids = append(ids, e.RecordID)
	}
	if strings.Join(ids, "") != "abcd" {
		t.Fatalf("merged %v", ids)
	}
}

// FuzzEGVDecodersAgree holds the hand-written EGV reader to the
// reflection-based unmarshal of the same library: for any record, both fail
// or both read the same reading.
func FuzzEGVDecodersAgree(f *testing.F) {
	seeds(f, "egvs")
	for _, s := range []string{
		`{"recordId":"a","recordId":null,"value":1e999,"transmitterTicks":1.0}`,
		`{"record\u0049d":"a","unit":"mg\/dL","trend":null,"trend":"flat","status":7}`,
		`{"value":"151","systemTime":12,"displayTime":[],"x":{"y":[1,{"z":null}]}}`,
		`[1]`, `null`, `"egv"`, `{"transmitterId":"t","transmitterId":null,"displayApp":"G7","unit":null}`,
	} {
		f.Add([]byte(`{"records":[` + s + `]}`))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := jsontext.NewDecoder(bytes.NewReader(b), readOptions)
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
			return
		}
		for dec.PeekKind() == '"' {
			name, err := dec.ReadToken()
			if err != nil {
				return
			}
			if name.String() != "records" || dec.PeekKind() != '[' {
				if dec.SkipValue() != nil {
					return
				}
				continue
			}
			_, _ = dec.ReadToken()
			for dec.PeekKind() != ']' {
				raw, err := dec.ReadValue()
				if err != nil {
					return
				}
				raw = bytes.Clone(raw)
				var slow EGV
				slowErr := json.Unmarshal(raw, &slow, readOptions)
				var fast EGV
				fastErr := fast.decodeFrom(jsontext.NewDecoder(bytes.NewReader(raw), readOptions), newPool())
				if (slowErr == nil) != (fastErr == nil) {
					t.Fatalf("%s: reflection %v, hand-written %v", raw, slowErr, fastErr)
				}
				if slowErr == nil && !reflect.DeepEqual(slow, fast) {
					t.Fatalf("%s:\n reflection   %+v\n hand-written %+v", raw, slow, fast)
				}
			}
			return
		}
	})
}
