package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/vault"
)

// TestUnlockRatesThePassphraseOnlyWhenItChanges types a new passphrase key
// by key: each change is rated once, in Update, and View only shows the
// rating of the current value, however often it runs.
func TestUnlockRatesThePassphraseOnlyWhenItChanges(t *testing.T) {
	t.Parallel()
	colors(t, termenv.Ascii)
	s := newWorld(t).session()
	m := newUnlockModel(s, DefaultTheme(), DefaultKeys())
	var rated []string
	m.strength = func(p string) (int, string) {
		rated = append(rated, p)
		return vault.Strength(p)
	}
	shows := func(pass string) {
		t.Helper()
		score, feedback := vault.Strength(pass)
		for range 20 {
			v := ansi.Strip(m.View())
			if !strings.Contains(v, strengthBar(score)+" "+feedback) {
				t.Fatalf("after %q the screen lacks its rating %d %q:\n%s", pass, score, feedback, v)
			}
		}
	}

	for _, r := range "tundra" {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	if want := []string{"t", "tu", "tun", "tund", "tundr", "tundra"}; strings.Join(rated, ",") != strings.Join(want, ",") {
		t.Fatalf("rated %q, want each change once: %q", rated, want)
	}
	shows("tundra")

	// Moving between fields changes nothing: no new rating.
	m, _ = m.Update(keys("tab")[0])
	m, _ = m.Update(keys("tab")[0])
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" violet-anchor-mosaic-7"), Paste: true})
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	if len(rated) != 8 {
		t.Fatalf("rated %d times, want 8 (6 keys, a paste, a backspace): %q", len(rated), rated)
	}
	shows("tundra violet-anchor-mosaic-")
	if v := ansi.Strip(m.View()); !strings.Contains(v, "good") && !strings.Contains(v, "strong") {
		t.Fatalf("a strong passphrase is not shown as such:\n%s", v)
	}

	// A failed create clears the fields, and the rating with them.
	m, _ = m.Update(unlockFailedMsg{err: vault.ErrWeakPassphrase})
	if v := ansi.Strip(m.View()); strings.Contains(v, "[■") || strings.Contains(v, "[□") {
		t.Fatalf("rating left after the fields were cleared:\n%s", v)
	}

	// Unlocking an existing vault never rates.
	s.Create = false
	rated = nil
	u := newUnlockModel(s, DefaultTheme(), DefaultKeys())
	u.strength = m.strength
	u, _ = u.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(testPass), Paste: true})
	_ = u.View()
	if len(rated) != 0 {
		t.Fatalf("unlock rated the passphrase: %q", rated)
	}
}

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
