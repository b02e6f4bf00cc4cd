package service

import (
	"testing"

	"github.com/tryrook/dexonboard/internal/onboarding"
)

// TestEveryFieldRowHasItsBehaviour: each field row of a step's spec is read,
// checked and stored here, stores itself exactly when the spec says so, and
// no behaviour is left for a row that is gone.
func TestEveryFieldRowHasItsBehaviour(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, st := range onboarding.Steps {
		for _, r := range onboarding.SpecOf(st).Rows {
			if r.Kind != onboarding.Field {
				continue
			}
			seen[r.ID] = true
			f, ok := fields[r.ID]
			switch {
			case !ok:
				t.Errorf("%s: field %q has no behaviour", st, r.ID)
			case f.get == nil || f.check == nil:
				t.Errorf("%s: field %q cannot be read or checked", st, r.ID)
			case (f.set == nil) != r.ForAction:
				t.Errorf("%s: field %q stores itself: %v, the spec says for an action: %v", st, r.ID, f.set != nil, r.ForAction)
			}
		}
	}
	for id := range fields {
		if !seen[id] {
			t.Errorf("behaviour for %q, which no step asks", id)
		}
	}
}
