package service

import (
	"testing"

	"github.com/tryrook/dexonboard/internal/onboarding"
)

// TestSummaryOfATrack: the summary lists the track's steps with their dates,
// is finished only when each is done, names the other track, and quotes the
// profile for the shell in the report command.
func TestSummaryOfATrack(t *testing.T) {
	s := newSession(t)
	s.Profile.Name = "O'Neil Clinic"
	sum := s.Summary()
	if sum.Finished || len(sum.Steps) != 8 || sum.Other != onboarding.ProductionTrack {
		t.Fatalf("fresh sandbox track: %+v", sum)
	}
	if sum.ReportCommand != `dexonboard report 'O'\''Neil Clinic'` {
		t.Fatalf("report command %q", sum.ReportCommand)
	}
	if len(s.Progress.Steps) != 0 {
		t.Fatal("summing up added steps to the progress")
	}
	for _, st := range onboarding.Steps {
		s.Progress.MarkDone(st, now)
	}
	sum = s.Summary()
	if !sum.Finished || !sum.Steps[7].At.Equal(now) {
		t.Fatalf("all done: %+v", sum)
	}
	s.Progress = onboarding.NewProgress(onboarding.ProductionTrack, "us")
	if sum = s.Summary(); len(sum.Steps) != 7 || sum.Other != onboarding.SandboxTrack {
		t.Fatalf("production track: %+v", sum)
	}
}

// TestDemoProductionAppHasItsOwnValues: in the demo, the production track's
// app offers its own Client ID and registered loopback, the sandbox's stays.
func TestDemoProductionAppHasItsOwnValues(t *testing.T) {
	s := newSession(t)
	s.Demo = &Demo{Prefill: Prefill{ClientID: "sandbox-app"},
		Production: Prefill{ClientID: "production-app", Loopback: "http://127.0.0.1:9/callback"}}
	sandboxLoopback := s.Loopback()
	if got := field(onboarding.CollectCredentials, "client_id").Get(s); got != "sandbox-app" {
		t.Fatalf("sandbox Client ID %q", got)
	}
	s.Progress = onboarding.NewProgress(onboarding.ProductionTrack, "us")
	if got := field(onboarding.CollectCredentials, "client_id").Get(s); got != "production-app" {
		t.Fatalf("production Client ID %q", got)
	}
	if got := s.Loopback(); got != "http://127.0.0.1:9/callback" || got == sandboxLoopback {
		t.Fatalf("production loopback %q (sandbox's %q)", got, sandboxLoopback)
	}
}
