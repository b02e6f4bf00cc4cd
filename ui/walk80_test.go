package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// TestStep1At80x24: the portal's hint is one line drawn from the Open key,
// and ticking "Form submitted" and dating it shows the form as awaiting
// review (it said "not submitted" until r was pressed).
func TestStep1At80x24(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	s := newWorld(t).demoSession(t)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	wiz.goTo(int(onboarding.CreateAccount))
	v := ansi.Strip(wiz.View())
	hint := pressTo(wiz.keys.Open, "open it")
	if hint != "press o to open it" || !strings.Contains(v, hint) {
		t.Fatalf("%q is not on one line:\n%s", hint, v)
	}
	if got := s.StatusOf(onboarding.CreateAccount); got != "not submitted" {
		t.Fatalf("a fresh form is %q", got)
	}
	send(wiz, keys("down", "down", "down", "down", "down", " ", "d")...)
	v = ansi.Strip(wiz.View())
	fits(t, v, 80, 24)
	if !strings.Contains(v, "[✓] Form submitted") || !strings.Contains(v, "Review status  submitted, awaiting review") {
		t.Fatalf("the submitted form's status:\n%s", v)
	}
	send(wiz, keys("down")...) // past the last row: the window moves a line
	if v := ansi.Strip(wiz.View()); !strings.Contains(v, "(press r to change it)") {
		t.Fatalf("the status's hint is broken across lines:\n%s", v)
	}
	send(wiz, keys("r")...)
	if v := ansi.Strip(wiz.View()); !strings.Contains(v, "Review status  review meeting scheduled") {
		t.Fatalf("r does not move on from the shown status:\n%s", v)
	}
}

// TestGlucoseWithoutTrendAt80: readings with no trend (ROOK's samples have
// none) say so instead of "?", and a long title gives way to the unit.
func TestGlucoseWithoutTrendAt80(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	fetch, _ := simFetch(t, newWorld(t), "SandboxUser7")
	trendless := func(ctx context.Context, start, end time.Time) (*GlucoseData, error) {
		d, err := fetch(ctx, start, end)
		if d != nil {
			for i := range d.EGVs {
				d.EGVs[i].Trend, d.EGVs[i].TrendRate = nil, nil
			}
		}
		return d, err
	}
	g := openGlucose(t, trendless, "through ROOK · 4f1c2b7e-9a0d-4d3e-8b61-a2c5e0f7d913", 80, 21, 1)
	g.source = "ROOK"
	g.cache.clear()
	g.render()
	v := ansi.Strip(g.View())
	fits(t, v, 80, 21)
	head := strings.Split(v, "\n")[0]
	if !strings.HasSuffix(strings.TrimRight(head, " "), "mg/dL · chart") || !strings.Contains(head, "through ROOK") {
		t.Fatalf("head line: %q", head)
	}
	if !strings.Contains(v, "no trend") || !strings.Contains(v, "ROOK sends no trend") || strings.Contains(v, "?") {
		t.Fatalf("the trend of a reading without one:\n%s", v)
	}
}
