package rook

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkDecodeGlucose reads a day (288 samples) and a 30-day document
// (8,640 samples) as the pull and the webhook listener do.
func BenchmarkDecodeGlucose(b *testing.B) {
	for _, days := range []int{1, 30} {
		start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		samples := make([]Sample, 0, 288*days)
		for i := range 288 * days {
			samples = append(samples, Sample{At: start.Add(time.Duration(i) * 5 * time.Minute), MgDL: float64(80 + i%150)})
		}
		body, err := json.Marshal(NewDocument("c", "u", start, samples))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(map[int]string{1: "day", 30: "30days"}[days], func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				d, err := DecodeGlucose(bytes.NewReader(body))
				if err != nil || d.Readings() != len(samples) {
					b.Fatal(err)
				}
			}
		})
	}
}
