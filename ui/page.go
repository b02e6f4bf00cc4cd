package ui

import (
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
