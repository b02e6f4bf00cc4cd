package vault

import (
	"strings"
	"testing"
)

// BenchmarkStrength rates passphrases of the lengths people type, up to the
// unlock screen's 256-character limit.
func BenchmarkStrength(b *testing.B) {
	for _, c := range []struct{ name, pass string }{
		{"weak-8", "password"},
		{"words-29", "violet-anchor-mosaic-7-tundra"},
		{"long-64", strings.Repeat("correct horse battery staple ", 3)[:64]},
		{"max-256", strings.Repeat("correct horse battery staple ", 9)[:256]},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Strength(c.pass)
			}
		})
	}
}
