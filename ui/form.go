package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// row is one line of a page's form: a spec row and, for a field, its input.
type row struct {
	onboarding.Row
	input *textinput.Model
}

// formKeys are the form's bindings, enabled with the row under the cursor.
type formKeys struct {
	Up, Down, NextField, PrevField, Toggle, Edit, Store, Leave, Press key.Binding
	// Open is only named in a link's hint; the page handles it.
	Open key.Binding
}

func newFormKeys(k KeyMap) formKeys {
	return formKeys{
		Up: k.FormUp, Down: k.FormDown, NextField: k.FormNext, PrevField: k.FormPrev, Toggle: k.FormTick, Edit: k.Edit, Store: k.Store, Leave: k.Leave, Press: k.Press, Open: k.Open,
	}
}

// form is the cursor over a page's rows: ticks, fields and buttons. It is
// the shared part of every step page.
type form struct {
	step   onboarding.Step
	rows   []row
	cursor int
	width  int
	keys   formKeys
}

// newForm makes the rows of a step's spec, fields filled from the session.
func newForm(spec onboarding.Spec, s *Session, k KeyMap) form {
	f := form{step: spec.Step, keys: newFormKeys(k)}
	for _, r := range spec.Rows {
		fr := row{Row: r}
		if r.Kind == onboarding.Field {
			fr.input = newInput(s.Placeholder(r), r.Limit, r.Secret)
			fr.input.SetValue(s.Value(r.ID))
			showStart(fr.input)
		}
		f.rows = append(f.rows, fr)
	}
	f.sync()
	return f
}

func newInput(placeholder string, limit int, secret bool) *textinput.Model {
	ti := textinput.New()
	ti.Prompt = "› "
	ti.Placeholder = placeholder
	ti.CharLimit = limit
	ti.Width = 48
	if secret {
		ti.EchoMode, ti.EchoCharacter = textinput.EchoPassword, '•'
	}
	return &ti
}

func (f *form) current() *row {
	if len(f.rows) == 0 {
		return nil
	}
	return &f.rows[f.cursor]
}

// capturing is true when the cursor is on a focused text field.
func (f *form) capturing() bool {
	r := f.current()
	return r != nil && r.Kind == onboarding.Field && r.input.Focused()
}

// sync enables the bindings that work on the current row.
func (f *form) sync() {
	k := &f.keys
	enable(false, &k.Up, &k.Down, &k.NextField, &k.PrevField, &k.Toggle, &k.Edit, &k.Store, &k.Leave, &k.Press)
	r := f.current()
	switch {
	case r == nil:
	case f.capturing():
		enable(true, &k.NextField, &k.PrevField, &k.Store, &k.Leave)
	case r.Kind == onboarding.Tick:
		enable(true, &k.Up, &k.Down, &k.Toggle)
	case r.Kind == onboarding.Field:
		enable(true, &k.Up, &k.Down, &k.Edit)
	default:
		enable(true, &k.Up, &k.Down, &k.Press)
	}
}

// keySet is the form's part of its page's help.
func (f *form) keySet() keySet {
	k := &f.keys
	return keySet{&k.Up, &k.Down, &k.NextField, &k.PrevField, &k.Toggle, &k.Edit, &k.Store, &k.Leave, &k.Press}
}

// move puts the cursor on row i. A field is edited only after enter, so
// letters stay keys; moving on from a field being edited edits the next.
func (f *form) move(i int) tea.Cmd {
	defer f.sync()
	if len(f.rows) == 0 {
		return nil
	}
	i = max(0, min(len(f.rows)-1, i))
	editing := f.capturing()
	if r := f.current(); r.Kind == onboarding.Field {
		r.input.Blur()
		showStart(r.input)
	}
	f.cursor = i
	if r := f.current(); r.Kind == onboarding.Field && editing {
		return f.edit(r)
	}
	return nil
}

// edit focuses a field with its cursor at the end of what it holds.
func (f *form) edit(r *row) tea.Cmd {
	cmd := r.input.Focus()
	r.input.CursorEnd()
	f.sync()
	return cmd
}

