package sandbox

import (
	"encoding/json"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// Quirks are answers that are valid for Dexcom but unusual, served when
// Config.Quirks is on so clients can be tested against them (Tidepool's
// client meets each of them in production). Every day of data has:
//
//   - EGVs: one record whose value is text ("n/a") and one whose systemTime
//     is not a time (both to be dropped); an hour of readings in mmol/L
//     (unit mmol/L, rateUnit mmol/L/min, one decimal); an hour of
//     fractional mg/dL values (e.g. 142.4).
//   - Events: the first meal's carbs with a numeric value (45, not "45");
//     the second meal's carbs sent again as "updated" with 10 g more; the
//     third meal's fast insulin sent again as "deleted"; a note with
//     eventType "note"; a bloodGlucose event in mmol/L.
//   - Calibrations: the evening one fractional, the morning one in mmol/L.
//   - Devices: the low and urgentLow alert settings in mmol/L (3.9, 3.1).
//
// Quirk slots are fixed per UTC day: slot = seconds since the epoch / 300,
// taken modulo 288 readings a day.
const (
	quirkTextValue = 6  // 00:30 UTC: value "n/a"
	quirkBadTime   = 18 // 01:30 UTC: systemTime "2025-13-45T99:99:99"
	quirkMmolFrom  = 30 // 02:30-03:30 UTC: mmol/L
	quirkFracFrom  = 60 // 05:00-06:00 UTC: fractional mg/dL
	quirkHour      = 12
	quirkBadTimeAs = "2025-13-45T99:99:99"
)

// quirkUpdatedExtra is what an updated carbs event adds, in grams.
const quirkUpdatedExtra = 10

// quirkEGVs yields the readings with the day's quirks applied; text values
// need raw JSON, so it yields any.
func quirkEGVs(recs iter.Seq[dexcom.EGV]) iter.Seq[any] {
	return func(yield func(any) bool) {
		for e := range recs {
			if !yield(quirkEGV(e)) {
				return
			}
		}
	}
}

func quirkEGV(e dexcom.EGV) any {
	slot := (e.At().Unix() / int64(cadence/time.Second)) % 288
	exact := e.Status == nil && e.Value != nil
	switch {
	case slot == quirkTextValue:
		return withField(e, "value", `"n/a"`)
	case slot == quirkBadTime:
		e.SystemTime = dexcom.Timestamp{Raw: quirkBadTimeAs}
	case slot >= quirkMmolFrom && slot < quirkMmolFrom+quirkHour && exact:
		e.Value = ptr(round(*e.Value/dexcom.MgDLPerMmolL, 1))
		e.Unit = dexcom.UnitMmolL
		if e.TrendRate != nil {
			e.TrendRate = ptr(round(*e.TrendRate/dexcom.MgDLPerMmolL, 2))
		}
		e.RateUnit = dexcom.UnitMmolLPerMin
	case slot >= quirkFracFrom && slot < quirkFracFrom+quirkHour && exact:
		e.Value = ptr(*e.Value + 0.4)
	}
	return e
}

// quirkEvents returns the events with the day's quirks added.
func (g generator) quirkEvents(start, end time.Time) []any {
	recs := g.events(start, end)
	out := make([]any, 0, len(recs)+8)
	for _, e := range recs {
		day := g.dayOf(e.At())
		switch e.RecordID {
		case g.uuid("event/carbs", day, 0):
			out = append(out, withField(e, "value", e.Value))
		case g.uuid("event/carbs", day, 1):
			u := e
			u.EventStatus = dexcom.EventUpdated
			n, _ := e.Amount()
			u.Value = formatAmount(n + quirkUpdatedExtra)
			out = append(out, e, u)
		case g.uuid("event/insulin", day, 2):
			d := e
			d.EventStatus = dexcom.EventDeleted
			out = append(out, e, d)
		default:
			out = append(out, e)
		}
	}
	for _, e := range g.quirkExtraEvents(start, end) {
		out = append(out, e)
	}
	return out
}

// quirkExtraEvents are the events quirks add in [start, end): a note and a
// blood glucose entered in mmol/L each day.
func (g generator) quirkExtraEvents(start, end time.Time) []dexcom.Event {
	if !g.user.Events {
		return nil
	}
	var extra []dexcom.Event
	for _, day := range g.days(start, end) {
		ms := g.meals(day)
		note := g.event("note", day, 0, ms[1].at.Add(time.Hour), "note", nil, "sandbox quirk: eventType note", "")
		note.Unit = nil
		bg := g.event("bg", day, 0, ms[0].at.Add(-10*time.Minute), dexcom.EventBloodGlucose, nil, "6.1", dexcom.UnitMmolL)
		for _, e := range []dexcom.Event{note, bg} {
			if !e.At().Before(start) && e.At().Before(end) {
				extra = append(extra, e)
			}
		}
	}
	return extra
}

// quirkEventTimes is every event of [start, end), the quirks' own included,
// in time order: what dataRange's events extent must cover.
func (g generator) quirkEventTimes(start, end time.Time) []dexcom.Event {
	all := append(g.events(start, end), g.quirkExtraEvents(start, end)...)
	slices.SortFunc(all, func(a, b dexcom.Event) int { return a.At().Compare(b.At()) })
	return all
}

// quirkCalibrations makes the evening calibration fractional and the
// morning one mmol/L.
func (g generator) quirkCalibrations(recs []dexcom.Calibration) []dexcom.Calibration {
	for i, c := range recs {
		day := g.dayOf(c.At())
		switch c.RecordID {
		case g.uuid("calibration", day, 0):
			recs[i].Value = round(c.Value/dexcom.MgDLPerMmolL, 1)
			recs[i].Unit = ptr(dexcom.UnitMmolL)
		case g.uuid("calibration", day, 1):
			recs[i].Value = c.Value + 0.5
		}
	}
	return recs
}

// quirkDevice sets the low alerts in mmol/L, as on a device set to mmol/L.
func quirkDevice(d dexcom.Device) dexcom.Device {
	for i := range d.AlertSchedules {
		for j, a := range d.AlertSchedules[i].AlertSettings {
			switch a.AlertName {
			case "low":
				a.Value, a.Unit = 3.9, dexcom.UnitMmolL
			case "urgentLow":
				a.Value, a.Unit = 3.1, dexcom.UnitMmolL
			}
			d.AlertSchedules[i].AlertSettings[j] = a
		}
	}
	return d
}

// withField is v as JSON with one field's raw JSON replaced.
func withField(v any, field, raw string) json.RawMessage {
	b, _ := json.Marshal(v)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	m[field] = json.RawMessage(raw)
	b, _ = json.Marshal(m)
	return b
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

func formatAmount(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
