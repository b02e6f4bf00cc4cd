package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/service"
)

// faultsModel is the list of misconfigurations the session carries (when
// it runs against simulators that can play them): the one picked is
// switched on, and any other off, so step 6 shows how dexonboard names it;
// picking it again switches it off. Picking closes the list.
type faultsModel struct {
	faults []service.Fault
	cursor int
	keys   faultKeys
}

type faultKeys struct{ Up, Down, Switch, Close key.Binding }

func newFaultsModel(fs []service.Fault, k KeyMap) *faultsModel {
	m := &faultsModel{faults: fs, keys: faultKeys{Up: k.Up, Down: k.Down, Switch: k.FaultSwitch, Close: k.FaultClose}}
	for i, f := range fs { // open at the one that is on
		if f.On() {
			m.cursor = i
		}
	}
	return m
}

// Keys are the list's keys, for the help bar.
func (m *faultsModel) Keys() keySet {
	return keySet{&m.keys.Up, &m.keys.Down, &m.keys.Switch, &m.keys.Close}
}

// Update reads a key; done is true when the list closes, with what
// changed said in flash (failed: it could not be switched).
func (m *faultsModel) Update(msg tea.KeyMsg) (done bool, flash string, failed bool) {
	switch {
	case key.Matches(msg, m.keys.Up):
		m.cursor = (m.cursor + len(m.faults) - 1) % len(m.faults)
	case key.Matches(msg, m.keys.Down):
		m.cursor = (m.cursor + 1) % len(m.faults)
	case key.Matches(msg, m.keys.Switch):
		flash, failed = m.pick()
		return true, flash, failed
	case key.Matches(msg, m.keys.Close):
		return true, "", false
	}
	return false, "", false
}

// pick switches the row under the cursor: off when it is on, else on with
// every other off.
func (m *faultsModel) pick() (string, bool) {
	f := m.faults[m.cursor]
	if f.On() {
		if err := f.Set(false); err != nil {
			return "Could not switch off " + f.Name + ": " + err.Error(), true
		}
		return "Switched off: " + f.Name, false
	}
	for _, other := range m.faults {
		if other.On() {
			if err := other.Set(false); err != nil {
				return "Could not switch off " + other.Name + ": " + err.Error(), true
			}
		}
	}
	if err := f.Set(true); err != nil {
		return "Could not switch on " + f.Name + ": " + err.Error(), true
	}
	return "Switched on: " + f.Name + ". It shows in " + f.Where + ".", false
}

// active is the name of the misconfiguration switched on ("" : none).
func activeFault(fs []service.Fault) string {
	for _, f := range fs {
		if f.On() {
			return f.Name
		}
	}
	return ""
}

// View draws the list width cells wide.
func (m *faultsModel) View(th Theme, width int) string {
	var b strings.Builder
	b.WriteString(th.Title.Render("Misconfigurations to try") + "\n\n")
	b.WriteString(th.Muted.Render(wrap(width, "Pick one to switch it on in the simulators (any other goes off), then see how "+
		"dexonboard names it. Pick it again to switch it off.")) + "\n\n")
	for i, f := range m.faults {
		mark, style := "○", th.Todo
		if f.On() {
			mark, style = "●", th.Attention
		}
		line := style.Render(mark) + " " + truncate(f.Name, width-8)
		if f.On() {
			line += " " + th.Attention.Render("on")
		}
		if i == m.cursor {
			line = th.Current.Render("▸ ") + line
		} else {
			line = "  " + line
		}
		b.WriteString(line + "\n")
	}
	where := m.faults[m.cursor].Where
	b.WriteString("\n" + th.Muted.Render(wrap(width, "Shows in "+where+".")))
	return b.String()
}