// blur leaves the current field, keeping the cursor on it and showing
// the field's start.
func (f *form) blur() {
	if r := f.current(); r != nil && r.input != nil {
		r.input.Blur()
		showStart(r.input)
	}
	f.sync()
}

// formEvent is what a key did on the form.
type formEvent int

const (
	evNone    formEvent = iota
	evToggled           // a checklist item was pressed
	evSubmit            // enter on a field
	evAction            // enter on a button
	evMoved             // the cursor left a row
	evEdited
)

// update handles movement and typing; the page decides what an event means.
// It returns the row the event is about (for evMoved, the row left).
func (f *form) update(msg tea.Msg) (formEvent, *row, tea.Cmd) {
	r := f.current()
	if r == nil {
		return evNone, nil, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		if r.Kind == onboarding.Field {
			var cmd tea.Cmd
			*r.input, cmd = r.input.Update(msg)
			return evNone, r, cmd
		}
		return evNone, r, nil
	}
	k := f.keys
	switch {
	case key.Matches(km, k.Down, k.NextField):
		return evMoved, r, f.move(f.cursor + 1)
	case key.Matches(km, k.Up, k.PrevField):
		return evMoved, r, f.move(f.cursor - 1)
	case key.Matches(km, k.Leave):
		f.blur()
		return evMoved, r, nil
	case key.Matches(km, k.Edit):
		return evNone, r, f.edit(r)
	case key.Matches(km, k.Toggle):
		return evToggled, r, nil
	case key.Matches(km, k.Press):
		return evAction, r, nil
	case key.Matches(km, k.Store):
		return evSubmit, r, nil
	}
	if f.capturing() {
		var cmd tea.Cmd
		*r.input, cmd = r.input.Update(km)
		return evEdited, r, cmd
	}
	return evNone, r, nil
}

// view draws the rows and says on which line the cursor's row starts.
func (f *form) view(th Theme, s *Session) (string, int) {
	var b strings.Builder
	line, cursor := 0, 0
	for i, r := range f.rows {
		if i == f.cursor {
			cursor = line
		}
		sel := i == f.cursor
		pointer := "  "
		if sel {
			pointer = th.Current.Render("▸ ")
		}
		var out string
		switch r.Kind {
		case onboarding.Tick:
			box, style := "[ ]", th.Value
			if s.Progress.Checked(f.step, r.ID) {
				box, style = th.Done.Render("[✓]"), th.Muted
			}
			out = pointer + box + " " + style.Render(hang(r.Label, f.width-8, 6))
			if r.URL != "" { // on a line of its own, so it never wraps
				out += "\n      " + th.Muted.Render(pressTo(f.keys.Open, "open it"))
			}
		case onboarding.Field:
			label := r.Label
			if sel {
				label = th.Focused.Render(label)
			}
			out = pointer + label + "\n    " + r.input.View()
		case onboarding.Action:
			st := th.Button
			if sel {
				st = th.ButtonActive
			}
			out = pointer + st.Render("[ "+r.Label+" ]")
		}
		if r.Hint != "" && sel {
			out += "\n    " + th.Subtle.Render(r.Hint)
		}
		b.WriteString(out + "\n")
		line += strings.Count(out, "\n") + 1
	}
	return b.String(), cursor
}

// hang wraps text to width, indenting continuation lines.
func hang(text string, width, indent int) string {
	if width <= 10 {
		return text
	}
	return strings.ReplaceAll(fit(text, width-1), "\n", "\n"+strings.Repeat(" ", indent))
}

// input is the text field with this id.
func (f *form) input(id string) *textinput.Model {
	for _, r := range f.rows {
		if r.ID == id {
			return r.input
		}
	}
	panic("form: no field " + id) // a programming error in a page
}

// showStart shows a field from its first character. Moving to the end first
// makes bubbles' textinput measure its window again (after SetValue or a new
// Width it keeps the old one, showing text past its width).
func showStart(ti *textinput.Model) {
	ti.CursorEnd()
	ti.CursorStart()
}
