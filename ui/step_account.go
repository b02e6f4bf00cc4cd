package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// accountExtra is step 1's portal link and Dexcom's review status.
type accountExtra struct {
	noExtra
	open, status key.Binding
	opened       string
}

// openedMsg says the portal was opened (or could only be shown).
type openedMsg struct {
	url string
	err error
}

func (openedMsg) forStep() onboarding.Step { return onboarding.CreateAccount }

func (e *accountExtra) init(p *stepPage) { e.open, e.status = p.keys.Open, p.keys.Status }

func (e *accountExtra) keys(p *stepPage) keySet { return keySet{&e.open, &p.date, &e.status} }

func (e *accountExtra) sync(p *stepPage) { enable(!p.Capturing(), &e.open, &e.status) }

func (e *accountExtra) handle(p *stepPage, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case openedMsg:
		e.opened = msg.url
		return nil, true
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, e.open):
			return openURL(p.s, onboarding.PortalURL), true
		case key.Matches(msg, e.status):
			p.s.NextStatus(p.spec.Step)
			return saveProgress(p.s), true
		}
	}
	return nil, false
}

// openURL opens a page in the browser; over SSH it only shows the URL.
func openURL(s *Session, u string) tea.Cmd {
	return func() tea.Msg {
		open := s.OpenPortal
		if open == nil {
			open = s.Browse
		}
		if open == nil {
			return openedMsg{url: u}
		}
		return openedMsg{url: u, err: open(context.Background(), u)}
	}
}

func (e *accountExtra) below(p *stepPage) string {
	th := p.theme
	status := th.Key.Render(fmt.Sprintf("%-15s", p.spec.Status.Label)) + p.s.StatusOf(p.spec.Step)
	hint := th.Muted.Render("  (" + pressTo(e.status, "change it") + ")")
	if ansi.StringWidth(status+hint) <= p.width-3 {
		status += hint
	} else { // under the status, not broken across lines
		status += "\n" + strings.Repeat(" ", 13) + hint
	}
	out := "\n" + p.dateLine(15) + "\n" + status + "\n"
	if e.opened != "" {
		out += "\n" + th.Muted.Render("Portal: ") + th.Code.Render(e.opened)
	}
	return out
}
