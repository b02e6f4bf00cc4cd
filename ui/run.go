package ui

import (
	"context"
	"errors"
	"io"

	tea "github.com/charmbracelet/bubbletea"
)

// RunOptions say how to run the wizard.
type RunOptions struct {
	// LineMode asks one question per line (screen readers, scripts).
	LineMode bool
	Prompter Prompter
	In       io.Reader
	Out      io.Writer
}

// Run runs the wizard on s: full screen, or line by line. Quitting, ctrl+c
// and a signal are not errors: progress is saved as it changes.
func Run(ctx context.Context, s *Session, o RunOptions) error {
	if o.LineMode {
		err := RunAccessible(ctx, s, o.Prompter, o.Out)
		if errors.Is(err, ErrQuit) {
			return nil
		}
		return err
	}
	prog := tea.NewProgram(NewWizard(s), tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(o.In), tea.WithOutput(o.Out))
	_, err := prog.Run()
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
