package matching

import (
	"strings"
	"testing"
)

var benchPasswords = []struct{ name, pass string }{
	{"weak-8", "password"},
	{"dated-22", "jan1/1/91tom2015_06_04"},
	{"repeats-24", "abcabcabcXXXXX1212121212"},
	{"long-64", strings.Repeat("correct horse battery staple ", 3)[:64]},
}

// BenchmarkRepeatMatch compares the hand-written repeat matcher with
// upstream's regexp2 code (the oracle in regexp2_oracle_test.go). Both score
// each base token the same way; the dictionaries are built before timing.
func BenchmarkRepeatMatch(b *testing.B) {
	_ = Omnimatch("warm-up", nil)
	for _, c := range benchPasswords {
		b.Run(c.name+"/hand", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = repeatMatch{}.Matches(c.pass)
			}
		})
		b.Run(c.name+"/regexp2", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = oracleRepeatMatches(c.pass)
			}
		})
	}
}

// BenchmarkDateMatch compares the hand-written date matcher with upstream's
// regexp2 code.
func BenchmarkDateMatch(b *testing.B) {
	for _, c := range benchPasswords {
		b.Run(c.name+"/hand", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = dateMatch{}.Matches(c.pass)
			}
		})
		b.Run(c.name+"/regexp2", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = oracleDateMatches(c.pass)
			}
		})
	}
}
