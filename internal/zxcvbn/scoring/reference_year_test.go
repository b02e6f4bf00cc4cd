package scoring_test

import (
	"os"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/zxcvbn/match"
	"github.com/tryrook/dexonboard/internal/zxcvbn/scoring"
)

// TestMain pins ReferenceYear to the current year: upstream's tests read it
// as the year guesses count from, which by default is only read on first
// use. TestReferenceYearDefaultsToCurrentYear checks that default.
func TestMain(m *testing.M) {
	scoring.ReferenceYear = time.Now().Year()
	os.Exit(m.Run())
}

func TestReferenceYearDefaultsToCurrentYear(t *testing.T) {
	defer func(y int) { scoring.ReferenceYear = y }(scoring.ReferenceYear)
	scoring.ReferenceYear = 0
	now := time.Now().Year()
	if got := scoring.ReferenceYearInUse(); got != now {
		t.Fatalf("ReferenceYearInUse() = %d, want the current year %d", got, now)
	}
	old := now - 100
	if got, want := scoring.DateGuesses(&match.Match{Year: old}), float64(365*100); got != want {
		t.Errorf("DateGuesses(year %d) = %v, want %v", old, got, want)
	}
	if got, want := scoring.RegexGuesses(&match.Match{Token: "1926", RegexName: "recent_year"}), float64(now-1926); got != want {
		t.Errorf("RegexGuesses(1926) = %v, want %v", got, want)
	}

	scoring.ReferenceYear = 2019
	if got := scoring.ReferenceYearInUse(); got != 2019 {
		t.Errorf("ReferenceYearInUse() with ReferenceYear 2019 = %d", got)
	}
}
