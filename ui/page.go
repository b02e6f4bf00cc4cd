package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// page is one step's screen. The wizard owns navigation between pages.
type page interface {
	Step() onboarding.Step
	// Enter is called each time the page is shown.
	Enter() tea.Cmd
	Update(tea.Msg) (page, tea.Cmd)
	// View draws the page and says on which line its cursor is.
	View() (string, int)
	SetSize(width, height int)
	// Keys are the page's own bindings, enabled with its state.
	Keys() keySet
	// Capturing is true while a text field has focus, so letters are text.
	Capturing() bool
}

// base holds what every page has.
type base struct {
	s      *Session
	theme  Theme
	keys   KeyMap
	width  int
	height int
}

// buildPages makes the pages of the session's track.
func buildPages(s *Session, th Theme, k KeyMap) []page {
	b := base{s: s, theme: th, keys: k}
	pages := []page{
		newStepPage(b, onboarding.Prerequisites, &prereqExtra{}),
		newStepPage(b, onboarding.CreateAccount, &accountExtra{}),
		newStepPage(b, onboarding.CreateApp, noExtra{}),
		newStepPage(b, onboarding.CollectCredentials, &credentialsExtra{}),
		newStepPage(b, onboarding.ShareWithROOK, &shareExtra{}),
		newStepPage(b, onboarding.ConfigureRedirect, &redirectExtra{}),
		newConnectPage(b),
	}
	if s.Progress.Track == onboarding.SandboxTrack {
		pages = append(pages, newStepPage(b, onboarding.RequestProduction, productionExtra{}))
	}
	return pages
}

// stepExtra is what one step adds to the shared step page.
type stepExtra interface {
	// handle sees a message before the form; done says it was used.
	handle(p *stepPage, msg tea.Msg) (cmd tea.Cmd, done bool)
	// act runs one of the step's actions.
	act(p *stepPage, id string) tea.Cmd
	// above and below are the step's own lines around the form.
	above(p *stepPage) string
	below(p *stepPage) string
	// keys are the step's own bindings (enabled in sync).
	keys(p *stepPage) keySet
	sync(p *stepPage)
}

// noExtra is a step that is its spec and nothing more.
type noExtra struct{}

func (noExtra) handle(*stepPage, tea.Msg) (tea.Cmd, bool) { return nil, false }
func (noExtra) act(*stepPage, string) tea.Cmd             { return nil }
func (noExtra) above(*stepPage) string                    { return "" }
func (noExtra) below(*stepPage) string                    { return "" }
func (noExtra) keys(*stepPage) keySet                     { return nil }
func (noExtra) sync(*stepPage)                            {}

// stepPage draws a step from its spec: heading, explanation, the form of
// ticks, fields and actions, and the step's date; the extra adds the rest.
type stepPage struct {
	base
	spec    onboarding.Spec
	form    form
	problem string
	date    key.Binding
	extra   stepExtra
}

func newStepPage(b base, st onboarding.Step, extra stepExtra) *stepPage {
	spec := onboarding.SpecOf(st)
	p := &stepPage{base: b, spec: spec, form: newForm(spec, b.s, b.keys), date: b.keys.Date, extra: extra}
	if e, ok := extra.(interface{ init(*stepPage) }); ok {
		e.init(p)
	}
	p.sync()
	return p
}

func (p *stepPage) Step() onboarding.Step { return p.spec.Step }
func (p *stepPage) Capturing() bool       { return p.form.capturing() }
func (p *stepPage) Enter() tea.Cmd {
	if e, ok := p.extra.(interface{ enter(*stepPage) tea.Cmd }); ok {
		return e.enter(p)
	}
	return nil
}

func (p *stepPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.form.width = w
	for _, r := range p.form.rows {
		if r.input != nil {
			r.input.Width = inputWidth(w)
			pos := r.input.Position() // fit the shown part to the new width
			showStart(r.input)
			r.input.SetCursor(pos)
		}
	}
}

func (p *stepPage) Keys() keySet {
	return append(p.form.keySet(), p.extra.keys(p)...)
}

// sync enables the page's bindings for its state.
func (p *stepPage) sync() {
	p.form.sync()
	p.date.SetEnabled(p.spec.Date != nil && !p.Capturing())
	p.extra.sync(p)
}

