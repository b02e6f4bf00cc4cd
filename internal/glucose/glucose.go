// Package glucose computes the international consensus CGM metrics (Battelino
// et al., Diabetes Care 2019) from Dexcom readings: mean, SD, CV, GMI, time
// in ranges, sensor activity and the AGP percentiles.
package glucose

import (
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// MmolFactor converts mg/dL to mmol/L (display only; mg/dL stays the truth).
const MmolFactor = dexcom.MgDLPerMmolL

// Unit is how values are shown.
type Unit int

// Units.
const (
	MgDL Unit = iota
	MmolL
)

func (u Unit) String() string {
	if u == MmolL {
		return "mmol/L"
	}
	return "mg/dL"
}

// Format shows a mg/dL value in the unit: whole mg/dL, mmol/L to one decimal.
func (u Unit) Format(mgdl float64) string {
	if u == MmolL {
		return strconv.FormatFloat(mgdl/MmolFactor, 'f', 1, 64)
	}
	return strconv.FormatFloat(mgdl, 'f', 0, 64)
}

// Reading is one value for the maths: mg/dL, with LOW (39) and HIGH (401)
// counted at the limit they stand for (40 and 400).
type Reading struct {
	At    time.Time
	MgDL  float64
	Bound dexcom.Bound
}

// Readings turns EGVs into readings, dropping those with no value.
func Readings(egvs []dexcom.EGV) []Reading {
	out := make([]Reading, 0, len(egvs))
	for _, e := range egvs {
		r := e.Reading()
		if r.Bound == dexcom.NoValue {
			continue
		}
		out = append(out, Reading{At: e.SystemTime.Time, MgDL: float64(r.MgDL), Bound: r.Bound})
	}
	return out
}

// Ranges are the consensus bands, in percent of readings.
type Ranges struct {
	VeryLow  float64 `json:"below_54"`     // < 54
	Low      float64 `json:"from_54_69"`   // 54–69
	InRange  float64 `json:"from_70_180"`  // 70–180
	High     float64 `json:"from_181_250"` // 181–250
	VeryHigh float64 `json:"above_250"`    // > 250
}

// Stats are the figures shown for a window.
type Stats struct {
	Count        int     `json:"count"`
	SensorActive float64 `json:"sensor_active_pct"` // readings / expected 5-minute readings
	Mean         float64 `json:"mean_mgdl"`
	SD           float64 `json:"sd_mgdl"`
	CV           float64 `json:"cv_pct"`
	GMI          float64 `json:"gmi_pct"`
	Min          float64 `json:"min_mgdl"`
	Max          float64 `json:"max_mgdl"`
	Ranges       Ranges  `json:"time_in_ranges_pct"`
}

// Compute works out the figures of rs over a window of the given length.
func Compute(rs []Reading, window time.Duration) Stats {
	st := Stats{Count: len(rs)}
	if len(rs) == 0 {
		return st
	}
	var sum float64
	st.Min, st.Max = math.Inf(1), math.Inf(-1)
	var vlow, low, in, high, vhigh int
	for _, r := range rs {
		v := r.MgDL
		sum += v
		st.Min, st.Max = math.Min(st.Min, v), math.Max(st.Max, v)
		switch {
		case v < 54:
			vlow++
		case v < 70:
			low++
		case v <= 180:
			in++
		case v <= 250:
			high++
		default:
			vhigh++
		}
	}
	n := float64(len(rs))
	st.Mean = sum / n
	if len(rs) > 1 {
		var ss float64
		for _, r := range rs {
			d := r.MgDL - st.Mean
			ss += d * d
		}
		st.SD = math.Sqrt(ss / (n - 1)) // sample SD, as AGP reports use
	}
	st.CV = 100 * st.SD / st.Mean
	st.GMI = 3.31 + 0.02392*st.Mean
	pct := func(k int) float64 { return 100 * float64(k) / n }
	st.Ranges = Ranges{VeryLow: pct(vlow), Low: pct(low), InRange: pct(in), High: pct(high), VeryHigh: pct(vhigh)}
	if expected := float64(window / (5 * time.Minute)); expected > 0 {
		st.SensorActive = math.Min(100, 100*n/expected)
	}
	return st
}

// Percentile is the p-th percentile (0-100) of sorted values, by linear
// interpolation between closest ranks.
func Percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[hi]-sorted[lo])
}

// AGPRow is the spread of readings in one slot of the day.
type AGPRow struct {
	Minute                 int // start of the slot, minutes after midnight
	Count                  int
	P5, P25, P50, P75, P95 float64
}

// AGP groups readings by time of day (in loc) into slots of the given
// minutes and gives each slot's 5/25/50/75/95th percentiles.
func AGP(rs []Reading, loc *time.Location, slot int) []AGPRow {
	if slot <= 0 {
		slot = 60
	}
	buckets := make([][]float64, (24*60+slot-1)/slot)
	for _, r := range rs {
		t := r.At.In(loc)
		i := (t.Hour()*60 + t.Minute()) / slot
		buckets[i] = append(buckets[i], r.MgDL)
	}
	out := make([]AGPRow, len(buckets))
	for i, b := range buckets {
		sort.Float64s(b)
		out[i] = AGPRow{Minute: i * slot, Count: len(b), P5: Percentile(b, 5), P25: Percentile(b, 25),
			P50: Percentile(b, 50), P75: Percentile(b, 75), P95: Percentile(b, 95)}
	}
	return out
}
