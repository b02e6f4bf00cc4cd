package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// rookFields are step 6's ROOK credential fields (e edits them in place):
// the fields of step 6's spec in a form, and the refusal of the last
// answer.
type rookFields struct {
	form    form
	editing bool
	problem string
}

// newROOKFields is the fields of step 6's spec (ROOK credentials, test
// user).
func newROOKFields(s *Session, k KeyMap) rookFields {
	spec := onboarding.SpecOf(onboarding.AuthenticateTestUser)
	var rows []onboarding.Row
	for _, r := range spec.Rows {
		if r.Kind == onboarding.Field {
			rows = append(rows, r)
		}
	}
	spec.Rows = rows
	return rookFields{form: newForm(spec, s, k)}
}

// open starts editing at the first field.
func (f *rookFields) open() tea.Cmd {
	f.editing, f.problem = true, ""
	f.form.cursor = 0
	return f.form.edit(&f.form.rows[0])
}

// update handles a key while the fields are edited: answers are stored
// as in every step form; esc (cancel) or enter on the last one leaves.
func (f *rookFields) update(s *Session, msg tea.KeyMsg, cancel key.Binding) tea.Cmd {
	ev, row, cmd := f.form.update(msg)
	store := func(enter bool) tea.Cmd {
		if row == nil || row.Kind != onboarding.Field {
			return nil
		}
		if !enter && strings.TrimSpace(row.input.Value()) == s.Value(row.ID) {
			return nil
		}
		v, err := s.Answer(onboarding.AuthenticateTestUser, row.Row, row.input.Value())
		if err != nil {
			f.problem = explain(err)
			return nil
		}
		f.problem = ""
		if !row.Secret {
			row.input.SetValue(v)
		}
		return saveProfile(s, onboarding.AuthenticateTestUser)
	}
	switch ev {
	case evSubmit:
		save := store(true)
		if f.problem != "" {
			return tea.Batch(cmd, save)
		}
		if f.form.cursor == len(f.form.rows)-1 {
			f.form.blur()
			f.editing = false
			return tea.Batch(cmd, save)
		}
		return tea.Batch(cmd, save, f.form.move(f.form.cursor+1))
	case evMoved:
		save := store(false)
		if key.Matches(msg, f.form.keys.Leave) && !f.form.capturing() {
			f.editing = false
		}
		return tea.Batch(cmd, save)
	case evEdited:
		f.problem = ""
	case evNone:
		if key.Matches(msg, cancel) {
			f.editing = false
		}
	}
	return cmd
}

// view draws the fields being edited and says on which of its lines the
// cursor's row starts.
func (f *rookFields) view(th Theme, s *Session, k KeyMap) (string, int) {
	v, cursor := f.form.view(th, s)
	if f.problem != "" {
		v += th.Error.Render(f.problem) + "\n"
	}
	return v + th.Muted.Render(keyDoes(k.Store, "stores")+" · "+keyDoes(k.Leave, "leaves")) + "\n", cursor
}

// summary is the fields in two lines while they are not edited.
func (f *rookFields) summary(th Theme, s *Session, edit key.Binding) string {
	a := s.App()
	uuid := a.ROOKClientUUID
	if uuid == "" {
		uuid = s.ROOKClientUUID() // a prefilled one
	}
	if len(uuid) > 13 {
		uuid = uuid[:8] + "…" // not secret; the whole one is under e
	}
	if uuid == "" {
		uuid = th.Muted.Render("not set (" + edit.Help().Key + ")")
	}
	user := a.ROOKUserID
	if user == "" {
		user = onboarding.DefaultROOKUserID
	}
	return th.Key.Render("ROOK      ") + string(s.ROOKEnv()) + " · client " + uuid + "\n" +
		th.Key.Render("Test user ") + user + "\n"
}
