package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/report"
	"golang.org/x/oauth2"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/vault"
)

// profilesModel picks a client profile or creates one.
type profilesModel struct {
	s        *Session
	theme    Theme
	keys     KeyMap
	list     []profileRow
	cursor   int
	naming   bool
	name     textinput.Model
	err      string
	note     string
	loaded   bool
	checking bool
	pasting  bool // a sealed hand-off is being pasted
	paste    textarea.Model
	opening  *handoff.Opening // an opened hand-off waiting for a yes to replace
}

type profileRow struct {
	p                   *vault.Profile
	sandbox, production string
	attention           bool // a step needs attention or the last check failed
	complete            bool
}

// checkText is the last check's verdict and date.
func (r profileRow) checkText() string {
	lc := r.p.LastCheck
	if lc == nil {
		return "never checked"
	}
	mark := "✓"
	if !lc.OK {
		mark = "✗"
	}
	return mark + " " + lc.At.Local().Format("2006-01-02") + " " + string(lc.Env)
}

type (
	profilesLoadedMsg struct {
		rows []profileRow
		err  error
	}
	profileChosenMsg struct{ p *vault.Profile }
	profileFailedMsg struct{ err error }
)

func newProfilesModel(s *Session, th Theme, k KeyMap) *profilesModel {
	ti := textinput.New()
	ti.Prompt = "› "
	ti.Placeholder = "client or company name"
	ti.CharLimit = 80
	ti.Width = 40
	return &profilesModel{s: s, theme: th, keys: k, name: ti}
}

func (m *profilesModel) capturing() bool { return m.naming || m.pasting || m.opening != nil }

// armorEnd ends a pasted age message; seeing it opens the hand-off.
const armorEnd = "-----END AGE ENCRYPTED FILE-----"

func (m *profilesModel) startPaste() tea.Cmd {
	m.paste = textarea.New()
	m.paste.CharLimit, m.paste.MaxHeight = 0, 0
	m.paste.ShowLineNumbers = false
	m.paste.Placeholder = "paste the sealed hand-off here"
	m.paste.SetWidth(66)
	m.paste.SetHeight(8)
	m.pasting, m.note, m.err = true, "", ""
	return m.paste.Focus()
}

func (m *profilesModel) updatePaste(msg tea.KeyMsg) (*profilesModel, tea.Cmd) {
	if msg.String() == "esc" {
		m.pasting = false
		return m, nil
	}
	var cmd tea.Cmd
	m.paste, cmd = m.paste.Update(msg)
	text := m.paste.Value()
	if !strings.Contains(text, armorEnd) {
		return m, cmd
	}
	m.pasting = false
	v, now := m.s.Vault, m.s.now()
	return m, func() tea.Msg {
		o, err := handoff.Prepare(v, []byte(text), "", now)
		return handoffPreparedMsg{o, err}
	}
}

// handoffPreparedMsg carries a pasted hand-off, opened but not stored.
type handoffPreparedMsg struct {
	o   *handoff.Opening
	err error
}

// storeHandoff writes an opened hand-off; replace is the person's yes.
func (m *profilesModel) storeHandoff(o *handoff.Opening, replace bool) tea.Cmd {
	v := m.s.Vault
	return func() tea.Msg {
		res, err := o.Store(v, replace)
		if err != nil {
			return workspaceNoteMsg{err: err}
		}
		return workspaceNoteMsg{note: fmt.Sprintf("Opened into %q (%s, client id %s, secret %s). Verification code %s: check it with the client.",
			res.Profile, res.Env.Label(), res.ClientID, res.SecretHint, res.Code)}
	}
}

// updateConfirm takes the yes or no to replacing a profile's credentials.
func (m *profilesModel) updateConfirm(msg tea.KeyMsg) (*profilesModel, tea.Cmd) {
	o := m.opening
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.opening = nil
		return m, m.storeHandoff(o, true)
	case key.Matches(msg, m.keys.No):
		m.opening, m.note = nil, fmt.Sprintf("Nothing was changed: %q keeps what it holds.", o.Profile)
	}
	return m, nil
}

// confirmView shows what opening would replace and asks.
func (m *profilesModel) confirmView() string {
	o, th := m.opening, m.theme
	var b strings.Builder
	b.WriteString(fmt.Sprintf("\nVerification code %s: check it with the client first.\n", th.Title.Render(o.Code)))
	b.WriteString(fmt.Sprintf("%q exists; storing this hand-off changes its %s app:\n", o.Profile, o.Env.Label()))
	for _, c := range o.Changes {
		old := c.Old
		if old == "" {
			old = "(empty)"
		}
		b.WriteString(fmt.Sprintf("  %-14s %s → %s\n", c.Field, old, c.New))
	}
	b.WriteString(th.Attention.Render("Replace its credentials? y replaces, n keeps what is stored") + "\n")
	return b.String()
}

