package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/tryrook/dexonboard/internal/onboarding"
)

// Minimum terminal size the layout needs.
const (
	MinWidth  = 80
	MinHeight = 24
	sidebarW  = 28
)

type screen int

const (
	screenUnlock screen = iota
	screenProfiles
	screenTrack
	screenSteps
	screenGlucose
	screenFinished
)

func (s screen) String() string {
	return [...]string{"unlock", "profiles", "track", "steps", "glucose", "finished"}[s]
}

// Wizard is the root model: it routes messages to the current screen and
// owns navigation, the header, the sidebar and the help bar.
type Wizard struct {
	s     *Session
	theme Theme
	keys  KeyMap
	help  help.Model
	bar   progress.Model

	screen   screen
	unlock   *unlockModel
	profiles *profilesModel
	track    *trackModel
	pages    []page
	current  int
	glucose  *glucoseModel
	finished *finishedModel

	width, height int
	flash         string
	flashErr      bool
	win           pageWindow   // the step page's window
	laidOut       bool         // win holds the page as the last Update left it
	asking        *question    // open while asking whether to quit or leave with unstored input
	faults        *faultsModel // open while the list of misconfigurations is shown
	quitting      bool
}

// NewWizard starts at the unlock screen, or at the steps when the session
// already has a vault, profile and track (the demo).
func NewWizard(s *Session) *Wizard {
	th, k := DefaultTheme(), DefaultKeys()
	w := &Wizard{s: s, theme: th, keys: k, help: help.New(),
		bar: progress.New(progress.WithSolidFill(string(colAccent.Dark)), progress.WithoutPercentage(), progress.WithWidth(sidebarW-4))}
	w.help.Styles.ShortKey = th.Key.Bold(true)
	w.help.Styles.ShortDesc = th.Help
	w.help.Styles.FullKey = th.Key.Bold(true)
	w.help.Styles.FullDesc = th.Help
	switch {
	case s.Vault != nil && s.Profile != nil && s.Progress != nil:
		w.startSteps()
	case s.Vault != nil:
		w.screen = screenProfiles
		w.profiles = newProfilesModel(s, th, k)
	default:
		w.unlock = newUnlockModel(s, th, k)
	}
	return w
}

// Init starts the first screen.
func (w *Wizard) Init() tea.Cmd {
	switch w.screen {
	case screenUnlock:
		return w.unlock.Init()
	case screenProfiles:
		return w.profiles.Init()
	case screenSteps:
		return w.pages[w.current].Enter()
	}
	return nil
}

func (w *Wizard) startSteps() {
	w.stopPages()
	w.screen = screenSteps
	w.pages = buildPages(w.s, w.theme, w.keys)
	w.current = min(int(w.s.Progress.FirstUnfinished()), len(w.pages)-1)
	w.win, w.laidOut = pageWindow{}, false
	w.resize()
}

// stopPages ends what the pages about to be replaced still run: a login
// waiting on its callback holds the loopback redirect port, which the new
// pages' login needs.
func (w *Wizard) stopPages() {
	for _, p := range w.pages {
		if s, ok := p.(interface{ stop() }); ok {
			s.stop()
		}
	}
}

// Current is the step shown (for tests and the accessible path).
func (w *Wizard) Current() onboarding.Step {
	if w.screen != screenSteps {
		return -1
	}
	return w.pages[w.current].Step()
}

// Screen names the screen shown.
func (w *Wizard) Screen() string { return w.screen.String() }

func (w *Wizard) capturing() bool {
	switch w.screen {
	case screenUnlock:
		return true
	case screenProfiles:
		return w.profiles.capturing()
	case screenSteps:
		return w.pages[w.current].Capturing()
	}
	return false
}

// Update routes a message; on the steps, the page is then laid out once
// for its window, which follows what the message changed. View only draws
// the window.
func (w *Wizard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if w.screen != screenSteps || w.width == 0 {
		w.laidOut = false
		return w.update(msg)
	}
	page := w.current
	if !w.laidOut { // state changed outside Update (goTo from a test)
		w.win.set(w.layout())
	}
	m, cmd := w.update(msg)
	w.laidOut = false
	if w.screen == screenSteps {
		w.follow(msg, page)
		w.laidOut = true
	}
	return m, cmd
}

