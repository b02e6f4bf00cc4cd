package dexcom

import (
	"strconv"
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

// Event is a user-entered event: carbs, insulin, exercise, health, notes.
type Event struct {
	RecordID                     string     `json:"recordId"`
	SystemTime                   Timestamp  `json:"systemTime"`
	DisplayTime                  Timestamp  `json:"displayTime"`
	EventStatus                  string     `json:"eventStatus"`
	EventType                    string     `json:"eventType"`
	EventSubType                 *string    `json:"eventSubType"`
	Value                        string     `json:"value"` // a string in v3, even for numbers
	Unit                         *string    `json:"unit"`
	TransmitterID                *string    `json:"transmitterId"`
	TransmitterGeneration        string     `json:"transmitterGeneration"`
	TransmitterGenerationVariant string     `json:"transmitterGenerationVariant,omitempty"`
	DisplayDevice                string     `json:"displayDevice"`
	RecordedSystemTime           *Timestamp `json:"recordedSystemTime,omitempty"`
	RecordedDisplayTime          *Timestamp `json:"recordedDisplayTime,omitempty"`
}

// ID is the record id.
func (e Event) ID() string { return e.RecordID }

// At is the UTC time of the event.
func (e Event) At() time.Time { return e.SystemTime.Time }

// Amount reads the value as a number; ok is false for notes and bad values.
func (e Event) Amount() (float64, bool) {
	f, err := strconv.ParseFloat(e.Value, 64)
	return f, err == nil
}
