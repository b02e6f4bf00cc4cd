package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
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
	storing  bool             // the name typed before quitting is being stored
	k        profilesKeys
}

// profileRow is one client's line (see service.Summaries).
type profileRow = service.ProfileSummary

// profilesKeys are the client list's bindings, enabled with its state.
type profilesKeys struct {
	Up, Down, Open, Recheck, Report, Paste, Create, Cancel key.Binding
	Yes, No                                                key.Binding
}

type (
	profilesLoadedMsg struct {
		rows []profileRow
		err  error
	}
	profileChosenMsg struct{ p *onboarding.Profile }
	profileFailedMsg struct{ err error }
)

func newProfilesModel(s *Session, th Theme, k KeyMap) *profilesModel {
	ti := textinput.New()
	ti.Prompt = "› "
	ti.Placeholder = "client or company name"
	ti.CharLimit = 80
	ti.Width = 40
	m := &profilesModel{s: s, theme: th, keys: k, name: ti, k: profilesKeys{Up: k.Up, Down: k.Down, Open: k.OpenProfile,
		Recheck: k.Recheck, Report: k.Report, Paste: k.Paste, Create: k.CreateProfile, Cancel: k.Back, Yes: k.Replace, No: k.Keep}}
	m.sync()
	return m
}

// Keys are the list's bindings in help order.
func (m *profilesModel) Keys() keySet {
	k := &m.k
	return keySet{&k.Up, &k.Down, &k.Open, &k.Recheck, &k.Report, &k.Paste, &k.Create, &k.Cancel, &k.Yes, &k.No}
}

