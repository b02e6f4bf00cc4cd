package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// quitKeys answer "quit with unstored input?": store, discard or cancel.
// A second ctrl+c discards: it always gets out.
type quitKeys struct{ Store, Discard, Cancel key.Binding }

func newQuitKeys() quitKeys {
	return quitKeys{
		Store:   key.NewBinding(key.WithKeys("s", "enter"), key.WithHelp("s", "store and quit")),
		Discard: key.NewBinding(key.WithKeys("d", "ctrl+c"), key.WithHelp("d", "discard and quit")),
		Cancel:  key.NewBinding(key.WithKeys("esc", "c", "q"), key.WithHelp("esc", "cancel")),
	}
}

// typedInput is a page that can hold input typed but not stored.
type typedInput interface {
	page
	// unstored names the fields holding it.
	unstored() []string
	// storeTyped stores it; a refusal is returned, not dropped.
	storeTyped() ([]tea.Cmd, error)
}

// unstored names the fields holding what was typed but not stored.
func (f *form) unstored(s *Session) []string {
	var out []string
	for _, r := range f.changed(s) {
		out = append(out, r.Label)
	}
	return out
}

// changed are the fields whose input differs from what the session holds.
func (f *form) changed(s *Session) []*row {
	var out []*row
	for i := range f.rows {
		r := &f.rows[i]
		if stores(*r) && strings.TrimSpace(r.input.Value()) != strings.TrimSpace(r.Get(s)) {
			out = append(out, r)
		}
	}
	return out
}

// stores: the field's answer is kept in the vault (the public key of step
// 4 is only used to seal).
func stores(r row) bool {
	return r.Kind == service.Field && (r.Set != nil || r.ID == "client_id" || r.ID == "client_secret")
}

func (p *stepPage) unstored() []string { return p.form.unstored(p.s) }

// storeTyped stores what was typed: fields that store themselves, and step
// 3's credentials through its button.
func (p *stepPage) storeTyped() ([]tea.Cmd, error) {
	var cmds []tea.Cmd
	credentials := false
	for _, r := range p.form.changed(p.s) {
		if r.Set == nil {
			credentials = true
			continue
		}
		if _, err := p.s.Answer(p.spec.Step, r.Row, r.input.Value()); err != nil {
			return cmds, err
		}
		cmds = append(cmds, saveProfile(p.s, p.spec.Step))
	}
	if credentials {
		if err := p.s.StoreCredentials(p.form.input("client_id").Value(), p.form.input("client_secret").Value()); err != nil {
			return cmds, err
		}
		cmds = append(cmds, saveProfile(p.s, p.spec.Step))
	}
	return cmds, nil
}

// Step 6's ROOK fields store as they are left; one the session refused
// still holds what was typed.
func (p *connectPage) unstored() []string { return p.rook.form.unstored(p.s) }

func (p *connectPage) storeTyped() ([]tea.Cmd, error) {
	var cmds []tea.Cmd
	for _, r := range p.rook.form.changed(p.s) {
		if _, err := p.s.Answer(onboarding.AuthenticateTestUser, r.Row, r.input.Value()); err != nil {
			return cmds, err
		}
		cmds = append(cmds, saveProfile(p.s, onboarding.AuthenticateTestUser))
	}
	return cmds, nil
}

// unstoredInput lists what typed input quitting would lose: per step, the
// fields; on the client list, the new profile's name.
func (w *Wizard) unstoredInput() []string {
	var out []string
	if w.screen == screenProfiles {
		out = append(out, w.profiles.unstored()...)
	}
	for _, p := range w.typedPages() {
		if u := p.unstored(); len(u) > 0 {
			out = append(out, p.Step().ShortTitle()+": "+strings.Join(u, ", "))
		}
	}
	return out
}

// typedPages are the step pages of the profile and track in the session.
// The client list, opened from the finished screen, still has them; the
// track picker may not (a profile picked there has no pages yet).
func (w *Wizard) typedPages() []typedInput {
	switch w.screen {
	case screenSteps, screenFinished, screenGlucose, screenProfiles:
	default:
		return nil
	}
	var out []typedInput
	for _, pg := range w.pages {
		if p, ok := pg.(typedInput); ok {
			out = append(out, p)
		}
	}
	return out
}

// quit ends the program, asking first when typed input would be lost.
func (w *Wizard) quit() tea.Cmd {
	if u := w.unstoredInput(); len(u) > 0 {
		w.asking, w.askProblem = u, ""
		return nil
	}
	return w.quitNow()
}

func (w *Wizard) quitNow() tea.Cmd { return w.quitAfter() }

// quitAfter runs cmds (saves), then saves the progress and quits.
func (w *Wizard) quitAfter(cmds ...tea.Cmd) tea.Cmd {
	w.quitting, w.asking = true, nil
	return tea.Sequence(append(cmds, saveProgress(w.s), tea.Quit)...)
}

// answerQuit handles a key while the wizard asks about unstored input.
// While a new profile is being created only ctrl+c does something: it quits.
func (w *Wizard) answerQuit(msg tea.KeyMsg) tea.Cmd {
	k := w.quitKeys
	if w.screen == screenProfiles && w.profiles.storing {
		if key.Matches(msg, w.keys.ForceQuit) {
			return w.quitNow()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Store):
		return w.storeAndQuit()
	case key.Matches(msg, k.Discard):
		return w.quitNow()
	case key.Matches(msg, k.Cancel):
		w.asking = nil
	}
	return nil
}

// storeAndQuit stores what was typed and quits, or says what was refused
// and stays. A new profile is created off the event loop: nameStoredMsg
// then quits.
func (w *Wizard) storeAndQuit() tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range w.typedPages() {
		c, err := p.storeTyped()
		cmds = append(cmds, c...)
		if err != nil {
			w.asking, w.askProblem = w.unstoredInput(), p.Step().ShortTitle()+": "+explain(err)
			return tea.Batch(cmds...)
		}
	}
	if w.screen == screenProfiles && w.profiles.unstored() != nil {
		create, err := w.profiles.storeName()
		if err != nil {
			w.asking, w.askProblem = w.unstoredInput(), "new profile: "+err.Error()
			return tea.Batch(cmds...)
		}
		return tea.Batch(append(cmds, create)...)
	}
	return w.quitAfter(cmds...)
}

// nameStored quits once the new profile is created, or says why it was not.
func (w *Wizard) nameStored(msg nameStoredMsg) tea.Cmd {
	w.profiles.storing = false
	if w.quitting { // ctrl+c meanwhile
		return nil
	}
	if msg.err != nil { // the steps' input may be stored by now
		w.asking, w.askProblem = w.unstoredInput(), "new profile: "+nameProblem(msg.err)
		return nil
	}
	return w.quitNow()
}

// askView is the question in place of the help bar.
func (w *Wizard) askView() string {
	th := w.theme
	lines := []string{th.Warn.Render("Typed but not stored: ") + strings.Join(w.asking, "; ")}
	if w.askProblem != "" {
		lines = append(lines, th.Error.Render("Not stored: "+w.askProblem))
	}
	h := w.help
	h.Width = 0
	lines = append(lines, h.ShortHelpView([]key.Binding{w.quitKeys.Store, w.quitKeys.Discard, w.quitKeys.Cancel}))
	for i := range lines {
		lines[i] = strings.Join(wrapIndented(lines[i], max(20, w.width)), "\n")
	}
	return strings.Join(lines, "\n")
}