func (m *profilesModel) Init() tea.Cmd {
	v := m.s.Vault
	return func() tea.Msg {
		ps, err := v.Profiles()
		if err != nil {
			return profilesLoadedMsg{err: err}
		}
		rows := make([]profileRow, 0, len(ps))
		for _, p := range ps {
			rows = append(rows, newProfileRow(v, p))
		}
		sortRows(rows)
		return profilesLoadedMsg{rows: rows}
	}
}

func newProfileRow(v *vault.Vault, p *vault.Profile) profileRow {
	r := profileRow{p: p, complete: true}
	r.attention = p.LastCheck != nil && !p.LastCheck.OK
	for _, t := range []onboarding.Track{onboarding.SandboxTrack, onboarding.ProductionTrack} {
		pr, err := v.Progress(p.ID, t)
		text := ""
		switch {
		case err != nil:
			text, r.attention = "unreadable", true
		case pr == nil:
			text, r.complete = "not started", false
		default:
			done, total := pr.Completed()
			text = fmt.Sprintf("%d/%d", done, total)
			r.complete = r.complete && done == total
			for _, s := range onboarding.Steps {
				if pr.StatusOf(s) == onboarding.Attention {
					r.attention = true
					text += " !"
					break
				}
			}
		}
		if t == onboarding.SandboxTrack {
			r.sandbox = text
		} else {
			r.production = text
		}
	}
	return r
}

// sortRows puts what needs attention first, then work in progress, then
// finished clients; by name within each.
func sortRows(rows []profileRow) {
	rank := func(r profileRow) int {
		switch {
		case r.attention:
			return 0
		case !r.complete:
			return 1
		}
		return 2
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if a, b := rank(rows[i]), rank(rows[j]); a != b {
			return a < b
		}
		return strings.ToLower(rows[i].p.Name) < strings.ToLower(rows[j].p.Name)
	})
}

