package dexcom

import "time"

// Calibration is a fingerstick value entered to calibrate a sensor.
type Calibration struct {
	RecordID                     string    `json:"recordId"`
	SystemTime                   Timestamp `json:"systemTime"`
	DisplayTime                  Timestamp `json:"displayTime"`
	Unit                         *string   `json:"unit"`
	Value                        float64   `json:"value"` // in Unit
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

// MgDL is the value in mg/dL, converted when the unit is mmol/L.
func (c Calibration) MgDL() float64 {
	unit := ""
	if c.Unit != nil {
		unit = *c.Unit
	}
	return ToMgDL(c.Value, unit)
}

func (c Calibration) problem() string {
	if p := needID(c.RecordID); p != "" {
		return p
	}
	return needTimes(c.SystemTime, c.DisplayTime)
}
