package ui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// The screens work on the onboarding service's session.
type (
	// Session is what every screen shares (see service.Session).
	Session = service.Session
	// Prefill are values typed for the client (the demo's).
	Prefill = service.Prefill
	// TestUser is one entry of the test-user picker.
	TestUser = service.TestUser
	// TestLogins log test users in without a browser.
	TestLogins = service.TestLogins
	// PreflightResult is one authorization-URL probe.
	PreflightResult = service.PreflightResult
)

// Messages from the session's saves: the progress, or the profile as one
// step changed it (so that step's page can say it is stored).
type (
	progressSavedMsg struct{}
	profileSavedMsg  struct{ step onboarding.Step }
	saveFailedMsg    struct{ err error }
)

func (m profileSavedMsg) forStep() onboarding.Step { return m.step }

func saveCmd(save func() error, done tea.Msg) tea.Cmd {
	if save == nil {
		return nil
	}
	return func() tea.Msg {
		if err := save(); err != nil {
			return saveFailedMsg{err}
		}
		return done
	}
}

// saveProgress writes a snapshot of the track's progress.
func saveProgress(s *Session) tea.Cmd { return saveCmd(s.ProgressSaver(), progressSavedMsg{}) }

// saveProfile writes a snapshot of the profile as step changed it.
func saveProfile(s *Session, step onboarding.Step) tea.Cmd {
	return saveCmd(s.ProfileSaver(), profileSavedMsg{step})
}

// preflightDoneMsg carries the preflight's results to the step that asked.
type preflightDoneMsg struct {
	step    onboarding.Step
	results []PreflightResult
}

func (m preflightDoneMsg) forStep() onboarding.Step { return m.step }

// preflight probes Dexcom's authorization URL for each redirect in the background.
func preflight(s *Session, step onboarding.Step, redirects ...string) tea.Cmd {
	probe := s.Preflight(redirects...)
	return func() tea.Msg { return preflightDoneMsg{step: step, results: probe()} }
}

// Messages of a login in step 6.
type (
	loginStageMsg struct {
		stage connect.Stage
		url   string
	}
	checkDoneMsg struct {
		result *service.CheckResult
	}
)
