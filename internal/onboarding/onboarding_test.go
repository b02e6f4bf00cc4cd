package onboarding

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

func TestFirstUnfinishedAndCompleted(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	p := NewProgress(SandboxTrack, dexcom.Sandbox)
	if p.FirstUnfinished() != Prerequisites {
		t.Fatal("new track does not start at the prerequisites")
	}
	for _, s := range []Step{Prerequisites, CreateAccount, CreateApp} {
		p.MarkDone(s, now)
	}
	p.MarkAttention(CollectCredentials, "secret refused", now)
	if got := p.FirstUnfinished(); got != CollectCredentials {
		t.Fatalf("resume at %v", got)
	}
	if done, total := p.Completed(); done != 3 || total != 8 {
		t.Fatalf("completed %d/%d", done, total)
	}
	prod := NewProgress(ProductionTrack, dexcom.EU)
	for _, s := range Steps {
		prod.MarkDone(s, now)
	}
	if done, total := prod.Completed(); done != 7 || total != 7 || prod.FirstUnfinished() != AuthenticateTestUser {
		t.Fatalf("production: %d/%d, resume %v", done, total, prod.FirstUnfinished())
	}
}

func TestCloneIsDeepAndRoundTrips(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	p := NewProgress(SandboxTrack, dexcom.Sandbox)
	p.Toggle(CreateAccount, "registered", now)
	p.SetField(CreateApp, "app_name", "Acme", now)
	c := p.Clone()
	p.Toggle(CreateAccount, "registered", now)
	p.SetField(CreateApp, "app_name", "Changed", now)
	if !c.Checked(CreateAccount, "registered") || c.Field(CreateApp, "app_name") != "Acme" {
		t.Fatal("clone shares state with the original")
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Progress
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Checked(CreateAccount, "registered") || back.Field(CreateApp, "app_name") != "Acme" || back.Track != SandboxTrack {
		t.Fatalf("round trip: %+v", back)
	}
}