func (p *stepPage) Update(msg tea.Msg) (page, tea.Cmd) {
	defer p.sync()
	if cmd, done := p.extra.handle(p, msg); done {
		return p, cmd
	}
	if km, ok := msg.(tea.KeyMsg); ok && key.Matches(km, p.date) {
		p.s.SetToday(p.spec.Step, p.spec.Date.ID)
		p.s.Settle(p.spec.Step)
		return p, saveProgress(p.s)
	}
	ev, r, cmd := p.form.update(msg)
	switch ev {
	case evToggled:
		p.s.Toggle(p.spec.Step, r.ID)
		return p, tea.Batch(cmd, saveProgress(p.s), p.changed())
	case evEdited:
		p.problem = ""
	case evSubmit:
		return p, tea.Batch(cmd, p.answer(r, true))
	case evMoved:
		return p, tea.Batch(cmd, p.answer(r, false))
	case evAction:
		return p, tea.Batch(cmd, p.extra.act(p, r.ID))
	}
	return p, cmd
}

// answer checks a field's answer and stores it when the field stores
// itself; enter also moves on. Leaving a field stores a changed answer.
func (p *stepPage) answer(r *row, enter bool) tea.Cmd {
	if r.Kind != onboarding.Field {
		return nil
	}
	if !enter && (r.ForAction || strings.TrimSpace(r.input.Value()) == p.s.Value(r.ID)) {
		return nil
	}
	v, err := p.s.Answer(p.spec.Step, r.Row, r.input.Value())
	if err != nil {
		p.problem = explain(err)
		return nil
	}
	p.problem = ""
	r.input.SetValue(v)
	var cmds []tea.Cmd
	if !r.ForAction {
		cmds = append(cmds, saveProfile(p.s, p.spec.Step), saveProgress(p.s), p.changed())
	}
	if enter {
		if p.form.cursor == len(p.form.rows)-1 {
			p.form.blur()
		} else {
			cmds = append(cmds, p.form.move(p.form.cursor+1))
		}
	}
	return tea.Batch(cmds...)
}

func (p *stepPage) View() (string, int) {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.Title.Render(p.spec.Heading) + "\n\n")
	b.WriteString(wrap(p.width, p.s.Intro(p.spec.Step)) + "\n\n")
	b.WriteString(p.extra.above(p))
	top := strings.Count(b.String(), "\n")
	form, cursor := p.form.view(th, p.s)
	b.WriteString(form)
	b.WriteString(p.extra.below(p))
	return b.String(), top + cursor
}

// changed lets a step whose completion needs more than what is recorded
// (step 5's preflight) settle again after a tick or an answer.
func (p *stepPage) changed() tea.Cmd {
	if e, ok := p.extra.(interface{ changed(*stepPage) tea.Cmd }); ok {
		return e.changed(p)
	}
	return nil
}

// dateLine shows the step's date, its label padded to width.
func (p *stepPage) dateLine(width int) string {
	th, d := p.theme, p.spec.Date
	date := p.s.Progress.Field(p.spec.Step, d.ID)
	if date == "" {
		date = th.Muted.Render("not yet (" + pressTo(p.date, "set today") + ")")
	}
	return th.Key.Render(fmt.Sprintf("%-*s", width, d.Label)) + date
}

// problemView is the page's refusal, if any, on its own line.
func (p *stepPage) problemView() string {
	if p.problem == "" {
		return ""
	}
	return "\n" + p.theme.Error.Render(p.problem)
}

// preflightWhat is what the preflight checks, for the line before it runs.
const preflightWhat = "Dexcom's login accepts the Client ID and each redirect URI (following its redirects to the sign-in page)"

// preflightView shows each redirect URI's preflight answer: the sign-in
// page reached, or Dexcom's refusal with its reason.
func preflightView(th Theme, rs []PreflightResult) string {
	var b strings.Builder
	for _, r := range rs {
		switch {
		case r.Err != nil:
			b.WriteString("\n  " + th.Error.Render("✗ ") + r.RedirectURI + ": " + r.Err.Error())
		case r.OK():
			b.WriteString("\n  " + th.OK.Render("✓ 200") + " " + r.RedirectURI + th.Muted.Render(" (Dexcom's sign-in page)"))
		default:
			why := "the client ID or this redirect URI is not registered"
			if r.Detail != "" {
				why = r.Detail // the login probe's reason, in Dexcom's words
			}
			b.WriteString("\n  " + th.Error.Render(fmt.Sprintf("✗ %d", r.Status)) + " " + r.RedirectURI + th.Muted.Render(": "+why))
		}
	}
	return b.String()
}

// explain adds what to do on a screen to a refusal from the service.
func explain(err error) string {
	var in *service.InputError
	if !errors.As(err, &in) {
		return err.Error()
	}
	switch in.Problem {
	case service.BadKey, service.NotLoopback, service.BadValue:
		return in.Detail
	case service.NotAnOption:
		return in.Error() + ": type its number"
	case service.Empty:
		if in.Field == "the public key" {
			return in.Error() + ": paste your CSE's public key (age1…)"
		}
		return in.Error() + ": type it as it is in the portal"
	}
	return in.Error()
}
