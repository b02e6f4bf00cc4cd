package onboarding

import (
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// TestIntroForTheTrack: step 2 names the track's environment and step 6
// its production variant on a production track; no placeholder is left.
func TestIntroForTheTrack(t *testing.T) {
	for _, env := range dexcom.Environments {
		for _, st := range Steps {
			if got := SpecOf(st).IntroFor(env); got == "" || strings.Contains(got, "{") {
				t.Errorf("%s in %s: intro %q", st, env, got)
			}
		}
		if got := SpecOf(CreateApp).IntroFor(env); !strings.Contains(got, "for "+env.Label()+".") {
			t.Errorf("step 2 in %s does not name it: %q", env, got)
		}
		got := SpecOf(AuthenticateTestUser).IntroFor(env)
		if real := strings.Contains(got, "a real Dexcom user"); real != env.IsProduction() {
			t.Errorf("step 6 in %s: production wording %v: %q", env, real, got)
		}
	}
}
