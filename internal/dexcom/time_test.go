package dexcom

import (
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		want  time.Time
		zoned bool
	}{
		{"2025-06-10T17:20:00Z", time.Date(2025, 6, 10, 17, 20, 0, 0, time.UTC), true},
		{"2025-06-10T10:20:00-07:00", time.Date(2025, 6, 10, 17, 20, 0, 0, time.UTC), true},
		{"2025-06-10T09:05:01", time.Date(2025, 6, 10, 9, 5, 1, 0, time.UTC), false},
		{"2021-02-03T14:15Z", time.Date(2021, 2, 3, 14, 15, 0, 0, time.UTC), true},
		{"2021-02-03T14:15", time.Date(2021, 2, 3, 14, 15, 0, 0, time.UTC), false},
		{"2021-2-3T4:5:6", time.Date(2021, 2, 3, 4, 5, 6, 0, time.UTC), false},
		{"2021-02-03T14:15:16.789Z", time.Date(2021, 2, 3, 14, 15, 16, 789e6, time.UTC), true},
		{"2021-02-03T00:00:00-06:59:58", time.Date(2021, 2, 3, 6, 59, 58, 0, time.UTC), true},
	}
	for _, tt := range tests {
		got, err := ParseTimestamp(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Zoned != tt.zoned {
			t.Errorf("%s: got %v zoned=%v, want %v zoned=%v", tt.in, got.Time, got.Zoned, tt.want, tt.zoned)
		}
	}
	if _, err := ParseTimestamp("yesterday"); err == nil {
		t.Error("garbage parsed")
	}
}

func TestFormatQueryTime(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("x", -7*3600)
	got := FormatQueryTime(time.Date(2025, 2, 6, 2, 12, 35, 123e6, loc))
	if got != "2025-02-06T09:12:35" {
		t.Errorf("got %s", got)
	}
}
