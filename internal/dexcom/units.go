package dexcom

import "strings"

// MgDLPerMmolL converts mmol/L to mg/dL. Dexcom gives no factor; 18.0182 is
// the common one (see the reference). mg/dL stays the stored truth.
const MgDLPerMmolL = 18.0182

// Units Dexcom may name. The API is documented to send mg/dL, but a record
// that says mmol/L is read as mmol/L.
const (
	UnitMgDL        = "mg/dL"
	UnitMmolL       = "mmol/L"
	UnitMgDLPerMin  = "mg/dL/min"
	UnitMmolLPerMin = "mmol/L/min"
)

// IsMmol reports whether unit is mmol/L or mmol/L/min.
func IsMmol(unit string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(unit)), "mmol/l")
}

// ToMgDL converts v from unit to mg/dL (or mg/dL/min); other units, empty
// and "unknown" leave it as it is.
func ToMgDL(v float64, unit string) float64 {
	if IsMmol(unit) {
		return v * MgDLPerMmolL
	}
	return v
}

// needID is the problem of a record without an id.
func needID(id string) string {
	if strings.TrimSpace(id) == "" {
		return "recordId is missing"
	}
	return ""
}

// needTimes is the problem of a record whose systemTime or displayTime is
// missing or unreadable.
func needTimes(system, display Timestamp) string {
	switch {
	case !system.Valid():
		return "systemTime is not a readable time"
	case !system.Present():
		return "systemTime is missing"
	case !display.Valid():
		return "displayTime is not a readable time"
	}
	return ""
}
