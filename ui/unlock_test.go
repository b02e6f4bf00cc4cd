package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
)

// BenchmarkUnlockView is View() of the create-vault screen with a passphrase
// typed in: it runs every frame (the cursor blinks), so it must not rate
// the passphrase.
func BenchmarkUnlockView(b *testing.B) {
	colors(b, termenv.TrueColor)
	for _, c := range []struct{ name, pass string }{
		{"words-29", testPass},
		{"max-256", strings.Repeat("correct horse battery staple ", 9)[:256]},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := newWorld(b).session()
			m := newUnlockModel(s, DefaultTheme(), DefaultKeys())
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(c.pass), Paste: true})
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}
