package dexcom

import "github.com/tryrook/dexonboard/internal/safetext"

// Device is a display device (receiver or phone app) and its alert schedules.
type Device struct {
	LastUploadDate               *Timestamp      `json:"lastUploadDate,omitempty"`
	TransmitterID                *string         `json:"transmitterId"`
	TransmitterGeneration        string          `json:"transmitterGeneration"`
	TransmitterGenerationVariant string          `json:"transmitterGenerationVariant,omitempty"`
	DisplayDevice                string          `json:"displayDevice"`
	DisplayApp                   *string         `json:"displayApp"`
	AlertSchedules               []AlertSchedule `json:"alertSchedules"`
}

// Name is a short label such as "G7 on iOS" or "G6 receiver".
func (d Device) Name() string {
	gen := d.TransmitterGeneration
	switch gen {
	case "g7", "g715day":
		gen = "G7"
	case "g6", "g6+":
		gen = "G6"
	case "g6Pro", "g6 pro":
		gen = "G6 Pro"
	case "":
		gen = "CGM"
	default:
		gen = safetext.Line(gen) // an unknown generation is shown as Dexcom sent it
	}
	if d.DisplayApp != nil && *d.DisplayApp == "DexcomOne" {
		gen = "Dexcom ONE"
	}
	switch d.DisplayDevice {
	case "receiver", "shareReceiver", "touchscreenReceiver":
		return gen + " receiver"
	case "iOS", "android":
		return gen + " on " + d.DisplayDevice
	}
	return gen
}

// AlertSchedule is a named set of alert settings active on some days and hours.
type AlertSchedule struct {
	AlertScheduleSettings AlertScheduleSettings `json:"alertScheduleSettings"`
	AlertSettings         []AlertSetting        `json:"alertSettings"`
}

// AlertScheduleSettings says when a schedule applies.
type AlertScheduleSettings struct {
	AlertScheduleName string    `json:"alertScheduleName"`
	IsEnabled         bool      `json:"isEnabled"`
	IsDefaultSchedule bool      `json:"isDefaultSchedule"`
	StartTime         string    `json:"startTime"`
	EndTime           string    `json:"endTime"`
	DaysOfWeek        []string  `json:"daysOfWeek"`
	IsActive          *bool     `json:"isActive"`
	Override          *Override `json:"override"`
}

// Override temporarily silences alerts.
type Override struct {
	IsOverrideEnabled bool       `json:"isOverrideEnabled"`
	Mode              string     `json:"mode"`
	EndTime           *Timestamp `json:"endTime"`
}

// AlertSetting is one alert's threshold and sound.
type AlertSetting struct {
	AlertName                 string    `json:"alertName"`
	Value                     float64   `json:"value"` // in Unit: mg/dL, mmol/L, per minute, minutes
	Unit                      string    `json:"unit"`
	Snooze                    int       `json:"snooze"`
	Enabled                   bool      `json:"enabled"`
	SystemTime                Timestamp `json:"systemTime"`
	DisplayTime               Timestamp `json:"displayTime"`
	Delay                     *int      `json:"delay,omitempty"`
	SecondaryTriggerCondition *int      `json:"secondaryTriggerCondition,omitempty"`
	SoundTheme                *string   `json:"soundTheme,omitempty"`
	SoundOutputMode           *string   `json:"soundOutputMode,omitempty"`
}

// Threshold is the value in mg/dL (or mg/dL/min), converted when the unit is
// mmol/L (or mmol/L/min); other units (minutes) are returned as they are.
func (a AlertSetting) Threshold() float64 { return ToMgDL(a.Value, a.Unit) }

func (d Device) problem() string {
	if d.LastUploadDate != nil && !d.LastUploadDate.Valid() {
		return "lastUploadDate is not a readable time"
	}
	for _, s := range d.AlertSchedules {
		if o := s.AlertScheduleSettings.Override; o != nil && o.EndTime != nil && !o.EndTime.Valid() {
			return "alertScheduleSettings.override.endTime is not a readable time"
		}
		for _, a := range s.AlertSettings {
			if !a.SystemTime.Valid() || !a.DisplayTime.Valid() {
				return "alertSettings time is not a readable time"
			}
		}
	}
	return ""
}