func (m *profilesModel) Update(msg tea.Msg) (*profilesModel, tea.Cmd) {
	switch msg := msg.(type) {
	case profilesLoadedMsg:
		m.loaded, m.list = true, msg.rows
		if msg.err != nil {
			m.err = msg.err.Error()
		}
		if len(m.list) == 0 {
			m.startNaming()
			return m, textinput.Blink
		}
		return m, nil
	case profileFailedMsg:
		m.err = msg.err.Error()
		return m, nil
	case handoffPreparedMsg:
		switch {
		case msg.err != nil:
			m.note, m.err = "", msg.err.Error()
		case msg.o.Replaces():
			m.opening, m.note, m.err = msg.o, "", ""
		default:
			return m, m.storeHandoff(msg.o, false)
		}
		return m, nil
	case workspaceNoteMsg:
		m.checking = false
		m.note, m.err = msg.note, ""
		if msg.err != nil {
			m.note, m.err = "", msg.err.Error()
		}
		return m, m.Init()
	case tea.KeyMsg:
		if m.naming {
			return m.updateNaming(msg)
		}
		if m.pasting {
			return m.updatePaste(msg)
		}
		if m.opening != nil {
			return m.updateConfirm(msg)
		}
		switch {
		case msg.String() == "o":
			return m, m.startPaste()
		case msg.String() == "r" && m.cursor < len(m.list):
			return m, writeReport(m.s, m.list[m.cursor].p)
		case msg.String() == "c" && m.cursor < len(m.list) && !m.checking:
			m.checking, m.note, m.err = true, "checking "+m.list[m.cursor].p.Name+" with its saved login…", ""
			return m, recheck(m.s, m.list[m.cursor].p)
		case key.Matches(msg, m.keys.Up):
			m.cursor = max(0, m.cursor-1)
		case key.Matches(msg, m.keys.Down):
			m.cursor = min(len(m.list), m.cursor+1)
		case key.Matches(msg, m.keys.Enter):
			if m.cursor == len(m.list) {
				m.startNaming()
				return m, textinput.Blink
			}
			p := m.list[m.cursor].p
			return m, func() tea.Msg { return profileChosenMsg{p} }
		}
		return m, nil
	}
	if m.naming {
		var cmd tea.Cmd
		m.name, cmd = m.name.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *profilesModel) startNaming() {
	m.naming = true
	m.name.Reset()
	m.name.Focus()
}

func (m *profilesModel) updateNaming(msg tea.KeyMsg) (*profilesModel, tea.Cmd) {
	switch msg.String() {
	case "esc":
		if len(m.list) > 0 {
			m.naming = false
			m.name.Blur()
		}
		return m, nil
	case "enter":
		name := strings.TrimSpace(m.name.Value())
		if err := vault.ValidateProfileName(name); err != nil {
			m.err = err.Error()
			return m, nil
		}
		v := m.s.Vault
		return m, func() tea.Msg {
			p, err := v.CreateProfile(name)
			if err != nil {
				return profileFailedMsg{err}
			}
			return profileChosenMsg{p}
		}
	}
	m.err = ""
	var cmd tea.Cmd
	m.name, cmd = m.name.Update(msg)
	return m, cmd
}

func (m *profilesModel) View() string {
	th := m.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Client profiles") + th.Muted.Render("  needing attention first") + "\n\n")
	if !m.loaded {
		return th.Page.Render(b.String() + th.Muted.Render("reading the vault…"))
	}
	if len(m.list) > 0 {
		b.WriteString(th.Muted.Render(fmt.Sprintf("  %-28s %-9s %-11s %s", "PROFILE", "SANDBOX", "PRODUCTION", "LAST CHECK")) + "\n")
	}
	for i, r := range m.list {
		line := fmt.Sprintf("%-28s %-9s %-11s %s", truncate(r.p.Name, 28), r.sandbox, r.production, r.checkText())
		if r.attention {
			line = th.Attention.Render("!") + " " + line
		} else {
			line = "  " + line
		}
		if i == m.cursor && !m.naming {
			b.WriteString(th.Current.Render("▸ "+line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	newRow := "+ New profile"
	if m.cursor == len(m.list) && !m.naming {
		b.WriteString(th.Current.Render("▸ "+newRow) + "\n")
	} else {
		b.WriteString("  " + th.Muted.Render(newRow) + "\n")
	}
	if m.naming {
		b.WriteString("\nName of the new profile (enter to create")
		if len(m.list) > 0 {
			b.WriteString(", esc to go back")
		}
		b.WriteString(")\n" + m.name.View() + "\n")
	}
	if m.pasting {
		b.WriteString("\nPaste a sealed hand-off from a client; it opens by itself when complete (esc cancels).\n" + m.paste.View() + "\n")
	}
	if m.opening != nil {
		b.WriteString(m.confirmView())
	}
	if m.note != "" {
		b.WriteString("\n" + th.OK.Render(m.note))
	}
	if m.err != "" {
		b.WriteString("\n" + th.Error.Render(m.err))
	}
	return th.Page.Render(b.String())
}

// workspaceNoteMsg reports an action of the client list.
type workspaceNoteMsg struct {
	note string
	err  error
}

// writeReport writes the profile's onboarding report (markdown, no secrets).
func writeReport(s *Session, p *vault.Profile) tea.Cmd {
	v, dir, now := s.Vault, s.ExportDir, s.now()
	return func() tea.Msg {
		doc, err := report.Build(v, p, now)
		if err != nil {
			return workspaceNoteMsg{err: err}
		}
		if dir == "" {
			dir = "."
		}
		path := filepath.Join(dir, "dexonboard-report-"+slug(p.Name)+"-"+now.UTC().Format("20060102-150405")+".md")
		if err := os.WriteFile(path, []byte(doc.Markdown()), 0o600); err != nil {
			return workspaceNoteMsg{err: err}
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return workspaceNoteMsg{note: "report written: " + path}
	}
}

// recheck verifies a profile again with its saved login, without a browser.
func recheck(s *Session, p *vault.Profile) tea.Cmd {
	v, now, hc := s.Vault, s.now, s.HTTP
	return func() tea.Msg {
		env := dexcom.Sandbox
		if p.LastCheck != nil {
			env = p.LastCheck.Env
		}
		a, ok := p.Apps[env]
		if !ok || a.ClientID == "" {
			return workspaceNoteMsg{err: fmt.Errorf("%s has no %s app yet: open it and walk the steps", p.Name, env.Label())}
		}
		tok, err := v.Token(p.ID, env)
		if err != nil || tok == nil {
			return workspaceNoteMsg{err: fmt.Errorf("%s has no saved login: open it and connect in step 6", p.Name)}
		}
		ep, err := s.Endpoints(env)
		if err != nil {
			return workspaceNoteMsg{err: err}
		}
		if hc == nil {
			hc = &http.Client{Timeout: time.Minute}
		}
		chk := &connect.Check{Endpoints: ep, Env: env, App: a.Credentials(), Days: 1, HTTP: hc, Now: now, Saved: tok,
			Save:   func(t *oauth2.Token) error { return v.SaveToken(p.ID, env, t) },
			Forget: func() error { return v.DeleteToken(p.ID, env) },
			Login: connect.Login{Open: func(context.Context, string) error {
				return errors.New("the saved login was refused: open the profile and connect again in step 6")
			}}}
		out, err := chk.Run(context.Background())
		cp := cloneProfile(p)
		cp.LastCheck = CheckResultOf(connect.NewReport(env, ep, a.Credentials(), 1, now(), out, err))
		if err := v.SaveProfile(cp); err != nil {
			return workspaceNoteMsg{err: err}
		}
		if !cp.LastCheck.OK {
			return workspaceNoteMsg{err: fmt.Errorf("%s: %s", p.Name, cp.LastCheck.Summary)}
		}
		return workspaceNoteMsg{note: p.Name + ": " + cp.LastCheck.Summary}
	}
}
