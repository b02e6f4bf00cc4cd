package httpretry

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	p := Policy{Max: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: 3 * time.Second}
	for _, c := range []struct {
		attempt    int
		retryAfter time.Duration
		jitter     float64
		want       time.Duration
	}{
		{1, 0, 0.5, 500 * time.Millisecond},
		{2, 0, 0.5, time.Second},
		{3, 0, 0, time.Second},                     // 2 s × 0.5
		{4, 0, 0.5, 3 * time.Second},               // 4 s, capped
		{1, 2 * time.Second, 0.9, 2 * time.Second}, // Retry-After wins, no jitter
		{1, time.Minute, 0, 3 * time.Second},       // and is capped
	} {
		if got := p.Wait(c.attempt, c.retryAfter, c.jitter); got != c.want {
			t.Errorf("Wait(%d, %v, %v) = %v, want %v", c.attempt, c.retryAfter, c.jitter, got, c.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"": 0, " 7 ": 7 * time.Second, "0": 0, "-3": 0, "soon": 0, "1.5": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
	} {
		if got := ParseRetryAfter(v, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestSleepEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Fatalf("Sleep = %v", err)
	}
}

func TestCountingReader(t *testing.T) {
	c := &CountingReader{R: strings.NewReader("twelve bytes")}
	buf := make([]byte, 5)
	for {
		if _, err := c.Read(buf); err != nil {
			break
		}
	}
	if c.N != 12 {
		t.Fatalf("counted %d", c.N)
	}
}
