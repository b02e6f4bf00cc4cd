package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
)

// unlockModel asks for the vault passphrase, or for a new one twice.
type unlockModel struct {
	s       *Session
	theme   Theme
	inputs  []textinput.Model
	focus   int
	err     string
	working bool
	width   int // the terminal's, for wrapping

	// The new passphrase's strength, rated in Update when it changes (a
	// rating takes milliseconds, View runs every frame).
	strength func(string) (int, string)
	rating   *passRating
	k        struct{ Next, Prev, Enter key.Binding }
}

// Keys are the unlock screen's bindings: enter, and tab between two fields.
func (m *unlockModel) Keys() keySet { return keySet{&m.k.Next, &m.k.Prev, &m.k.Enter} }

// syncKeys enables what works now: nothing while the key is derived.
func (m *unlockModel) syncKeys() {
	enable(len(m.inputs) > 1 && !m.working, &m.k.Next, &m.k.Prev)
	m.k.Enter.SetEnabled(!m.working)
}

type passRating struct {
	score    int
	feedback string
	enough   bool // strong and long enough to be accepted
}

type (
	unlockedMsg     struct{ v *vault.Vault }
	unlockFailedMsg struct{ err error }
)

func newUnlockModel(s *Session, th Theme, k KeyMap) *unlockModel {
	m := &unlockModel{s: s, theme: th, strength: vault.Strength}
	m.k.Next, m.k.Prev, m.k.Enter = k.FormNext, k.FormPrev, k.Enter
	n := 1
	if s.Create {
		n = 2
	}
	for i := 0; i < n; i++ {
		ti := textinput.New()
		ti.EchoMode, ti.EchoCharacter = textinput.EchoPassword, '•'
		ti.Prompt = "› "
		ti.Width = 40
		ti.CharLimit = 256
		m.inputs = append(m.inputs, ti)
	}
	m.inputs[0].Focus()
	m.syncKeys()
	return m
}

func (m *unlockModel) Init() tea.Cmd {
	return textinput.Blink
}

func (m *unlockModel) Update(msg tea.Msg) (*unlockModel, tea.Cmd) {
	before := m.inputs[0].Value()
	cmd := m.update(msg)
	m.syncKeys()
	if v := m.inputs[0].Value(); m.s.Create && v != before {
		m.rate(v)
	}
	return m, cmd
}

func (m *unlockModel) rate(pass string) {
	if pass == "" {
		m.rating = nil
		return
	}
	score, feedback := m.strength(pass)
	m.rating = &passRating{score: score, feedback: feedback,
		enough: score >= 3 && utf8.RuneCountInString(pass) >= vault.MinPassphraseLen}
}

func (m *unlockModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case unlockFailedMsg:
		m.working = false
		m.err = msg.err.Error()
		for i := range m.inputs {
			m.inputs[i].Reset()
		}
		m.focusOn(0)
		return nil
	case tea.KeyMsg:
		if m.working {
			return nil
		}
		switch {
		case key.Matches(msg, m.k.Next):
			m.focusOn((m.focus + 1) % len(m.inputs))
			return nil
		case key.Matches(msg, m.k.Prev):
			m.focusOn((m.focus + len(m.inputs) - 1) % len(m.inputs))
			return nil
		case key.Matches(msg, m.k.Enter):
			return m.submit()
		}
	}
	var cmd tea.Cmd
	m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
	if _, ok := msg.(tea.KeyMsg); ok {
		m.err = ""
	}
	return cmd
}

func (m *unlockModel) focusOn(i int) {
	m.inputs[m.focus].Blur()
	m.focus = i
	m.inputs[i].Focus()
}

func (m *unlockModel) submit() tea.Cmd {
	pass := []byte(m.inputs[0].Value())
	if len(pass) == 0 {
		m.err = "type the passphrase"
		return nil
	}
	if m.s.Create {
		if m.focus == 0 {
			if err := vault.CheckPassphrase(string(pass)); err != nil {
				m.err = err.Error()
				return nil
			}
			m.focusOn(1)
			return nil
		}
		if m.inputs[1].Value() != string(pass) {
			m.err = "the two passphrases differ"
			return nil
		}
	}
	m.working = true
	s := m.s
	return func() tea.Msg {
		defer secret.Wipe(pass)
		v, err := s.OpenVault(pass)
		if err != nil {
			return unlockFailedMsg{err}
		}
		return unlockedMsg{v}
	}
}

func (m *unlockModel) View() string {
	var b strings.Builder
	th := m.theme
	if m.s.Create {
		b.WriteString(th.Title.Render("Create your vault") + "\n\n")
		b.WriteString(wrap(m.width, "dexonboard keeps Client IDs, Secrets, tokens and progress in one encrypted file:") + "\n")
		b.WriteString(m.path() + "\n\n")
		b.WriteString(wrap(m.width, "Choose a passphrase. Without it nobody, including ROOK, can open the vault.") + "\n\n")
		b.WriteString("Passphrase\n" + m.inputs[0].View() + "\n")
		if r := m.rating; r != nil {
			style := th.Error
			if r.enough {
				style = th.OK
			}
			b.WriteString(strengthBar(r.score) + " " + style.Render(r.feedback) + "\n")
		}
		b.WriteString("\nRepeat it\n" + m.inputs[1].View() + "\n")
	} else {
		b.WriteString(th.Title.Render("Unlock your vault") + "\n\n")
		b.WriteString(m.path() + "\n\n")
		b.WriteString("Passphrase\n" + m.inputs[0].View() + "\n")
	}
	switch {
	case m.working:
		b.WriteString("\n" + th.Muted.Render("deriving the key…"))
	case m.err != "":
		b.WriteString("\n" + th.Error.Render(wrap(m.width, unlockHint(m.err))))
	}
	return th.Page.Render(b.String())
}

// path is the vault's path, whole: a long one goes on over several lines.
func (m *unlockModel) path() string {
	width := m.width - 4 // the page's padding, and a cell to spare
	if m.width <= 0 {
		width = 76
	}
	return m.theme.Muted.Render(fit(m.s.VaultPath, width))
}

func strengthBar(score int) string {
	return "[" + strings.Repeat("■", score) + strings.Repeat("□", 4-score) + "]"
}

// unlockHint adds what to do to a vault error.
func unlockHint(msg string) string {
	switch {
	case strings.Contains(msg, "wrong passphrase"):
		return msg + ". Try again; nothing was changed."
	case strings.Contains(msg, "in use"):
		return msg + "."
	case strings.HasSuffix(msg, "does not follow links to its vault"), strings.HasSuffix(msg, "is not a plain file"): // vault.WrongFileError
		return msg + ": quit, and start dexonboard with --vault and the vault file itself."
	}
	return msg
}