func (w *Wizard) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w.width, w.height = msg.Width, msg.Height
		w.resize()
		return w, nil
	case tea.KeyMsg:
		if cmd, done := w.globalKey(msg); done {
			return w, cmd
		}
	case nameStoredMsg:
		return w, w.nameStored(msg)
	case saveFailedMsg:
		w.flash, w.flashErr = "Could not save: "+msg.err.Error(), true
		return w, nil
	case unlockedMsg:
		w.s.Unlocked(msg.v)
		w.screen = screenProfiles
		w.profiles = newProfilesModel(w.s, w.theme, w.keys)
		return w, w.profiles.Init()
	case profileChosenMsg, trackChosenMsg, startProductionMsg:
		return w, w.leave(msg)
	case openGlucoseMsg:
		w.screen, w.glucose = screenGlucose, msg.g
		w.resize()
		return w, w.glucose.Init()
	case closeGlucoseMsg, backToStepsMsg:
		w.screen = screenSteps
		return w, nil
	case showProfilesMsg:
		w.screen, w.profiles = screenProfiles, newProfilesModel(w.s, w.theme, w.keys)
		return w, w.profiles.Init()
	}
	return w, w.updateScreen(msg)
}

// navigate opens another profile or track: the step pages are replaced
// (see leave, which asks first when they hold typed input).
func (w *Wizard) navigate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case profileChosenMsg:
		w.s.OpenProfile(msg.p)
		w.screen = screenTrack
		w.track = newTrackModel(w.s, w.theme, w.keys)
		return w.track.Init()
	case trackChosenMsg:
		w.s.UseTrack(msg.progress)
		w.startSteps()
		return tea.Batch(saveProgress(w.s), w.pages[w.current].Enter())
	case startProductionMsg:
		w.screen = screenTrack
		w.track = newTrackModel(w.s, w.theme, w.keys)
		w.track.pickRegion()
	}
	return nil
}

// globalKey handles quit, help and step navigation.
func (w *Wizard) globalKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if w.asking != nil {
		return w.answer(msg), true
	}
	if key.Matches(msg, w.keys.ForceQuit) || (key.Matches(msg, w.keys.Quit) && !w.capturing()) {
		return w.quit(), true
	}
	if w.faults != nil {
		if done, flash, failed := w.faults.Update(msg); done {
			w.faults = nil
			if flash != "" {
				w.flash, w.flashErr = flash, failed
			}
			w.resize()
		}
		return nil, true
	}
	if w.screen == screenSteps && !w.capturing() && len(w.s.Faults) > 0 && key.Matches(msg, w.keys.Faults) {
		w.faults = newFaultsModel(w.s.Faults, w.keys)
		w.resize()
		return nil, true
	}
	if w.capturing() {
		return w.leaveField(msg)
	}
	switch {
	case key.Matches(msg, w.keys.Help):
		w.help.ShowAll = !w.help.ShowAll
		w.resize()
		return nil, true
	case w.screen == screenSteps && key.Matches(msg, w.keys.Next) && w.current == len(w.pages)-1:
		w.screen, w.finished = screenFinished, newFinishedModel(w.s, w.theme, w.keys)
		return nil, true
	case w.screen == screenSteps && key.Matches(msg, w.keys.Next):
		return w.goTo(w.current + 1), true
	case w.screen == screenSteps && key.Matches(msg, w.keys.Prev):
		return w.goTo(w.current - 1), true
	}
	return nil, false
}

func (w *Wizard) goTo(i int) tea.Cmd {
	if i < 0 || i >= len(w.pages) || i == w.current {
		return nil
	}
	w.current = i
	w.flash, w.win, w.laidOut = "", pageWindow{}, false
	return w.pages[i].Enter()
}

// advanceMsg asks the wizard to show the next page (a page finished).
type advanceMsg struct{}

func advance() tea.Msg { return advanceMsg{} }

func (w *Wizard) updateScreen(msg tea.Msg) tea.Cmd {
	switch w.screen {
	case screenUnlock:
		var cmd tea.Cmd
		w.unlock, cmd = w.unlock.Update(msg)
		return cmd
	case screenProfiles:
		var cmd tea.Cmd
		w.profiles, cmd = w.profiles.Update(msg)
		return cmd
	case screenTrack:
		var cmd tea.Cmd
		w.track, cmd = w.track.Update(msg)
		return cmd
	case screenFinished:
		var cmd tea.Cmd
		w.finished, cmd = w.finished.Update(msg)
		return cmd
	case screenGlucose:
		if _, ok := msg.(tea.KeyMsg); ok || isGlucoseMsg(msg) {
			var cmd tea.Cmd
			w.glucose, cmd = w.glucose.Update(msg)
			return cmd
		}
	}
	if _, ok := msg.(advanceMsg); ok {
		return w.goTo(w.current + 1)
	}
	// A background result goes to the page of its step, wherever the user
	// is; other messages (blinks, spinners) to the page shown.
	i := w.current
	if m, ok := msg.(stepMsg); ok {
		i = w.pageOf(m.forStep())
	} else if w.screen != screenSteps {
		return nil
	}
	if i < 0 || i >= len(w.pages) {
		return nil
	}
	var cmd tea.Cmd
	w.pages[i], cmd = w.pages[i].Update(msg)
	return cmd
}

