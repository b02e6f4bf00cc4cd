package rook

import (
	"math"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// The blood_glucose_event document, as ROOK's pull API returns it and its
// webhook delivers it (reference §3). These types write it; DecodeGlucose
// reads it tolerantly.

// BloodGlucoseStructure is the document's data_structure.
const BloodGlucoseStructure = "blood_glucose_event"

// Document is a blood_glucose_event document.
type Document struct {
	ClientUUID      string `json:"client_uuid"`
	UserID          string `json:"user_id"`
	Version         int    `json:"version"`
	DocumentVersion int    `json:"document_version"`
	AutoDetected    bool   `json:"auto_detected"`
	DataStructure   string `json:"data_structure"`
	// Datetime is when the document was sent (set on delivery); webhook v2
	// signs it into x-rook-hash.
	Datetime   string     `json:"datetime,omitempty"`
	BodyHealth BodyHealth `json:"body_health"`
}

// BodyHealth is the document's pillar.
type BodyHealth struct {
	Events BodyHealthEvents `json:"events"`
}

// BodyHealthEvents holds the glucose events.
type BodyHealthEvents struct {
	BloodGlucoseEvent []GlucoseEventDoc `json:"blood_glucose_event"`
}

// GlucoseEventDoc is one event: its metadata and its granular samples.
type GlucoseEventDoc struct {
	Metadata          EventMetadata `json:"metadata"`
	BloodGlucose      GlucoseData   `json:"blood_glucose"`
	NonStructuredData []any         `json:"non_structured_data_array"`
}

// EventMetadata says when, for whom and from where.
type EventMetadata struct {
	DatetimeString   string   `json:"datetime_string"`
	SourcesOfData    []string `json:"sources_of_data_array"`
	UserIDString     string   `json:"user_id_string"`
	UnderPhysicalAct *bool    `json:"was_the_user_under_physical_activity_bool"`
}

// GlucoseData is the average and the samples.
type GlucoseData struct {
	AvgMgPerDL int             `json:"blood_glucose_avg_mg_per_dL_int"`
	Granular   []GranularEntry `json:"blood_glucose_granular_data_array"`
}

// GranularEntry is one sample.
type GranularEntry struct {
	DatetimeString string `json:"datetime_string"`
	MgPerDL        int    `json:"blood_glucose_mg_per_dL_int"`
}

// TimeLayout is how ROOK writes times: microseconds and a numeric offset.
const TimeLayout = "2006-01-02T15:04:05.000000-07:00"

// FormatTime writes t as ROOK does, in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// Sample is one glucose reading.
type Sample struct {
	At   time.Time
	MgDL float64
}

// NewDocument builds the document for one user and one UTC day from
// samples (one event for the day, its average rounded).
func NewDocument(clientUUID, userID string, day time.Time, samples []Sample) Document {
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	ev := GlucoseEventDoc{
		Metadata:          EventMetadata{DatetimeString: FormatTime(day), SourcesOfData: []string{Dexcom}, UserIDString: userID},
		BloodGlucose:      GlucoseData{Granular: make([]GranularEntry, 0, len(samples))},
		NonStructuredData: []any{},
	}
	sum := 0.0
	for _, s := range samples {
		ev.BloodGlucose.Granular = append(ev.BloodGlucose.Granular,
			GranularEntry{DatetimeString: FormatTime(s.At), MgPerDL: int(math.Round(s.MgDL))})
		sum += s.MgDL
	}
	if len(samples) > 0 {
		ev.BloodGlucose.AvgMgPerDL = int(math.Round(sum / float64(len(samples))))
	}
	return Document{ClientUUID: clientUUID, UserID: userID, Version: 2, DocumentVersion: 1,
		DataStructure: BloodGlucoseStructure,
		BodyHealth:    BodyHealth{Events: BodyHealthEvents{BloodGlucoseEvent: []GlucoseEventDoc{ev}}}}
}

// SamplesFromEGVs turns Dexcom readings into ROOK samples as ROOK is
// inferred to: the device's UTC time and the value in mg/dL. A reading
// with no value keeps Dexcom's own stand-in when its status says low (39)
// or high (401); with neither it is left out, as ROOK may leave it.
func SamplesFromEGVs(egvs []dexcom.EGV) []Sample {
	out := make([]Sample, 0, len(egvs))
	for _, e := range egvs {
		v, ok := e.MgDL()
		if !ok {
			switch e.Reading().Bound {
			case dexcom.Below:
				v, ok = dexcom.ValueBelowRange, true
			case dexcom.Above:
				v, ok = dexcom.ValueAboveRange, true
			}
		}
		if !ok {
			continue
		}
		out = append(out, Sample{At: e.SystemTime.Time.UTC(), MgDL: v})
	}
	return out
}
