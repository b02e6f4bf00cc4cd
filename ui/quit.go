package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/service"
)

// quitKeys answer "quit with unstored input?": store, discard or cancel.
type quitKeys struct{ Store, Discard, Cancel key.Binding }

func newQuitKeys() quitKeys {
	return quitKeys{
		Store:   key.NewBinding(key.WithKeys("s", "enter"), key.WithHelp("s", "store and quit")),
		Discard: key.NewBinding(key.WithKeys("d", "ctrl+c"), key.WithHelp("d", "discard and quit")),
		Cancel:  key.NewBinding(key.WithKeys("esc", "c", "q"), key.WithHelp("esc", "cancel")),
	}
}

// unstored names the fields holding what was typed but not stored.
func (p *stepPage) unstored() []string {
	var out []string
	for _, r := range p.form.rows {
		if stores(r) && strings.TrimSpace(r.input.Value()) != strings.TrimSpace(r.Get(p.s)) {
			out = append(out, r.Label)
		}
	}
	return out
}

// stores: the field's answer is kept in the vault (the public key of step
// 4 is only used to seal).
func stores(r row) bool {
	return r.Kind == service.Field && (r.Set != nil || r.ID == "client_id" || r.ID == "client_secret")
}

// storeTyped stores what was typed: fields that store themselves, and step
// 3's credentials through its button. A refusal is returned, not dropped.
func (p *stepPage) storeTyped() ([]tea.Cmd, error) {
	var cmds []tea.Cmd
	credentials := false
	for i := range p.form.rows {
		r := &p.form.rows[i]
		if !stores(*r) || strings.TrimSpace(r.input.Value()) == strings.TrimSpace(r.Get(p.s)) {
			continue
		}
		if r.Set == nil {
			credentials = true
			continue
		}
		if _, err := p.s.Answer(p.spec.Step, r.Row, r.input.Value()); err != nil {
			return nil, err
		}
		cmds = append(cmds, saveProfile(p.s, p.spec.Step))
	}
	if credentials {
		if err := p.s.StoreCredentials(p.form.input("client_id").Value(), p.form.input("client_secret").Value()); err != nil {
			return nil, err
		}
		cmds = append(cmds, saveProfile(p.s, p.spec.Step))
	}
	return cmds, nil
}

// unstoredInput lists, per step, the fields with unstored input.
func (w *Wizard) unstoredInput() []string {
	if w.screen != screenSteps && w.screen != screenFinished && w.screen != screenGlucose {
		return nil
	}
	var out []string
	for _, pg := range w.pages {
		if p, ok := pg.(*stepPage); ok {
			if u := p.unstored(); len(u) > 0 {
				out = append(out, p.spec.Step.ShortTitle()+": "+strings.Join(u, ", "))
			}
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
	w.quitting = true
	return tea.Sequence(saveProgress(w.s), tea.Quit)
}

// answerQuit handles a key while the wizard asks about unstored input.
func (w *Wizard) answerQuit(msg tea.KeyMsg) tea.Cmd {
	k := w.quitKeys
	switch {
	case key.Matches(msg, k.Store):
		var cmds []tea.Cmd
		for _, pg := range w.pages {
			p, ok := pg.(*stepPage)
			if !ok {
				continue
			}
			c, err := p.storeTyped()
			if err != nil {
				w.askProblem = p.spec.Step.ShortTitle() + ": " + explain(err)
				return nil
			}
			cmds = append(cmds, c...)
		}
		w.quitting, w.asking = true, nil
		return tea.Sequence(append(cmds, saveProgress(w.s), tea.Quit)...)
	case key.Matches(msg, k.Discard):
		w.quitting, w.asking = true, nil
		return tea.Sequence(saveProgress(w.s), tea.Quit)
	case key.Matches(msg, k.Cancel):
		w.asking = nil
	}
	return nil
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