// stepMsg is a background result that belongs to one step's page.
type stepMsg interface{ forStep() onboarding.Step }

func (w *Wizard) pageOf(st onboarding.Step) int {
	for i, p := range w.pages {
		if p.Step() == st {
			return i
		}
	}
	return -1
}

func isGlucoseMsg(msg tea.Msg) bool {
	switch msg.(type) {
	case glucoseLoadedMsg, exportedMsg:
		return true
	}
	return false
}

// pageSize is the step page's area below the header and above a help bar
// helpH lines tall.
func (w *Wizard) pageSize(helpH int) (int, int) {
	return max(20, w.width-sidebarW-4), max(5, w.height-3-helpH)
}

func (w *Wizard) resize() {
	helpH := lipgloss.Height(w.helpView())
	pw, ph := w.pageSize(helpH)
	for _, p := range w.pages {
		p.SetSize(pw, ph)
	}
	w.help.Width = w.width
	if w.unlock != nil {
		w.unlock.width = w.width
	}
	if w.glucose != nil {
		w.glucose.SetSize(w.width, w.height-3-helpH)
	}
}

// View draws the screen. It only reads state.
func (w *Wizard) View() string {
	if w.quitting {
		return ""
	}
	if w.width > 0 && (w.width < MinWidth || w.height < MinHeight) {
		return w.tooSmall()
	}
	help := w.helpView() // drawn once per frame, measured for the page
	var body string
	switch w.screen {
	case screenUnlock:
		body = w.unlock.View()
	case screenProfiles:
		body = w.profiles.View()
	case screenTrack:
		body = w.track.View()
	case screenGlucose:
		body = w.glucose.View()
	case screenFinished:
		body = w.finished.View()
	case screenSteps:
		if w.faults != nil {
			body = w.theme.Page.Render(w.faults.View(w.theme, w.width-2))
			break
		}
		pw, _ := w.pageSize(lipgloss.Height(help))
		win := w.win
		if !w.laidOut {
			win.set(w.layout())
		}
		page := w.theme.Page.Width(pw).Render(win.View())
		body = lipgloss.JoinHorizontal(lipgloss.Top, w.sidebar(win.vp.Height), page)
	}
	if w.height > 0 { // the help bar sits at the bottom on every screen
		body = lipgloss.NewStyle().Height(w.height - 3 - lipgloss.Height(help)).Render(body)
	}
	return lipgloss.JoinVertical(lipgloss.Left, w.header(), "", body, "\n"+help)
}

// inputWidth keeps text inputs inside the page.
func inputWidth(pageWidth int) int { return max(20, min(60, pageWidth-10)) }

func (w *Wizard) tooSmall() string {
	msg := w.theme.Warn.Render(fmt.Sprintf("dexonboard needs a terminal of at least %d×%d.\nThis one is %d×%d: enlarge it (nothing is lost).",
		MinWidth, MinHeight, w.width, w.height))
	tail := w.theme.Warn.Render("q quits.")
	if w.asking != nil { // else q would seem to do nothing
		tail = w.asking.View(w.theme, w.help, w.width)
	}
	return lipgloss.Place(w.width, w.height, lipgloss.Center, lipgloss.Center, lipgloss.JoinVertical(lipgloss.Left, msg, "", tail))
}

func (w *Wizard) header() string {
	parts := []string{w.theme.Title.Render("dexonboard")}
	if w.s.Profile != nil {
		parts = append(parts, w.theme.Header.Render(w.s.Profile.Name))
	}
	if w.s.Progress != nil {
		badge := w.theme.Badge
		label := w.s.Progress.Track.Label()
		if w.s.Progress.Track == onboarding.ProductionTrack {
			badge = w.theme.BadgeProd
			label += " · " + strings.ToUpper(string(w.s.Progress.Env))
		}
		parts = append(parts, badge.Render(label))
	}
	where := "vault: " + w.s.VaultPath
	if w.s.Throwaway != "" {
		where = "demo: throwaway vault in " + w.s.Throwaway + " (deleted on exit)"
	}
	if on := activeFault(w.s.Faults); on != "" {
		room := w.width - lipgloss.Width(strings.Join(parts, "  ")) - 4
		parts = append(parts, w.theme.Attention.Render(truncate("● "+on, room)))
	}
	line := strings.Join(parts, "  ")
	room := w.width - lipgloss.Width(line) - 2
	return line + "  " + w.theme.Muted.Render(truncate(where, room))
}

