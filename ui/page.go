package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// page is one step's screen. The wizard owns navigation between pages.
type page interface {
	Step() onboarding.Step
	// Enter is called each time the page is shown.
	Enter() tea.Cmd
	Update(tea.Msg) (page, tea.Cmd)
	View() string
	SetSize(width, height int)
	// Keys are the page's own keys, for the help bar.
	Keys() []key.Binding
	// Capturing is true while a text field has focus, so letters are text.
	Capturing() bool
}

// base holds what every page has.
type base struct {
	s      *Session
	theme  Theme
	keys   KeyMap
	width  int
	height int
}

func (b *base) SetSize(w, h int) { b.width, b.height = w, h }

// sizeForm fits a form's text fields to the page.
func sizeForm(f *form, w int) {
	f.width = w
	for _, r := range f.rows {
		if r.input != nil {
			r.input.Width = inputWidth(w)
		}
	}
}
func (b *base) Capturing() bool { return false }
func (b *base) Enter() tea.Cmd  { return nil }

// buildPages makes the pages of the session's track.
func buildPages(s *Session, th Theme, k KeyMap) []page {
	b := func() base { return base{s: s, theme: th, keys: k} }
	pages := []page{
		newPrereqPage(b()),
		newAccountPage(b()),
		newAppPage(b()),
		newCredentialsPage(b()),
		newSharePage(b()),
		newRedirectPage(b()),
		newConnectPage(b()),
	}
	if s.Progress.Track == onboarding.SandboxTrack {
		pages = append(pages, newProductionPage(b()))
	}
	return pages
}

// settleStep records a step as done or to do and saves the progress.
func settleStep(s *Session, step onboarding.Step, complete bool) tea.Cmd {
	switch {
	case complete && s.Progress.StatusOf(step) != onboarding.Done:
		s.Progress.MarkDone(step, s.now())
	case !complete && s.Progress.StatusOf(step) == onboarding.Done:
		s.Progress.State(step).Status = onboarding.Todo
	}
	return s.saveProgress()
}

// preflightView shows each redirect URI's preflight answer.
func preflightView(th Theme, rs []PreflightResult) string {
	var b strings.Builder
	for _, r := range rs {
		switch {
		case r.Err != nil:
			b.WriteString("\n  " + th.Error.Render("✗ ") + r.RedirectURI + ": " + r.Err.Error())
		case r.OK():
			b.WriteString("\n  " + th.OK.Render("✓ 200") + " " + r.RedirectURI)
		default:
			b.WriteString("\n  " + th.Error.Render(fmt.Sprintf("✗ %d", r.Status)) + " " + r.RedirectURI +
				th.Muted.Render(" (the client ID or this redirect URI is not registered)"))
		}
	}
	return b.String()
}

// wrap fits prose to the page width.
func wrap(width int, s string) string {
	width -= 2 // the page's left padding
	if width <= 0 {
		width = 78
	}
	var out, line []string
	n := 0
	for _, w := range strings.Fields(s) {
		if n+len(w)+1 > width && n > 0 {
			out = append(out, strings.Join(line, " "))
			line, n = nil, 0
		}
		line = append(line, w)
		n += len(w) + 1
	}
	if len(line) > 0 {
		out = append(out, strings.Join(line, " "))
	}
	return strings.Join(out, "\n")
}
