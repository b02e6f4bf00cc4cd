package ui

import (
	"io"
	"os"
	"testing"
)

// TestMain keeps the clipboard's OSC 52 sequences out of the test output.
func TestMain(m *testing.M) {
	clipboardOut = io.Discard
	os.Exit(m.Run())
}
