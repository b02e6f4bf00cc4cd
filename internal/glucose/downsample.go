package glucose

import (
	"math"
	"time"
)

// Column is the readings that fall in one column of a chart.
type Column struct {
	Start, End  time.Time
	N           int
	Min, Max    float64
	First, Last Reading
}

// Downsample splits [start, end) into n equal columns. Each keeps its min
// and max, so no low or high disappears however many readings share a
// column; empty columns (gaps) stay empty. rs must be sorted by time.
func Downsample(rs []Reading, start, end time.Time, n int) []Column {
	if n <= 0 || !end.After(start) {
		return nil
	}
	cols := make([]Column, n)
	span := end.Sub(start)
	for i := range cols {
		cols[i].Start = start.Add(time.Duration(float64(span) * float64(i) / float64(n)))
		cols[i].End = start.Add(time.Duration(float64(span) * float64(i+1) / float64(n)))
		cols[i].Min, cols[i].Max = math.Inf(1), math.Inf(-1)
	}
	for _, r := range rs {
		if r.At.Before(start) || !r.At.Before(end) {
			continue
		}
		i := min(n-1, int(float64(r.At.Sub(start))/float64(span)*float64(n)))
		c := &cols[i]
		if c.N == 0 {
			c.First = r
		}
		c.Last = r
		c.N++
		c.Min, c.Max = math.Min(c.Min, r.MgDL), math.Max(c.Max, r.MgDL)
	}
	return cols
}
