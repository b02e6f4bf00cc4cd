package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
)

// trendArrows maps Dexcom's trends to arrows.
var trendArrows = map[dexcom.Trend]string{
	dexcom.TrendDoubleUp: "⇈", dexcom.TrendSingleUp: "↑", dexcom.TrendFortyFiveUp: "↗", dexcom.TrendFlat: "→",
	dexcom.TrendFortyFiveDown: "↘", dexcom.TrendSingleDown: "↓", dexcom.TrendDoubleDown: "⇊",
}

// TrendArrow is the arrow of a trend, or "?" when none is computed.
func TrendArrow(t dexcom.Trend) string {
	if a, ok := trendArrows[t]; ok {
		return a
	}
	return "?"
}

// ReadingText shows a reading: LOW, HIGH or the value in the unit.
func ReadingText(e dexcom.EGV, u glucose.Unit) string {
	r := e.Reading()
	switch r.Bound {
	case dexcom.Below:
		return "LOW"
	case dexcom.Above:
		return "HIGH"
	case dexcom.NoValue:
		return "—"
	}
	return u.Format(float64(r.MgDL))
}

// glucoseSummary is the data shown after a verified connection: the latest
// reading, the figures and the newest readings. Built once per result.
type glucoseSummary struct {
	text string
}

func newGlucoseSummary(th Theme, v *connect.Verification, now time.Time, width int) glucoseSummary {
	if v == nil || len(v.EGVs) == 0 {
		return glucoseSummary{}
	}
	var b strings.Builder
	latest := v.Latest()
	device := ""
	if d := v.Device(); d != nil {
		device = " · " + d.Name()
	}
	b.WriteString(th.Header.Render("Glucose data") + th.Muted.Render(device) + "\n")
	b.WriteString(fmt.Sprintf("  %s %s %s  %s\n", th.Title.Render(ReadingText(*latest, glucose.MgDL)), "mg/dL",
		TrendArrow(latest.TrendOrUnknown()), th.Muted.Render(agoText(now.Sub(latest.SystemTime.Time))+" ago")))
	st := glucose.Compute(glucose.Readings(v.EGVs), v.Window.End.Sub(v.Window.Start))
	b.WriteString(fmt.Sprintf("  %d readings · mean %.0f · SD %.0f · CV %.0f%% · GMI %.1f%% · in range %.0f%%\n",
		st.Count, st.Mean, st.SD, st.CV, st.GMI, st.Ranges.InRange))
	b.WriteString(th.Muted.Render("  time              value  trend") + "\n")
	n := min(5, len(v.EGVs))
	for i := len(v.EGVs) - 1; i >= len(v.EGVs)-n; i-- {
		e := v.EGVs[i]
		b.WriteString(fmt.Sprintf("  %-16s  %5s  %s\n", e.DisplayTime.Format("2006-01-02 15:04"), ReadingText(e, glucose.MgDL), TrendArrow(e.TrendOrUnknown())))
	}
	return glucoseSummary{text: b.String()}
}

func agoText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}
