package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds every key binding once, so a key changes in one place. Each
// screen copies the ones it uses into its own set and enables them with its
// state, so the help bar shows only keys that do something now.
type KeyMap struct {
	Next, Prev, Up, Down, Toggle, Enter, Back, Tab, ShiftTab key.Binding
	Edit, Store, Leave, Press                                key.Binding
	Browser, Glucose, Cancel, Copy, Open, Date, Status       key.Binding
	Preflight, Report, Recheck, Paste                        key.Binding
	ROOK, EditROOK                                           key.Binding
	Window, Units, Mode, Export, Refresh                     key.Binding
	Help, Quit, ForceQuit                                    key.Binding
	// The question before quitting or leaving with unstored input.
	StoreQuit, DiscardQuit, CancelQuit key.Binding
	// A form's rows and an unlock screen's fields: the arrows and tab move.
	FormUp, FormDown, FormNext, FormPrev, FormTick, EditThen key.Binding
	// The client list and the finished screen.
	OpenProfile, CreateProfile, Replace, Keep, OtherTrack, ClientList, BackToSteps key.Binding
	// Step 6: the direct check, with enter while no run has a result (the
	// page's first action), then without; continue once connected.
	CheckDirect, CheckDirectAgain, Continue key.Binding
	// The list of misconfigurations, when the session carries one.
	Faults, FaultSwitch, FaultClose key.Binding
	// In a field being edited only these leave it or scroll: pgdn/pgup
	// always, →/← when it is empty, the arrows past the first/last row.
	FieldPageDown, FieldPageUp, FieldRight, FieldLeft, FieldDown, FieldUp key.Binding
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
		Edit:      b("enter", "edit", "enter"),
		Store:     b("enter", "save", "enter"),
		Leave:     b("esc", "leave field", "esc"),
		Press:     b("enter", "confirm", "enter"),
		Browser:   b("b", "log in with my browser", "b"),
		Glucose:   b("g", "glucose data", "g"),
		Cancel:    b("esc", "cancel", "esc"),
		Copy:      b("y", "copy", "y"),
		Open:      b("o", "open in browser", "o"),
		Date:      b("d", "set date to today", "d"),
		Status:    b("r", "review status", "r"),
		Preflight: b("p", "preflight", "p"),
		ROOK:      b("r", "connect through ROOK", "r"),
		EditROOK:  b("e", "ROOK credentials", "e"),
		Report:    b("r", "report", "r"),
		Recheck:   b("c", "check again", "c"),
		Paste:     b("o", "open a hand-off", "o"),
		Window:    b("w", "window", "w"),
		Units:     b("u", "mg/dL ↔ mmol/L", "u"),
		Mode:      b("t", "chart/AGP/table", "t"),
		Export:    b("e", "export", "e"),
		Refresh:   b("f", "refresh", "f"),
		Help:      b("?", "help", "?"),
		Quit:      b("q", "quit", "q", "ctrl+c"),
		ForceQuit: b("ctrl+c", "quit", "ctrl+c"),

		StoreQuit:   b("s", "store and quit", "s", "enter"),
		DiscardQuit: b("d", "discard and quit", "d", "ctrl+c"),
		CancelQuit:  b("esc", "cancel", "esc", "c", "q"),

		FormUp: b("↑/k", "up", "up", "k", "shift+tab"), FormDown: b("↓/j", "down", "down", "j", "tab"),
		FormNext: b("tab", "next field", "tab", "down"), FormPrev: b("shift+tab", "previous field", "shift+tab", "up"),
		FormTick: b("space", "tick", " ", "enter"), EditThen: b("enter", "edit a field, then:", "enter"),

		OpenProfile: b("enter", "open", "enter"), CreateProfile: b("enter", "create", "enter"),
		Replace: b("y", "replace", "y"), Keep: b("n/esc", "keep", "n", "esc"),
		OtherTrack: b("enter", "the other track", "enter", "t"), ClientList: b("l", "client list", "l"),
		BackToSteps: b("←", "back to the steps", "left", "pgup", "H"),
		Continue:    b("enter", "continue", "enter"),
		CheckDirect: b("c", "check directly with Dexcom", "c", "enter"), CheckDirectAgain: b("c", "check directly with Dexcom", "c"),

		Faults: b("f", "misconfigurations", "f"), FaultSwitch: b("enter", "switch on/off", "enter", " "),
		FaultClose: b("f/esc", "close", "f", "esc"),

		FieldPageDown: b("pgdn", "next step", "pgdown"), FieldPageUp: b("pgup", "previous step", "pgup"),
		FieldRight: b("→", "next step (empty field)", "right"), FieldLeft: b("←", "previous step (empty field)", "left"),
		FieldDown: b("↓", "down", "down"), FieldUp: b("↑", "up", "up"),
	}
}

// keySet is one screen's bindings in help order; it is the screen's
// help.KeyMap. Disabled bindings neither match nor show.
type keySet []*key.Binding

// ShortHelp lists the enabled bindings.
func (ks keySet) ShortHelp() []key.Binding {
	var out []key.Binding
	for _, b := range ks {
		if b.Enabled() {
			out = append(out, *b)
		}
	}
	return out
}

// FullHelp is the short help as one column.
func (ks keySet) FullHelp() [][]key.Binding { return [][]key.Binding{ks.ShortHelp()} }

// enable turns each binding on or off.
func enable(on bool, bs ...*key.Binding) {
	for _, b := range bs {
		b.SetEnabled(on)
	}
}

// pressTo is a hint drawn from a binding: "press o to open it".
func pressTo(b key.Binding, what string) string { return "press " + keyTo(b, what) }

// keyTo is a shorter hint drawn from a binding: "enter to create".
func keyTo(b key.Binding, what string) string { return keyDoes(b, "to "+what) }

// keyDoes says what a binding's key does: "esc cancels".
func keyDoes(b key.Binding, does string) string { return b.Help().Key + " " + does }
