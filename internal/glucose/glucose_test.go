package glucose

import (
	"math"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

var t0 = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func egv(min int, value float64, status string) dexcom.EGV {
	e := dexcom.EGV{SystemTime: dexcom.NewTimestamp(t0.Add(time.Duration(min)*time.Minute), true), Value: &value}
	if status != "" {
		e.Status = &status
	}
	return e
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-3 {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

// Worked by hand: 100, 200, LOW (counted 40), HIGH (counted 400), 60.
func TestComputeByHand(t *testing.T) {
	t.Parallel()
	rs := Readings([]dexcom.EGV{egv(0, 100, ""), egv(5, 200, ""), egv(10, 39, "low"), egv(15, 401, "high"), egv(20, 60, "")})
	st := Compute(rs, 25*time.Minute)
	if st.Count != 5 {
		t.Fatalf("count %d", st.Count)
	}
	near(t, "mean", st.Mean, 160)                      // 800 / 5
	near(t, "sd", st.SD, math.Sqrt(87200.0/4))         // squares 3600+1600+14400+57600+10000
	near(t, "cv", st.CV, 100*math.Sqrt(87200.0/4)/160) // 92.29 %
	near(t, "gmi", st.GMI, 3.31+0.02392*160)           // 7.1372 %
	near(t, "min", st.Min, 40)
	near(t, "max", st.Max, 400)
	near(t, "sensor active", st.SensorActive, 100) // 5 readings of 5 expected
	for name, got := range map[string]float64{"<54": st.Ranges.VeryLow, "54-69": st.Ranges.Low, "70-180": st.Ranges.InRange,
		"181-250": st.Ranges.High, ">250": st.Ranges.VeryHigh} {
		near(t, name, got, 20)
	}
}

func TestBandEdges(t *testing.T) {
	t.Parallel()
	rs := Readings([]dexcom.EGV{egv(0, 53, ""), egv(5, 54, ""), egv(10, 69, ""), egv(15, 70, ""), egv(20, 180, ""), egv(25, 181, ""), egv(30, 250, ""), egv(35, 251, "")})
	r := Compute(rs, 40*time.Minute).Ranges
	near(t, "<54", r.VeryLow, 12.5)
	near(t, "54-69", r.Low, 25)
	near(t, "70-180", r.InRange, 25)
	near(t, "181-250", r.High, 25)
	near(t, ">250", r.VeryHigh, 12.5)
}

func TestGapsLowerSensorActivity(t *testing.T) {
	t.Parallel()
	// An hour expects 12 readings; 6 arrived (a 30-minute gap).
	var es []dexcom.EGV
	for m := 0; m < 30; m += 5 {
		es = append(es, egv(m, 120, ""))
	}
	near(t, "sensor active", Compute(Readings(es), time.Hour).SensorActive, 50)
	if st := Compute(nil, time.Hour); st.Count != 0 || st.Mean != 0 {
		t.Errorf("empty: %+v", st)
	}
	if rs := Readings([]dexcom.EGV{{SystemTime: dexcom.NewTimestamp(t0, true)}}); len(rs) != 0 {
		t.Error("a reading with no value and no status was counted")
	}
}

func TestUnitFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		unit Unit
		mgdl float64
		want string
	}{
		{MgDL, 142, "142"}, {MgDL, 99.6, "100"},
		{MmolL, 100, "5.5"},  // 5.5499
		{MmolL, 180, "10.0"}, // 9.9899
		{MmolL, 70, "3.9"},   // 3.8850
		{MmolL, 54, "3.0"},   // 2.9970
		{MmolL, 400, "22.2"}, // 22.1998
	}
	for _, tt := range tests {
		if got := tt.unit.Format(tt.mgdl); got != tt.want {
			t.Errorf("%v %v = %s, want %s", tt.mgdl, tt.unit, got, tt.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	xs := []float64{1, 2, 3, 4, 5}
	for p, want := range map[float64]float64{0: 1, 5: 1.2, 25: 2, 50: 3, 75: 4, 95: 4.8, 100: 5} {
		near(t, "p", Percentile(xs, p), want)
	}
	if !math.IsNaN(Percentile(nil, 50)) || Percentile([]float64{7}, 95) != 7 {
		t.Error("edge cases")
	}
}

func TestAGP(t *testing.T) {
	t.Parallel()
	var es []dexcom.EGV
	// Two days; 08:00-08:59 holds 100..210 on day 1 and 110..220 on day 2.
	for d := 0; d < 2; d++ {
		for m := 0; m < 60; m += 5 {
			es = append(es, egv(d*1440+8*60+m, float64(100+10*d+2*m), ""))
		}
	}
	agp := AGP(Readings(es), time.UTC, 60)
	if len(agp) != 24 || agp[8].Count != 24 || agp[7].Count != 0 {
		t.Fatalf("rows: %d, hour 8 count %d", len(agp), agp[8].Count)
	}
	near(t, "median", agp[8].P50, 160) // values 100,110..210,220 step 10, with 100..210 and 110..220
	if !(agp[8].P5 < agp[8].P25 && agp[8].P25 < agp[8].P50 && agp[8].P50 < agp[8].P75 && agp[8].P75 < agp[8].P95) {
		t.Errorf("percentiles out of order: %+v", agp[8])
	}
	if !math.IsNaN(agp[7].P50) {
		t.Error("an empty hour has a median")
	}
}

func TestDownsampleKeepsExtremes(t *testing.T) {
	t.Parallel()
	// 90 days of readings into 100 columns: the one LOW and the one HIGH survive.
	var rs []Reading
	end := t0.Add(90 * 24 * time.Hour)
	for at := t0; at.Before(end); at = at.Add(5 * time.Minute) {
		rs = append(rs, Reading{At: at, MgDL: 120})
	}
	rs[1234].MgDL, rs[20000].MgDL = 40, 400
	cols := Downsample(rs, t0, end, 100)
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, c := range cols {
		n += c.N
		if c.N > 0 {
			lo, hi = math.Min(lo, c.Min), math.Max(hi, c.Max)
		}
	}
	if lo != 40 || hi != 400 || n != len(rs) {
		t.Fatalf("min %v max %v count %d of %d", lo, hi, n, len(rs))
	}
	// A gap stays a gap.
	gap := Downsample([]Reading{{At: t0, MgDL: 100}, {At: t0.Add(50 * time.Minute), MgDL: 100}}, t0, t0.Add(time.Hour), 12)
	empty := 0
	for _, c := range gap {
		if c.N == 0 {
			empty++
		}
	}
	if empty != 10 {
		t.Fatalf("%d empty columns, want 10", empty)
	}
}
