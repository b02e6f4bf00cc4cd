package ui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// helpView is the help bar. When the keys do not fit the width, the page's
// keys go first, from the last, so → next, ? help and q quit stay.
func (w *Wizard) helpView() string {
	if w.asking != nil {
		return w.asking.View(w.theme, w.help, w.width)
	}
	hk := w.helpKeys()
	if w.help.ShowAll {
		return w.help.View(hk)
	}
	h := w.help
	h.Width = 0 // measured here, not cut by bubbles/help
	drop := append(hk.page.ShortHelp(), hk.optional...)
	for {
		v := h.ShortHelpView(append(append([]key.Binding(nil), drop...), hk.global...))
		if w.width <= 0 || ansi.StringWidth(v) <= w.width {
			return v
		}
		if len(drop) == 0 {
			return ansi.Truncate(v, w.width, "…")
		}
		drop = drop[:len(drop)-1]
	}
}

// helpKeys are the current screen's keys, then the global ones: optional
// ones (← previous) give way first; more are listed only by ? (the keys of
// a field, which work once one is edited).
type helpKeys struct {
	page             keySet
	optional, global []key.Binding
	more             []key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding {
	return append(append(h.page.ShortHelp(), h.optional...), h.global...)
}

func (h helpKeys) FullHelp() [][]key.Binding {
	cols := [][]key.Binding{h.page.ShortHelp()}
	if len(h.more) > 0 {
		cols = append(cols, h.more)
	}
	return append(cols, append(h.optional, h.global...))
}

// enabled keeps the bindings that work.
func enabled(bs ...key.Binding) []key.Binding {
	var out []key.Binding
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

func (w *Wizard) helpKeys() helpKeys {
	k := w.keys
	switch w.screen {
	case screenSteps:
		if w.capturing() {
			return helpKeys{page: w.pages[w.current].Keys(), global: []key.Binding{k.ForceQuit}}
		}
		if w.faults != nil {
			return helpKeys{page: w.faults.Keys(), global: []key.Binding{k.ForceQuit}}
		}
		prev, next, faults := k.Prev, k.Next, k.Faults // copies: the first page has no previous; after the last, the finished screen
		prev.SetEnabled(w.current > 0)
		faults.SetEnabled(len(w.s.Faults) > 0)
		return helpKeys{page: w.pages[w.current].Keys(), optional: enabled(prev),
			global: enabled(next, faults, k.Help, k.Quit), more: w.fieldKeys()}
	case screenGlucose:
		return helpKeys{page: w.glucose.Keys(), global: []key.Binding{k.Help, k.Quit}}
	case screenFinished:
		return helpKeys{page: w.finished.Keys(), global: []key.Binding{k.Help, k.Quit}}
	case screenProfiles:
		if w.profiles.capturing() {
			return helpKeys{page: w.profiles.Keys(), global: []key.Binding{k.ForceQuit}}
		}
		return helpKeys{page: w.profiles.Keys(), global: []key.Binding{k.Help, k.Quit}}
	case screenTrack:
		return helpKeys{page: w.track.Keys(), global: []key.Binding{k.Help, k.Quit}}
	}
	return helpKeys{page: w.unlock.Keys(), global: []key.Binding{k.ForceQuit}}
}

// fieldKeys are the keys inside a field, for ? on a page that has one.
func (w *Wizard) fieldKeys() []key.Binding {
	p, ok := w.pages[w.current].(*stepPage)
	if !ok {
		return nil
	}
	for _, r := range p.form.rows {
		if r.Kind == onboarding.Field {
			k := w.keys
			return []key.Binding{k.EditThen, k.Store, k.Tab, k.ShiftTab, k.Leave, k.ForceQuit}
		}
	}
	return nil
}
