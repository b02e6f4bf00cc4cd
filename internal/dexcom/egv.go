package dexcom

import (
	"math"
	"strconv"
	"time"
)

// Trend is the arrow Dexcom shows. Unknown values are kept as they came.
type Trend string

// Documented trends.
const (
	TrendNone           Trend = "none"
	TrendUnknown        Trend = "unknown"
	TrendDoubleUp       Trend = "doubleUp"
	TrendSingleUp       Trend = "singleUp"
	TrendFortyFiveUp    Trend = "fortyFiveUp"
	TrendFlat           Trend = "flat"
	TrendFortyFiveDown  Trend = "fortyFiveDown"
	TrendSingleDown     Trend = "singleDown"
	TrendDoubleDown     Trend = "doubleDown"
	TrendNotComputable  Trend = "notComputable"
	TrendRateOutOfRange Trend = "rateOutOfRange"
)

// TrendForRate maps a rate in mg/dL/min to its documented band.
func TrendForRate(r float64) Trend {
	switch {
	case r >= 3 && r <= 8:
		return TrendDoubleUp
	case r >= 2 && r < 3:
		return TrendSingleUp
	case r >= 1 && r < 2:
		return TrendFortyFiveUp
	case r > -1 && r < 1:
		return TrendFlat
	case r > -2 && r <= -1:
		return TrendFortyFiveDown
	case r > -3 && r <= -2:
		return TrendSingleDown
	case r > -8 && r <= -3:
		return TrendDoubleDown
	}
	return TrendRateOutOfRange
}

// Measuring range of Dexcom sensors; 39 and 401 stand for "below" and "above".
const (
	ValueBelowRange = 39
	ValueAboveRange = 401
	MinMeasurable   = 40
	MaxMeasurable   = 400
)

// Bound says whether a reading is a number or beyond the measuring range.
type Bound int

// Bounds of a reading.
const (
	Exact   Bound = iota
	Below         // below 40 mg/dL: shown as LOW
	Above         // above 400 mg/dL: shown as HIGH
	NoValue       // no value and no status
)

// Reading is an EGV's value as a person should read it.
type Reading struct {
	MgDL  float64 // 40 for Below, 400 for Above: the limit, usable in maths
	Bound Bound
}

// String reads "below 40", "above 400" or the number.
func (r Reading) String() string {
	switch r.Bound {
	case Below:
		return "below 40"
	case Above:
		return "above 400"
	case NoValue:
		return "no value"
	}
	return strconv.FormatFloat(math.Round(r.MgDL), 'f', 0, 64)
}

// EGV is one estimated glucose value (a CGM reading).
type EGV struct {
	RecordID                     string    `json:"recordId"`
	SystemTime                   Timestamp `json:"systemTime"`
	DisplayTime                  Timestamp `json:"displayTime"`
	TransmitterID                *string   `json:"transmitterId"`
	TransmitterTicks             int64     `json:"transmitterTicks"`
	Value                        *float64  `json:"value"` // in Unit; a number, not always whole
	Status                       *string   `json:"status"`
	Trend                        *Trend    `json:"trend"`
	TrendRate                    *float64  `json:"trendRate"`
	Unit                         string    `json:"unit"`
	RateUnit                     string    `json:"rateUnit"`
	DisplayDevice                string    `json:"displayDevice"`
	TransmitterGeneration        string    `json:"transmitterGeneration"`
	TransmitterGenerationVariant string    `json:"transmitterGenerationVariant,omitempty"`
	DisplayApp                   *string   `json:"displayApp"`
}

// ID is the record id.
func (e EGV) ID() string { return e.RecordID }

// At is the device's UTC time of the reading.
func (e EGV) At() time.Time { return e.SystemTime.Time }

// MgDL is the value in mg/dL, converted when the record's unit is mmol/L;
// false when there is no value.
func (e EGV) MgDL() (float64, bool) {
	if e.Value == nil {
		return 0, false
	}
	return ToMgDL(*e.Value, e.Unit), true
}

// RateMgDLPerMin is the trend rate in mg/dL/min, converted when rateUnit is
// mmol/L/min; false when there is no rate.
func (e EGV) RateMgDLPerMin() (float64, bool) {
	if e.TrendRate == nil {
		return 0, false
	}
	return ToMgDL(*e.TrendRate, e.RateUnit), true
}

// Reading interprets value and status: 39 or status "low" is below 40, 401 or
// status "high" is above 400, whether value is present or null.
func (e EGV) Reading() Reading {
	status := ""
	if e.Status != nil {
		status = *e.Status
	}
	v, ok := e.MgDL()
	switch {
	case status == "low" || (ok && v < MinMeasurable):
		return Reading{MgDL: MinMeasurable, Bound: Below}
	case status == "high" || (ok && v > MaxMeasurable):
		return Reading{MgDL: MaxMeasurable, Bound: Above}
	case !ok:
		return Reading{Bound: NoValue}
	}
	return Reading{MgDL: v}
}

func (e EGV) problem() string {
	if p := needID(e.RecordID); p != "" {
		return p
	}
	if p := needTimes(e.SystemTime, e.DisplayTime); p != "" {
		return p
	}
	if e.Value != nil && (math.IsNaN(*e.Value) || math.IsInf(*e.Value, 0) || *e.Value < 0) {
		return "value is not a glucose value"
	}
	return ""
}

// TrendOrUnknown is the trend, or "unknown" when absent.
func (e EGV) TrendOrUnknown() Trend {
	if e.Trend == nil {
		return TrendUnknown
	}
	return *e.Trend
}

func (e *EGV) share(p *pool) {
	e.TransmitterID, e.Status, e.DisplayApp = p.ptr(e.TransmitterID), p.ptr(e.Status), p.ptr(e.DisplayApp)
	e.Trend = p.trend(e.Trend)
	e.Unit, e.RateUnit, e.DisplayDevice = p.str(e.Unit), p.str(e.RateUnit), p.str(e.DisplayDevice)
	e.TransmitterGeneration, e.TransmitterGenerationVariant = p.str(e.TransmitterGeneration), p.str(e.TransmitterGenerationVariant)
}
