package ui

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// BenchmarkPageView measures View() of each page at 120x40: it runs every
// frame, so it must stay well under a millisecond.
func BenchmarkPageView(b *testing.B) {
	colors(b, termenv.TrueColor)
	w := newWorld(b)
	s := w.demoSession(b)
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 120, Height: 40})
	for i, p := range wiz.pages {
		b.Run(fmt.Sprintf("step%d", int(p.Step())), func(b *testing.B) {
			wiz.goTo(i)
			b.ReportAllocs()
			for b.Loop() {
				_ = wiz.View()
			}
		})
	}
	// After an Update the page is laid out already: View only draws the
	// viewport's window, the sidebar and the help bar.
	b.Run("step1-after-update", func(b *testing.B) {
		wiz.goTo(int(onboarding.CreateAccount))
		send(wiz, keys("down")...)
		b.ReportAllocs()
		for b.Loop() {
			_ = wiz.View()
		}
	})
	b.Run("step6-verified", func(b *testing.B) {
		s.App().ClientSecret = secretOf(sandbox.DemoClientSecret)
		out := verifiedOutcome(b, w, s)
		wiz.goTo(int(onboarding.AuthenticateTestUser))
		send(wiz, checkDone(s, out)...)
		b.ReportAllocs()
		for b.Loop() {
			_ = wiz.View()
		}
	})
}
