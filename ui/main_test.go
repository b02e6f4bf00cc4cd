package ui

import (
	"io"
	"os"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestMain keeps the clipboard's OSC 52 sequences out of the test output
// and pins the colour profile every test starts from.
func TestMain(m *testing.M) {
	clipboardOut = io.Discard
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(false)
	os.Exit(m.Run())
}
