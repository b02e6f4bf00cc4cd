package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// rowKind is what a form row does.
type rowKind int

const (
	rowCheck  rowKind = iota // a checklist item, stored in the step's progress
	rowInput                 // a text field
	rowAction                // a button
)

// row is one line of a page's form.
type row struct {
	kind  rowKind
	id    string
	label string
	hint  string
	input *textinput.Model
}

// form is the cursor over a page's rows: ticks, fields and buttons. It is
// the shared part of every step page.
type form struct {
	step   onboarding.Step
	rows   []row
	cursor int
	width  int
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

// capturing is true when the cursor is on a text field.
func (f *form) capturing() bool {
	r := f.current()
	return r != nil && r.kind == rowInput && r.input.Focused()
}

// move puts the cursor on row i and focuses it if it is a field.
func (f *form) move(i int) tea.Cmd {
	if len(f.rows) == 0 {
		return nil
	}
	i = max(0, min(len(f.rows)-1, i))
	if r := f.current(); r.kind == rowInput {
		r.input.Blur()
	}
	f.cursor = i
	if r := f.current(); r.kind == rowInput {
		return r.input.Focus()
	}
	return nil
}

// focus moves to the row with this id.
func (f *form) focus(id string) tea.Cmd {
	for i, r := range f.rows {
		if r.id == id {
			return f.move(i)
		}
	}
	return nil
}

// formEvent is what a key did on the form.
type formEvent int

const (
	evNone    formEvent = iota
	evToggled           // a checklist item flipped (row id)
	evSubmit            // enter on a field
	evAction            // enter on a button
	evMoved
	evEdited
)

// update handles movement, ticking and typing; the page decides what an
// event means.
func (f *form) update(msg tea.Msg, k KeyMap, s *Session) (formEvent, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	r := f.current()
	if r == nil {
		return evNone, nil
	}
	if !ok {
		if r.kind == rowInput {
			var cmd tea.Cmd
			*r.input, cmd = r.input.Update(msg)
			return evNone, cmd
		}
		return evNone, nil
	}
	// j and k are letters in a text field; arrows and tab move everywhere.
	text := r.kind == rowInput
	switch ks := km.String(); {
	case ks == "down" || ks == "tab" || (!text && ks == "j"):
		return evMoved, f.move(f.cursor + 1)
	case ks == "up" || ks == "shift+tab" || (!text && ks == "k"):
		return evMoved, f.move(f.cursor - 1)
	case text && ks == "esc":
		r.input.Blur()
		return evMoved, nil
	}
	if text && !r.input.Focused() {
		if key.Matches(km, k.Enter) {
			return evMoved, r.input.Focus()
		}
		return evNone, nil
	}
	switch r.kind {
	case rowCheck:
		if key.Matches(km, k.Toggle) || key.Matches(km, k.Enter) {
			s.Progress.Toggle(f.step, r.id, s.now())
			return evToggled, nil
		}
	case rowAction:
		if key.Matches(km, k.Enter) {
			return evAction, nil
		}
	case rowInput:
		if key.Matches(km, k.Enter) {
			return evSubmit, nil
		}
		var cmd tea.Cmd
		*r.input, cmd = r.input.Update(km)
		return evEdited, cmd
	}
	return evNone, nil
}

// view draws the rows.
func (f *form) view(th Theme, s *Session) string {
	var b strings.Builder
	for i, r := range f.rows {
		sel := i == f.cursor
		pointer := "  "
		if sel {
			pointer = th.Current.Render("▸ ")
		}
		switch r.kind {
		case rowCheck:
			box := "[ ]"
			style := th.Value
			if s.Progress.Checked(f.step, r.id) {
				box, style = th.Done.Render("[✓]"), th.Muted
			}
			b.WriteString(pointer + box + " " + style.Render(hang(r.label, f.width-8, 6)))
		case rowInput:
			label := r.label
			if sel {
				label = th.Focused.Render(label)
			}
			b.WriteString(pointer + label + "\n    " + r.input.View())
		case rowAction:
			st := th.Button
			if sel {
				st = th.ButtonActive
			}
			b.WriteString(pointer + st.Render("[ "+r.label+" ]"))
		}
		if r.hint != "" && sel {
			b.WriteString("\n    " + th.Subtle.Render(r.hint))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// formKeys are the keys a form uses, for the help bar.
func (f *form) keys(k KeyMap) []key.Binding {
	out := []key.Binding{k.Up, k.Down}
	if r := f.current(); r != nil {
		switch r.kind {
		case rowCheck:
			out = append(out, k.Toggle)
		case rowInput:
			if r.input.Focused() {
				return []key.Binding{k.Tab, k.ShiftTab, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
					key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave field"))}
			}
			out = append(out, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit")))
		case rowAction:
			out = append(out, k.Enter)
		}
	}
	return out
}

// hang wraps text to width, indenting continuation lines.
func hang(text string, width, indent int) string {
	if width <= 10 {
		return text
	}
	return strings.ReplaceAll(wrap(width+2, text), "\n", "\n"+strings.Repeat(" ", indent))
}

// input is the text field with this id.
func (f *form) input(id string) *textinput.Model {
	for _, r := range f.rows {
		if r.id == id {
			return r.input
		}
	}
	panic("form: no field " + id) // a programming error in a page
}
