package ui

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/service"
)

// prereqExtra is the prerequisites' preflight of the stored app.
type prereqExtra struct {
	noExtra
	preflight key.Binding
	results   []PreflightResult
	checking  bool
	probing   bool
	webhook   *service.WebhookReport
	hookErr   string
}

// webhookProbedMsg carries a webhook probe back to the prerequisites.
type webhookProbedMsg struct {
	report *service.WebhookReport
	err    error
}

func (webhookProbedMsg) forStep() onboarding.Step { return onboarding.Prerequisites }

// act probes the stored webhook in the background, as ROOK would post.
func (e *prereqExtra) act(p *stepPage, id string) tea.Cmd {
	if id != onboarding.ActProbeWebhook || e.probing {
		return nil
	}
	if r := p.form.input(onboarding.FieldWebhookURL); r != nil && r.Value() != p.s.App().WebhookURL {
		if _, err := p.s.Answer(onboarding.Prerequisites, webhookRowOf(), r.Value()); err != nil {
			e.hookErr = explain(err)
			return nil
		}
	}
	e.probing, e.hookErr = true, ""
	s := p.s
	ctx := context.Background()
	return tea.Batch(saveProfile(s, onboarding.Prerequisites), func() tea.Msg {
		w, err := s.ProbeAppWebhook(ctx)
		return webhookProbedMsg{w, err}
	})
}

// webhookRowOf is the prerequisites' webhook field.
func webhookRowOf() onboarding.Row {
	for _, r := range onboarding.SpecOf(onboarding.Prerequisites).Rows {
		if r.ID == onboarding.FieldWebhookURL {
			return r
		}
	}
	return onboarding.Row{}
}

func (e *prereqExtra) init(p *stepPage) { e.preflight = p.keys.Preflight }

func (e *prereqExtra) keys(*stepPage) keySet { return keySet{&e.preflight} }

func (e *prereqExtra) sync(p *stepPage) {
	e.preflight.SetEnabled(!e.checking && !p.Capturing()) // without credentials p says why
}

func (e *prereqExtra) handle(p *stepPage, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case preflightDoneMsg:
		e.checking, e.results = false, msg.results
		return nil, true
	case webhookProbedMsg:
		e.probing, e.webhook, e.hookErr = false, msg.report, ""
		if msg.err != nil {
			e.hookErr = explain(msg.err)
			return nil, true
		}
		p.s.RecordWebhook(msg.report)
		return saveProgress(p.s), true
	case tea.KeyMsg:
		if key.Matches(msg, e.preflight) {
			if !service.HasCredentials(p.s) {
				p.problem = "Nothing to preflight yet: store the Client ID and Secret in step 3 first (→ three times)."
				return nil, true
			}
			e.checking, p.problem = true, ""
			return preflight(p.s, onboarding.Prerequisites, p.s.Loopback()), true
		}
	}
	return nil, false
}

func (e *prereqExtra) below(p *stepPage) string {
	return e.webhookView(p) + e.preflightView(p)
}

// webhookView is the webhook probe's verdict.
func (e *prereqExtra) webhookView(p *stepPage) string {
	th := p.theme
	out := "\n" + th.Header.Render("Webhook") + "  "
	switch w := e.webhook; {
	case e.probing:
		return out + th.Muted.Render("posting a blood_glucose_event document as ROOK would…") + "\n"
	case e.hookErr != "":
		return out + th.Error.Render(e.hookErr) + "\n"
	case w == nil:
		return out + th.Muted.Render(keyDoes(p.keys.Press, "on the probe: does it answer 200?")) + "\n"
	case !w.OK:
		return out + th.Error.Render(fmt.Sprintf("✗ %d in %d ms", w.Status, w.Ms)) + " " + wrap(p.width-20, w.Reason) + "\n"
	case w.Verdict != "pass":
		return out + th.Warn.Render(fmt.Sprintf("✓ %d in %d ms", w.Status, w.Ms)) + " " + w.Reason + "\n"
	}
	return out + th.OK.Render(fmt.Sprintf("✓ %d in %d ms", e.webhook.Status, e.webhook.Ms)) + " " + e.webhook.Reason + "\n"
}

func (e *prereqExtra) preflightView(p *stepPage) string {
	th := p.theme
	out := th.Header.Render("Preflight") + "  "
	switch {
	case !service.HasCredentials(p.s):
		return out + th.Muted.Render("available once the Client ID and Secret are stored (step 3)") + p.problemView()
	case e.checking:
		return out + th.Muted.Render("asking Dexcom's authorization URL…")
	case e.results == nil:
		return out + th.Muted.Render(pressTo(e.preflight, "check that "+preflightWhat))
	}
	return out + preflightView(th, e.results)
}
