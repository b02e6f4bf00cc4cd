package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

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
		if stores(*r) && strings.TrimSpace(r.input.Value()) != strings.TrimSpace(s.Value(r.ID)) {
			out = append(out, r)
		}
	}
	return out
}

// stores: the field's answer is kept in the vault (the public key of step
// 4 is only used to seal).
func stores(r row) bool {
	return r.Kind == onboarding.Field && (!r.ForAction || r.ID == onboarding.FieldClientID || r.ID == onboarding.FieldClientSecret)
}

func (p *stepPage) unstored() []string { return p.form.unstored(p.s) }

// storeTyped stores what was typed: fields that store themselves, and step
// 3's credentials through its button.
func (p *stepPage) storeTyped() ([]tea.Cmd, error) {
	var cmds []tea.Cmd
	credentials := false
	for _, r := range p.form.changed(p.s) {
		if r.ForAction {
			credentials = true
			continue
		}
		if _, err := p.s.Answer(p.spec.Step, r.Row, r.input.Value()); err != nil {
			return cmds, err
		}
		cmds = append(cmds, saveProfile(p.s, p.spec.Step))
	}
	if credentials {
		if err := p.s.StoreCredentials(p.form.input(onboarding.FieldClientID).Value(), p.form.input(onboarding.FieldClientSecret).Value()); err != nil {
			return cmds, err
		}
		cmds = append(cmds, saveProfile(p.s, p.spec.Step))
	}
	return cmds, nil
}

// Step 6's ROOK fields store as they are left; one the session refused
// still holds what was typed.
func (p *connectPage) unstored() []string { return p.fields.form.unstored(p.s) }

func (p *connectPage) storeTyped() ([]tea.Cmd, error) {
	var cmds []tea.Cmd
	for _, r := range p.fields.form.changed(p.s) {
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
	return append(out, w.pagesUnstored()...)
}

// pagesUnstored lists, per step, the fields holding typed input.
func (w *Wizard) pagesUnstored() []string {
	var out []string
	for _, p := range w.typedPages() {
		if u := p.unstored(); len(u) > 0 {
			out = append(out, p.Step().ShortTitle()+": "+strings.Join(u, ", "))
		}
	}
	return out
}

// question lists what the open question is about: leaving replaces only
// the step pages; quitting also drops a new profile's name.
func (w *Wizard) question() []string {
	if w.asking != nil && w.asking.leaving != nil {
		return w.pagesUnstored()
	}
	return w.unstoredInput()
}

// typedPages are the step pages of the profile and track in the session.
// The client list, opened from the finished screen, still has them; on the
// track picker they are being left, and leave asked about them already.
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
		w.asking = newQuestion(w.keys, u, nil)
		return nil
	}
	return w.quitAfter()
}

// quitAfter runs cmds (saves, if any), then saves the progress and quits.
func (w *Wizard) quitAfter(cmds ...tea.Cmd) tea.Cmd {
	w.quitting, w.asking = true, nil
	return tea.Sequence(append(cmds, saveProgress(w.s), tea.Quit)...)
}

// answer acts on the open question's answer to a key.
func (w *Wizard) answer(msg tea.KeyMsg) tea.Cmd {
	a := w.asking.Update(msg)
	if w.asking.leaving != nil {
		return w.answerLeave(a)
	}
	switch a {
	case store:
		return w.storeAndQuit()
	case discard:
		return w.quitAfter()
	case cancel:
		w.asking = nil
	}
	return nil
}

// refused says in the open question why input was not stored; it stays.
func (w *Wizard) refused(problem string) {
	if w.asking == nil {
		w.asking = newQuestion(w.keys, nil, nil)
	}
	w.asking.about, w.asking.problem = w.question(), problem
}

// storeAndQuit stores what was typed and quits, or says what was refused
// and stays. A new profile is created off the event loop: nameStoredMsg
// then quits.
func (w *Wizard) storeAndQuit() tea.Cmd {
	cmds, ok := w.storePages()
	if !ok {
		return tea.Batch(cmds...)
	}
	if w.screen == screenProfiles && w.profiles.unstored() != nil {
		create, err := w.profiles.storeName()
		if err != nil {
			w.refused("new profile: " + err.Error())
			return tea.Batch(cmds...)
		}
		w.asking.busy = true // until nameStoredMsg
		return tea.Batch(append(cmds, create)...)
	}
	return w.quitAfter(cmds...)
}

// storePages stores the step pages' typed input, in the profile and track
// they belong to; a refusal is said in the question, which stays.
func (w *Wizard) storePages() ([]tea.Cmd, bool) {
	var cmds []tea.Cmd
	for _, p := range w.typedPages() {
		c, err := p.storeTyped()
		cmds = append(cmds, c...)
		if err != nil {
			w.refused(p.Step().ShortTitle() + ": " + explain(err))
			return cmds, false
		}
	}
	return cmds, true
}

// nameStored quits once the new profile is created, or says why it was not.
func (w *Wizard) nameStored(msg nameStoredMsg) tea.Cmd {
	w.profiles.storing = false
	if w.quitting { // ctrl+c meanwhile
		return nil
	}
	if msg.err != nil { // the steps' input may be stored by now
		w.asking = newQuestion(w.keys, nil, nil)
		w.refused("new profile: " + nameProblem(msg.err))
		return nil
	}
	return w.quitAfter()
}

// leave goes where msg leads (another profile, the other track), which
// replaces the step pages: when they hold typed input it asks first, as
// quitting does, and the move waits for the answer.
func (w *Wizard) leave(msg tea.Msg) tea.Cmd {
	u := w.pagesUnstored()
	if len(u) == 0 {
		return w.navigate(msg)
	}
	if w.asking != nil || w.quitting {
		// The quit question came first: the move is dropped (the keys
		// that asked for it are pressed again after a cancel).
		return w.dropped(msg)
	}
	if _, ok := msg.(profileChosenMsg); ok && w.screen == screenProfiles {
		w.profiles.created() // a name typed there is a profile now
	}
	w.asking = newQuestion(w.keys, u, msg)
	return nil
}

// dropped ends a move not made; on the client list, a profile created
// for it shows in the list.
func (w *Wizard) dropped(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(profileChosenMsg); ok && w.screen == screenProfiles {
		w.profiles.created()
		return w.profiles.Init()
	}
	return nil
}

// answerLeave acts on the answer to the question asked before leaving the
// step pages: s stores and goes on, d goes on, esc stays. ctrl+c is a
// quit: it asks the quit question, and a second one discards.
func (w *Wizard) answerLeave(a answer) tea.Cmd {
	switch a {
	case quitInstead:
		w.asking = newQuestion(w.keys, w.unstoredInput(), nil)
	case store:
		cmds, ok := w.storePages()
		if !ok {
			return tea.Batch(cmds...)
		}
		// step 3's store marks the step done: save the progress the
		// pages belong to before the move replaces it.
		return w.goOn(append(cmds, saveProgress(w.s))...)
	case discard:
		return w.goOn()
	case cancel:
		msg := w.asking.leaving
		w.asking = nil
		return w.dropped(msg)
	}
	return nil
}

// goOn makes the move the question held, after cmds (the stores' saves).
func (w *Wizard) goOn(cmds ...tea.Cmd) tea.Cmd {
	msg := w.asking.leaving
	w.asking = nil
	return tea.Batch(append(cmds, w.navigate(msg))...)
}
