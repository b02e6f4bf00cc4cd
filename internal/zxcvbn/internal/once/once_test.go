package once

import (
	"sync"
	"testing"
)

var builds int

var counted = Value[int]{New: func() int { builds++; return 42 }}

func TestValueBuildsOnceOnFirstGet(t *testing.T) {
	if builds != 0 {
		t.Fatalf("built %d times before the first Get", builds)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := counted.Get(); got != 42 {
				t.Errorf("Get() = %d, want 42", got)
			}
		})
	}
	wg.Wait()
	if builds != 1 {
		t.Fatalf("built %d times, want 1", builds)
	}
}