// sync enables what works now: list keys on the list, create/back while naming.
func (m *profilesModel) sync() {
	k, list := &m.k, !m.capturing()
	onProfile := list && m.cursor < len(m.list)
	enable(list, &k.Up, &k.Down, &k.Open, &k.Paste)
	enable(onProfile, &k.Report)
	enable(onProfile && !m.checking, &k.Recheck)
	enable(m.naming, &k.Create)
	enable((m.naming && len(m.list) > 0) || m.pasting, &k.Cancel)
	enable(m.opening != nil, &k.Yes, &k.No)
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
	if key.Matches(msg, m.k.Cancel) {
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
	v, now := m.s.Vault, m.s.Time()
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
	case key.Matches(msg, m.k.Yes):
		m.opening = nil
		return m, m.storeHandoff(o, true)
	case key.Matches(msg, m.k.No):
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
	b.WriteString(th.Attention.Render("Replace what it holds? "+keyDoes(m.k.Yes, "replaces")+", "+keyDoes(m.k.No, "keeps what is stored")) + "\n")
	return b.String()
}

func (m *profilesModel) Init() tea.Cmd {
	v := m.s.Vault
	return func() tea.Msg {
		rows, err := service.Summaries(v)
		return profilesLoadedMsg{rows: rows, err: err}
	}
}

func (m *profilesModel) Update(msg tea.Msg) (*profilesModel, tea.Cmd) {
	defer m.sync()
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
		m.err = nameProblem(msg.err)
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
		case key.Matches(msg, m.k.Paste):
			return m, m.startPaste()
		case key.Matches(msg, m.k.Report):
			return m, writeReport(m.s, m.list[m.cursor].Profile)
		case key.Matches(msg, m.k.Recheck):
			m.checking, m.note, m.err = true, "checking "+m.list[m.cursor].Profile.Name+" with its saved login…", ""
			return m, recheck(m.s, m.list[m.cursor].Profile)
		case key.Matches(msg, m.k.Up):
			m.cursor = max(0, m.cursor-1)
		case key.Matches(msg, m.k.Down):
			m.cursor = min(len(m.list), m.cursor+1)
		case key.Matches(msg, m.k.Open):
			if m.cursor == len(m.list) {
				m.startNaming()
				return m, textinput.Blink
			}
			p := m.list[m.cursor].Profile
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
	switch {
	case key.Matches(msg, m.k.Cancel):
		m.naming = false
		m.name.Blur()
		return m, nil
	case key.Matches(msg, m.k.Create):
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

// created ends the naming: the name typed is a profile now.
func (m *profilesModel) created() {
	m.naming = false
	m.name.Reset()
	m.name.Blur()
	m.sync()
}

// unstored is the new profile's name, typed but not created.
func (m *profilesModel) unstored() []string {
	name := strings.TrimSpace(m.name.Value())
	if !m.naming || name == "" {
		return nil
	}
	return []string{fmt.Sprintf("new profile %q", name)}
}

// nameStoredMsg says whether the name typed before quitting became a profile.
type nameStoredMsg struct{ err error }

// storeName creates the typed profile as enter would, for the quit question.
func (m *profilesModel) storeName() (tea.Cmd, error) {
	name := strings.TrimSpace(m.name.Value())
	if err := vault.ValidateProfileName(name); err != nil {
		return nil, err
	}
	m.storing = true
	v := m.s.Vault
	return func() tea.Msg {
		_, err := v.CreateProfile(name)
		return nameStoredMsg{err}
	}, nil
}

// nameProblem says why a name was refused, and what to do.
func nameProblem(err error) string {
	if errors.Is(err, vault.ErrProfileExists) {
		return err.Error() + ": give the new one another name, or open that one from the list"
	}
	return err.Error()
}

func (m *profilesModel) View() string {
	th := m.theme
	var b strings.Builder
	b.WriteString(th.Title.Render("Client profiles") + th.Muted.Render("  needing attention first") + "\n\n")
	if !m.loaded {
		return th.Page.Render(b.String() + th.Muted.Render("reading the vault…"))
	}
	if len(m.list) > 0 {
		b.WriteString(th.Muted.Render(fmt.Sprintf("    %-26s %-11s  %-11s  %s", "PROFILE", "SANDBOX", "PRODUCTION", "LAST CHECK")) + "\n")
	}
	for i, r := range m.list {
		// Two spaces between the columns: "not started" fills its column.
		line := fmt.Sprintf("%s %-11s  %-11s  %s", padCells(truncate(r.Profile.Name, 26), 26), r.Sandbox, r.Production, r.CheckText())
		if r.Attention {
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
		b.WriteString("\nName of the new profile (" + keyTo(m.k.Create, "create"))
		if len(m.list) > 0 {
			b.WriteString(", " + keyTo(m.k.Cancel, "go back"))
		}
		b.WriteString(")\n" + m.name.View() + "\n")
	}
	if m.pasting {
		b.WriteString("\nPaste a sealed hand-off from a client; it opens by itself when complete (" + keyDoes(m.k.Cancel, "cancels") + ").\n" + m.paste.View() + "\n")
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
func writeReport(s *Session, p *onboarding.Profile) tea.Cmd {
	v, dir, now := s.Vault, s.ExportDir, s.Time()
	return func() tea.Msg {
		path, err := service.WriteReport(v, p, dir, now)
		if err != nil {
			return workspaceNoteMsg{err: err}
		}
		return workspaceNoteMsg{note: "report written: " + path}
	}
}

// recheck verifies a profile again with its saved login, without a browser.
func recheck(s *Session, p *onboarding.Profile) tea.Cmd {
	return func() tea.Msg {
		res, err := s.Recheck(context.Background(), p)
		switch {
		case errors.Is(err, service.ErrNoCredentials):
			return workspaceNoteMsg{err: fmt.Errorf("%w: open it and walk the steps", err)}
		case errors.Is(err, service.ErrNoSavedLogin):
			return workspaceNoteMsg{err: fmt.Errorf("%s has no saved login: open it and connect in step 6", p.Name)}
		case err != nil:
			return workspaceNoteMsg{err: err}
		case !res.OK:
			return workspaceNoteMsg{err: fmt.Errorf("%s: %s (open the profile and connect again in step 6)", p.Name, res.Summary)}
		}
		return workspaceNoteMsg{note: p.Name + ": " + res.Summary}
	}
}
