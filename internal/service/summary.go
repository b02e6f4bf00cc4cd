package service

import (
	"fmt"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/safetext"
)

// StepSummary is one step at a track's end: done or not, and when.
type StepSummary struct {
	Step    onboarding.Step
	Done    bool
	At      time.Time // when it was done
	Problem string    // why it needs attention
}

// Summary is what a track's last screen shows: what was done and when, the
// command that writes the report, and the track still to walk.
type Summary struct {
	Track         onboarding.Track
	Steps         []StepSummary
	Finished      bool // every step done
	ReportCommand string
	Other         onboarding.Track
}

// Summary sums up the session's track.
func (s *Session) Summary() Summary {
	p := s.Progress
	sum := Summary{Track: p.Track, Finished: true, Other: onboarding.ProductionTrack,
		ReportCommand: "dexonboard report " + shellWord(s.Profile.Name)}
	if p.Track == onboarding.ProductionTrack {
		sum.Other = onboarding.SandboxTrack
	}
	for _, st := range onboarding.Steps {
		if st > p.Last() {
			break
		}
		one := StepSummary{Step: st, Done: p.StatusOf(st) == onboarding.Done}
		if state, ok := p.Steps[st]; ok { // read only: State would add the step
			one.At, one.Problem = state.DoneAt, state.Problem
		}
		sum.Finished = sum.Finished && one.Done
		sum.Steps = append(sum.Steps, one)
	}
	return sum
}

// shellWord quotes a profile name for a POSIX shell when it needs it.
func shellWord(name string) string {
	name = safetext.Line(name)
	if name != "" && strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.", r))
	}) < 0 {
		return name
	}
	return fmt.Sprintf("'%s'", strings.ReplaceAll(name, "'", `'\''`))
}
