package rook

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const referenceDoc = `{"client_uuid": "c-1", "user_id": "u-1", "version": 2, "document_version": 1, "auto_detected": false,
 "data_structure": "blood_glucose_event",
 "body_health": {"events": {"blood_glucose_event": [
   {"metadata": {"datetime_string": "2026-11-20T00:00:00.000000+00:00",
                 "sources_of_data_array": ["Dexcom"], "user_id_string": "u-1",
                 "was_the_user_under_physical_activity_bool": null},
    "blood_glucose": {"blood_glucose_avg_mg_per_dL_int": 128,
                      "blood_glucose_granular_data_array": [
                        {"datetime_string": "2026-11-20T00:02:31.000000+00:00", "blood_glucose_mg_per_dL_int": 121}]},
    "non_structured_data_array": []}]}}}`

func TestDecodeReferenceDocument(t *testing.T) {
	t.Parallel()
	d, err := DecodeGlucose(strings.NewReader(referenceDoc))
	if err != nil {
		t.Fatal(err)
	}
	s := d.Samples()
	if d.ClientUUID != "c-1" || d.UserID != "u-1" || d.DataStructure != BloodGlucoseStructure || d.Date() != "2026-11-20" ||
		len(s) != 1 || s[0].MgDL != 121 || !s[0].At.Equal(time.Date(2026, 11, 20, 0, 2, 31, 0, time.UTC)) ||
		d.Events[0].AvgMgDL == nil || *d.Events[0].AvgMgDL != 128 || d.Events[0].Sources[0] != "Dexcom" {
		t.Fatalf("decoded %+v", d)
	}
}

func TestDecodeDropsBadSamples(t *testing.T) {
	t.Parallel()
	doc := `{"user_id":"u","data_structure":"blood_glucose_event","extra":{"deep":[1,[2,{"x":3}]]},
	"body_health":{"events":{"other":[1],"blood_glucose_event":[
	 "not an event",
	 {"metadata":"nope","blood_glucose":{"blood_glucose_granular_data_array":[
	  {"datetime_string":"2026-11-20T00:05:00Z","blood_glucose_mg_per_dL_int":100},
	  {"datetime_string":"2026-11-20T00:10:00Z","blood_glucose_mg_per_dL_int":"high"},
	  {"datetime_string":"yesterday","blood_glucose_mg_per_dL_int":90},
	  {"blood_glucose_mg_per_dL_int":90},
	  {"datetime_string":"2026-11-20T00:20:00Z","blood_glucose_mg_per_dL_int":-5},
	  {"datetime_string":"2026-11-20T00:25:00Z","blood_glucose_mg_per_dL_int":104.6},
	  [1,2],
	  {"datetime_string":"2026-11-20T00:30","blood_glucose_mg_per_dL_int":39}
	 ]}}]}}}`
	d, err := DecodeGlucose(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if d.Readings() != 3 || d.Dropped.Total() != 7 {
		t.Fatalf("kept %d, dropped %v", d.Readings(), d.Dropped)
	}
	if got := d.Samples()[1].MgDL; got != 104.6 {
		t.Fatalf("fraction read as %v", got)
	}
}

func TestDecodeRefusesNonObjects(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "[]", "null", `"x"`, "{", `{"body_health":{"events":{"blood_glucose_event":[{]}}}`} {
		if _, err := DecodeGlucose(strings.NewReader(body)); err == nil {
			t.Errorf("%q decoded", body)
		}
	}
}

func TestDecodeCleansText(t *testing.T) {
	t.Parallel()
	d, err := DecodeGlucose(strings.NewReader(`{"user_id":"u\u001b[2J\u202e","data_structure":"x\ny"}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.UserID != "u" || d.DataStructure != "x y" {
		t.Fatalf("%q %q", d.UserID, d.DataStructure)
	}
}

func TestNewDocumentRoundTrip(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	in := []Sample{{At: day.Add(-14 * time.Hour), MgDL: 39}, {At: day.Add(-13*time.Hour + 31*time.Second), MgDL: 401}, {At: day, MgDL: 120.4}}
	b, err := json.Marshal(NewDocument("c", "u", day, in))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"datetime_string":"2026-11-20T02:00:31.000000+00:00"`)) {
		t.Fatalf("times not written as ROOK writes them: %s", b)
	}
	d, err := DecodeGlucose(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out := d.Samples()
	if len(out) != 3 || out[0].MgDL != 39 || out[1].MgDL != 401 || out[2].MgDL != 120 || !out[1].At.Equal(in[1].At) || *d.Events[0].AvgMgDL != 187 {
		t.Fatalf("round trip: %+v avg %v", out, *d.Events[0].AvgMgDL)
	}
}

func FuzzDecodeGlucose(f *testing.F) {
	f.Add([]byte(referenceDoc))
	f.Add([]byte(`{"body_health":{"events":{"blood_glucose_event":[{"blood_glucose":{"blood_glucose_granular_data_array":[{"datetime_string":"2026-11-20T00:00:00Z","blood_glucose_mg_per_dL_int":1e308}]}}]}}}`))
	f.Add([]byte(`{"body_health":null}`))
	f.Add([]byte(`{"body_health":{"events":{"blood_glucose_event":[[[[[]]]]]}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodeGlucose(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 0
		for _, s := range d.Samples() {
			if s.At.IsZero() || s.MgDL < 0 || s.MgDL > 10_000 || s.MgDL != s.MgDL {
				t.Fatalf("kept an unusable sample %+v", s)
			}
			n++
		}
		if n != d.Readings() || d.Dropped.Total() < 0 {
			t.Fatalf("counts disagree: %d samples, Readings %d", n, d.Readings())
		}
		for _, v := range []string{d.UserID, d.ClientUUID, d.DataStructure} {
			if strings.ContainsAny(v, "\x1b\n\r\x00") {
				t.Fatalf("uncleaned text %q", v)
			}
		}
	})
}
