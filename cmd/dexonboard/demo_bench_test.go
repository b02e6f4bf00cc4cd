package main

import (
	"os"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/vault"
	"github.com/tryrook/dexonboard/ui"
)

// BenchmarkDemoFirstFrame is `dexonboard demo` from its start to the first
// frame: the throwaway vault (with the demo KDF, as the program makes it),
// the simulator, the wizard and its first View. The process start itself
// is not in it; /usr/bin/time on the binary gives that and the peak RSS.
func BenchmarkDemoFirstFrame(b *testing.B) {
	saved := vaultOptions
	vaultOptions = vault.Options{} // the program's own settings, not the tests' instant KDF
	b.Cleanup(func() { vaultOptions = saved })
	b.ReportAllocs()
	for b.Loop() {
		dir, err := makeDemoDir()
		if err != nil {
			b.Fatal(err)
		}
		sim, s, err := newDemo(dir)
		if err != nil {
			b.Fatal(err)
		}
		w := ui.NewWizard(s)
		w.Init()
		m, _ := w.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		if m.View() == "" {
			b.Fatal("no first frame")
		}
		s.Vault.Close()
		sim.Close()
		os.RemoveAll(dir)
	}
}