func (w *Wizard) sidebar(height int) string {
	var b strings.Builder
	for i, p := range w.pages {
		st := p.Step()
		mark, style := "·", w.theme.Todo
		switch w.s.Progress.StatusOf(st) {
		case onboarding.Done:
			mark, style = "✓", w.theme.Done
		case onboarding.Attention:
			mark, style = "!", w.theme.Attention
		}
		label := st.ShortTitle()
		if st != onboarding.Prerequisites {
			label = fmt.Sprintf("%d. %s", int(st), label)
		}
		line := style.Render(mark) + " " + truncate(label, sidebarW-6)
		if i == w.current {
			line = w.theme.Current.Render("▸ ") + w.theme.SidebarCurrent.Render(mark+" "+truncate(label, sidebarW-6))
		} else {
			line = "  " + line
		}
		b.WriteString(line + "\n")
	}
	done, total := w.s.Progress.Completed()
	b.WriteString("\n" + w.bar.ViewAs(float64(done)/float64(total)) + "\n")
	b.WriteString(w.theme.Muted.Render(fmt.Sprintf("%d of %d done", done, total)))
	return w.theme.Sidebar.Width(sidebarW).Height(height).Render(b.String())
}

func (w *Wizard) pageView() (string, int) {
	v, cursor := w.pages[w.current].View()
	if w.flash != "" {
		style := w.theme.OK
		if w.flashErr {
			style = w.theme.Error
		}
		v += "\n\n" + style.Render(w.flash)
	}
	return v, cursor
}

// layout is the step page laid out for its window: the page, its width
// inside the padding and its height.
func (w *Wizard) layout() (pageLines, int, int) {
	pw, ph := w.pageSize(lipgloss.Height(w.helpView()))
	v, cursor := w.pageView()
	return layOut(v, pw-2, cursor), pw - 2, ph
}

// follow lays the page out again after msg and moves its window: to the
// cursor when it moved or the page or size changed, a line on ↓/↑ past the
// last/first row, else to what changed (the newest result; a result drawn
// above the cursor, which only pushes the cursor's row down or up, is
// shown, not the row).
func (w *Wizard) follow(msg tea.Msg, page int) {
	km, isKey := msg.(tea.KeyMsg)
	_, resized := msg.(tea.WindowSizeMsg)
	if !w.win.placed {
		w.win.toCursor() // where the page was shown
	}
	before := w.win.page
	w.win.set(w.layout())
	after := w.win.page
	switch {
	case page != w.current || resized || (after.cursor != before.cursor && !pushedDown(before, after)):
		w.win.toCursor()
	case isKey && w.arrow(km, w.keys.Down, w.keys.FieldDown):
		w.win.by(1)
	case isKey && w.arrow(km, w.keys.Up, w.keys.FieldUp):
		w.win.by(-1)
	default:
		if a, b, ok := changed(before.lines, after.lines); ok {
			w.win.show(a, b)
		}
	}
}

// pushedDown: the cursor's line moved only because lines changed above it
// (a result appeared or went), by exactly as many lines as the page grew.
func pushedDown(before, after pageLines) bool {
	a, _, ok := changed(before.lines, after.lines)
	return ok && a <= before.cursor &&
		after.cursor-before.cursor == len(after.lines)-len(before.lines)
}

// arrow: the key is b, or in a field being edited (where j and k are
// letters) inField.
func (w *Wizard) arrow(km tea.KeyMsg, b, inField key.Binding) bool {
	if w.capturing() {
		return key.Matches(km, inField)
	}
	return key.Matches(km, b)
}

// leaveField lets pgdn/pgup, and →/← in an empty field, leave the field
// being edited for the next or previous step: focus never traps navigation.
func (w *Wizard) leaveField(msg tea.KeyMsg) (tea.Cmd, bool) {
	if w.screen != screenSteps {
		return nil, false
	}
	p, ok := w.pages[w.current].(*stepPage)
	if !ok {
		return nil, false
	}
	empty := p.form.current().input.Value() == ""
	d := 0
	switch {
	case key.Matches(msg, w.keys.FieldPageDown) || empty && key.Matches(msg, w.keys.FieldRight):
		d = 1
	case key.Matches(msg, w.keys.FieldPageUp) || empty && key.Matches(msg, w.keys.FieldLeft):
		d = -1
	default:
		return nil, false
	}
	_, cmd := p.Update(tea.KeyMsg{Type: tea.KeyEsc}) // leaves it as esc does: a changed answer is stored
	return tea.Batch(cmd, w.goTo(w.current+d)), true
}
