package dexcom

import "time"

// Alert is one alert the display device raised.
type Alert struct {
	RecordID                     string    `json:"recordId"`
	SystemTime                   Timestamp `json:"systemTime"`
	DisplayTime                  Timestamp `json:"displayTime"`
	AlertName                    string    `json:"alertName"`
	AlertState                   string    `json:"alertState"`
	DisplayDevice                string    `json:"displayDevice"`
	TransmitterGeneration        string    `json:"transmitterGeneration"`
	TransmitterGenerationVariant string    `json:"transmitterGenerationVariant,omitempty"`
	TransmitterID                *string   `json:"transmitterId"`
	DisplayApp                   *string   `json:"displayApp"`
}

// ID is the record id.
func (a Alert) ID() string { return a.RecordID }

// At is the UTC time of the alert.
func (a Alert) At() time.Time { return a.SystemTime.Time }

func (a Alert) problem() string {
	if p := needID(a.RecordID); p != "" {
		return p
	}
	return needTimes(a.SystemTime, a.DisplayTime)
}
