package dexcom

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Event types Dexcom documents; others are kept as they came.
const (
	EventCarbs        = "carbs"
	EventInsulin      = "insulin"
	EventExercise     = "exercise"
	EventHealth       = "health"
	EventBloodGlucose = "bloodGlucose"
	EventNotes        = "notes"
)

// Event statuses: a deleted event is not shown, an updated one replaces the
// earlier record of the same id.
const (
	EventCreated = "created"
	EventUpdated = "updated"
	EventDeleted = "deleted"
)

// Event is a user-entered event: carbs, insulin, exercise, health, notes.
type Event struct {
	RecordID                     string     `json:"recordId"`
	SystemTime                   Timestamp  `json:"systemTime"`
	DisplayTime                  Timestamp  `json:"displayTime"`
	EventStatus                  string     `json:"eventStatus"`
	EventType                    string     `json:"eventType"`
	EventSubType                 *string    `json:"eventSubType"`
	Value                        string     `json:"value"` // a string in v3; a number is read as its text
	Unit                         *string    `json:"unit"`
	TransmitterID                *string    `json:"transmitterId"`
	TransmitterGeneration        string     `json:"transmitterGeneration"`
	TransmitterGenerationVariant string     `json:"transmitterGenerationVariant,omitempty"`
	DisplayDevice                string     `json:"displayDevice"`
	RecordedSystemTime           *Timestamp `json:"recordedSystemTime,omitempty"`
	RecordedDisplayTime          *Timestamp `json:"recordedDisplayTime,omitempty"`
}

// UnmarshalJSON reads value as text whether Dexcom sent a string or a number,
// and eventType "note" (seen live) as "notes".
func (e *Event) UnmarshalJSON(b []byte) error {
	type plain Event
	aux := struct {
		*plain
		Value json.RawMessage `json:"value"`
	}{plain: (*plain)(e)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	v, err := eventValue(aux.Value)
	if err != nil {
		return err
	}
	e.Value = v
	if e.EventType == "note" {
		e.EventType = EventNotes
	}
	return nil
}

func eventValue(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", nil
	}
	switch kind := jsonKind(raw); kind {
	case "null":
		return "", nil
	case "string":
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case "number":
		return string(raw), nil
	default:
		return "", &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[string](), Field: "value"}
	}
}

// ID is the record id.
func (e Event) ID() string { return e.RecordID }

// At is the UTC time of the event.
func (e Event) At() time.Time { return e.SystemTime.Time }

// Status is the event's status; an absent one reads as created.
func (e Event) Status() string {
	if e.EventStatus == "" {
		return EventCreated
	}
	return e.EventStatus
}

// Amount reads the value as a number; ok is false for notes and bad values.
func (e Event) Amount() (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(e.Value), 64)
	return f, err == nil
}

// MgDL is a bloodGlucose event's value in mg/dL, converted when its unit is
// mmol/L; false for other events and unreadable values.
func (e Event) MgDL() (float64, bool) {
	v, ok := e.Amount()
	if !ok || e.EventType != EventBloodGlucose {
		return 0, false
	}
	unit := ""
	if e.Unit != nil {
		unit = *e.Unit
	}
	return ToMgDL(v, unit), true
}

func (e Event) problem() string {
	if p := needID(e.RecordID); p != "" {
		return p
	}
	if p := needTimes(e.SystemTime, e.DisplayTime); p != "" {
		return p
	}
	switch e.Status() {
	case EventCreated, EventUpdated, EventDeleted:
		return ""
	}
	return "eventStatus is not created, updated or deleted"
}
