package service

import (
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/sandbox"

	"github.com/tryrook/dexonboard/internal/onboarding"
)

// TestSummaryOfATrack: the summary lists the track's steps with their dates,
// is finished only when each is done, names the other track, and quotes the
// profile for the shell in the report command.
func TestSummaryOfATrack(t *testing.T) {
	t.Parallel()
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

// TestProductionPrefillHasItsOwnValues: the production track's app offers
// its own prefilled Client ID and registered loopback, the sandbox's stays.
func TestProductionPrefillHasItsOwnValues(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.Prefill = Prefill{ClientID: "sandbox-app"}
	s.ProductionPrefill = Prefill{ClientID: "production-app", Loopback: "http://127.0.0.1:9/callback"}
	sandboxLoopback := s.Loopback()
	if got := s.Value("client_id"); got != "sandbox-app" {
		t.Fatalf("sandbox Client ID %q", got)
	}
	s.Progress = onboarding.NewProgress(onboarding.ProductionTrack, "us")
	if got := s.Value("client_id"); got != "production-app" {
		t.Fatalf("production Client ID %q", got)
	}
	if got := s.Loopback(); got != "http://127.0.0.1:9/callback" || got == sandboxLoopback {
		t.Fatalf("production loopback %q (sandbox's %q)", got, sandboxLoopback)
	}
}

// TestNewCredentialsMakeTheSealedHandoffStale: storing other credentials
// after sealing unticks step 4 and says why, until a new seal; the same
// Client ID on both tracks gets a note.
func TestNewCredentialsMakeTheSealedHandoffStale(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	_, rcpt, err := handoff.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	seal := func() {
		t.Helper()
		job, err := s.Seal(rcpt)
		if err != nil {
			t.Fatal(err)
		}
		sl, err := job()
		if err != nil {
			t.Fatal(err)
		}
		s.RecordSeal(sl)
	}
	seal()
	for _, id := range []string{"shared", "not_in_chat", "dexcom_enabled"} {
		s.Toggle(onboarding.ShareWithROOK, id)
	}
	s.App().ROOKRedirectURL = rookURL
	s.SetToday(onboarding.ShareWithROOK, "shared_on")
	s.Settle(onboarding.ShareWithROOK)
	if s.Progress.StatusOf(onboarding.ShareWithROOK) != onboarding.Done || len(s.CredentialNotes()) != 0 {
		t.Fatalf("step 4 %s, notes %q", s.Progress.StatusOf(onboarding.ShareWithROOK), s.CredentialNotes())
	}
	if err := s.StoreCredentials(sandbox.DemoClientID, "another-secret-0123456789abcdef"); err != nil {
		t.Fatal(err)
	}
	st := s.Progress.Steps[onboarding.ShareWithROOK]
	if st.Status != onboarding.Attention || st.Checked["shared"] || st.Problem != ErrStaleHandoff.Error() {
		t.Fatalf("after new credentials step 4 is %+v", st)
	}
	if notes := s.CredentialNotes(); len(notes) != 1 || !strings.Contains(notes[0], "seal it again") {
		t.Fatalf("notes %q", notes)
	}
	s.Toggle(onboarding.ShareWithROOK, "shared")
	s.Settle(onboarding.ShareWithROOK)
	if s.Progress.StatusOf(onboarding.ShareWithROOK) == onboarding.Done {
		t.Fatal("ticking again without a new seal made step 4 done")
	}
	s.Now = func() time.Time { return now.Add(time.Minute) } // a new file name
	seal()
	s.Settle(onboarding.ShareWithROOK)
	if s.Progress.StatusOf(onboarding.ShareWithROOK) != onboarding.Done {
		t.Fatalf("a new seal left step 4 %s", s.Progress.StatusOf(onboarding.ShareWithROOK))
	}

	s.Progress = onboarding.NewProgress(onboarding.ProductionTrack, dexcom.US)
	if err := s.StoreCredentials(sandbox.DemoClientID, sandbox.DemoClientSecret); err != nil {
		t.Fatal(err)
	}
	if notes := s.CredentialNotes(); len(notes) != 1 || !strings.Contains(notes[0], "sandbox app has the same Client ID") {
		t.Fatalf("same Client ID on both tracks: notes %q", notes)
	}
}
