package dexcom

import "time"

// Calibration is a fingerstick value entered to calibrate a sensor.
type Calibration struct {
	RecordID                     string    `json:"recordId"`
	SystemTime                   Timestamp `json:"systemTime"`
	DisplayTime                  Timestamp `json:"displayTime"`
	Unit                         *string   `json:"unit"`
	Value                        int       `json:"value"`
	DisplayDevice                string    `json:"displayDevice"`
	TransmitterID                *string   `json:"transmitterId"`
	TransmitterTicks             int64     `json:"transmitterTicks"`
	TransmitterGeneration        string    `json:"transmitterGeneration"`
	TransmitterGenerationVariant string    `json:"transmitterGenerationVariant,omitempty"`
}

// ID is the record id.
func (c Calibration) ID() string { return c.RecordID }

// At is the UTC time of the calibration.
func (c Calibration) At() time.Time { return c.SystemTime.Time }
