package once

import (
	"sync"
	"testing"
)

// A package-level Value, as the zxcvbn packages declare them: package init
// must not build it.
var (
	builtInInit int
	atInit      = Value[int]{New: func() int { builtInInit++; return 1 }}
	_           = &atInit
)

func TestValueIsNotBuiltInInit(t *testing.T) {
	if builtInInit != 0 {
		t.Fatalf("built %d times by package init", builtInInit)
	}
}

func TestValueBuildsOnceOnFirstGet(t *testing.T) {
	builds := 0
	counted := Value[int]{New: func() int { builds++; return 42 }}
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
