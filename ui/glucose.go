package ui

import (
	"fmt"
	"time"

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

func agoText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}
