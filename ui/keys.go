package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds every key binding; pages enable the ones that work on them, so
// the help bar shows only keys that do something.
type KeyMap struct {
	Next, Prev, Up, Down, Toggle, Enter, Back, Tab, ShiftTab key.Binding
	Connect, Cancel, Copy, Open, Date, Status, Preflight     key.Binding
	Window, Units, Export, Refresh                           key.Binding
	Yes, No                                                  key.Binding
	Help, Quit                                               key.Binding
}

// DefaultKeys are dexonboard's keys.
func DefaultKeys() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Next:      b("→/pgdn", "next step", "right", "pgdown", "L"),
		Prev:      b("←/pgup", "previous step", "left", "pgup", "H"),
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		Toggle:    b("space", "tick", " "),
		Enter:     b("enter", "confirm", "enter"),
		Back:      b("esc", "back", "esc"),
		Tab:       b("tab", "next field", "tab"),
		ShiftTab:  b("shift+tab", "previous field", "shift+tab"),
		Connect:   b("c", "connect", "c"),
		Cancel:    b("esc", "cancel", "esc"),
		Copy:      b("y", "copy", "y"),
		Open:      b("o", "open in browser", "o"),
		Date:      b("d", "set date to today", "d"),
		Status:    b("r", "review status", "r"),
		Preflight: b("p", "preflight", "p"),
		Window:    b("w", "window", "w"),
		Units:     b("u", "mg/dL ↔ mmol/L", "u"),
		Export:    b("e", "export", "e"),
		Refresh:   b("f", "refresh", "f"),
		Yes:       b("y", "yes", "y"),
		No:        b("n/esc", "no", "n", "esc"),
		Help:      b("?", "help", "?"),
		Quit:      b("q", "quit", "q", "ctrl+c"),
	}
}
