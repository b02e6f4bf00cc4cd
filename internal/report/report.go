// Package report writes a client's onboarding report for a ROOK ticket or
// the client's records: both tracks' steps and dates, the apps (without
// secrets), and the last verification with its glucose figures. It never
// holds a secret or a token: it is built only from secret-free fields.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/vault"
)

// Doc is the report's content.
type Doc struct {
	Profile   string    `json:"profile"`
	Company   string    `json:"company,omitempty"`
	Generated time.Time `json:"generated"`
	Apps      []App     `json:"apps"`
	Tracks    []Track   `json:"tracks"`
	ROOK      []ROOK    `json:"rook"`
	LastCheck *Check    `json:"last_check,omitempty"`
}

// App is an app's public details.
type App struct {
	Environment  string `json:"environment"`
	Name         string `json:"name,omitempty"`
	ClientID     string `json:"client_id,omitempty"`
	SecretStored bool   `json:"client_secret_stored"`
	RedirectURI  string `json:"loopback_redirect_uri,omitempty"`
	ROOKRedirect string `json:"rook_redirect_url,omitempty"`
}

// Track is one app's progress.
type Track struct {
	Track       string `json:"track"`
	Environment string `json:"environment"`
	Done        int    `json:"done"`
	Total       int    `json:"total"`
	Steps       []Step `json:"steps"`
}

// Step is one step's state and what was recorded on it.
type Step struct {
	Number int               `json:"number"`
	Title  string            `json:"title"`
	Status string            `json:"status"`
	DoneAt *time.Time        `json:"done_at,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
	Issue  string            `json:"needs_attention,omitempty"`
}

// Check is the last verification.
type Check struct {
	At      time.Time       `json:"at"`
	OK      bool            `json:"ok"`
	Summary string          `json:"summary"`
	Report  *connect.Report `json:"details,omitempty"`
}

// Build gathers the report of a profile from the vault.
func Build(v *vault.Vault, p *onboarding.Profile, now time.Time) (*Doc, error) {
	d := &Doc{Profile: p.Name, Company: p.Company, Generated: now.UTC()}
	envs := make([]string, 0, len(p.Apps))
	for e := range p.Apps {
		envs = append(envs, string(e))
	}
	sort.Strings(envs)
	for _, e := range envs {
		a := p.Apps[dexcom.Environment(e)]
		d.Apps = append(d.Apps, App{Environment: e, Name: a.Name, ClientID: a.ClientID, SecretStored: !a.ClientSecret.Empty(),
			RedirectURI: a.RedirectURI, ROOKRedirect: a.ROOKRedirectURL})
	}
	for _, t := range []onboarding.Track{onboarding.SandboxTrack, onboarding.ProductionTrack} {
		pr, err := v.Progress(p.ID, t)
		if err != nil {
			return nil, err
		}
		if pr == nil {
			continue
		}
		d.Tracks = append(d.Tracks, track(pr))
		d.ROOK = append(d.ROOK, rookOf(pr, p.Apps[pr.Env]))
	}
	if lc := p.LastCheck; lc != nil {
		c := &Check{At: lc.At, OK: lc.OK, Summary: lc.Summary}
		if len(lc.Report) > 0 {
			var r connect.Report
			if json.Unmarshal(lc.Report, &r) == nil {
				c.Report = &r
			}
		}
		d.LastCheck = c
	}
	d.clean()
	return d, nil
}

func track(pr *onboarding.Progress) Track {
	done, total := pr.Completed()
	t := Track{Track: string(pr.Track), Environment: pr.Env.Label(), Done: done, Total: total}
	for _, s := range onboarding.Steps {
		if s > pr.Last() {
			break
		}
		st := Step{Number: int(s), Title: s.Title(), Status: string(pr.StatusOf(s))}
		if state, ok := pr.Steps[s]; ok {
			if !state.DoneAt.IsZero() {
				at := state.DoneAt.UTC()
				st.DoneAt = &at
			}
			st.Fields, st.Issue = state.Fields, state.Problem
		}
		t.Steps = append(t.Steps, st)
	}
	return t
}

// JSON renders the report as JSON.
func (d *Doc) JSON() ([]byte, error) { return json.MarshalIndent(d, "", "  ") }

// Markdown renders the report for a ticket. Every text from outside goes
// through md, so a name or URL reads as itself and is never markup.
func (d *Doc) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Dexcom onboarding report: %s\n\nGenerated %s by dexonboard. This report holds no secret and no token.\n\n", md(d.Profile), d.Generated.Format("2006-01-02 15:04 UTC"))
	if d.Company != "" {
		fmt.Fprintf(&b, "Company: %s\n\n", md(d.Company))
	}
	b.WriteString("## Apps\n\n| environment | app | client id | secret | loopback redirect | ROOK redirect |\n|---|---|---|---|---|---|\n")
	for _, a := range d.Apps {
		stored := "not stored"
		if a.SecretStored {
			stored = "stored in the vault"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", md(a.Environment), mdOr(a.Name), mdOr(a.ClientID), stored, mdOr(a.RedirectURI), mdOr(a.ROOKRedirect))
	}
	for _, t := range d.Tracks {
		fmt.Fprintf(&b, "\n## %s app (%s): %d of %d steps done\n\n| step | status | done | notes |\n|---|---|---|---|\n", md(titleCase(t.Track)), md(t.Environment), t.Done, t.Total)
		for _, s := range t.Steps {
			done := ""
			if s.DoneAt != nil {
				done = s.DoneAt.Format("2006-01-02")
			}
			fmt.Fprintf(&b, "| %d. %s | %s | %s | %s |\n", s.Number, md(s.Title), md(s.Status), dash(done), dash(notesMD(s)))
		}
	}
	for _, r := range d.ROOK {
		r.markdown(&b)
	}
	if c := d.LastCheck; c != nil {
		verdict := "not verified"
		if c.OK {
			verdict = "verified"
		}
		fmt.Fprintf(&b, "\n## Last verification: %s, %s\n\n%s\n", verdict, c.At.Format("2006-01-02 15:04 UTC"), mdOr(c.Summary))
		if r := c.Report; r != nil {
			b.WriteString("\n| call | status | ms |\n|---|---|---|\n")
			for _, call := range r.Calls {
				fmt.Fprintf(&b, "| %s %s | %d | %d |\n", md(call.Method), md(call.Path), call.Status, call.Ms)
			}
			if r.DataRange != nil {
				fmt.Fprintf(&b, "\nData range (EGVs): %s to %s  \n", r.DataRange.Start.Format("2006-01-02 15:04"), r.DataRange.End.Format("2006-01-02 15:04"))
			}
			if r.Device != "" {
				fmt.Fprintf(&b, "Device: %s  \n", md(r.Device))
			}
			if f := r.Figures; f != nil {
				fmt.Fprintf(&b, "Readings: %d, sensor active %.0f%%, mean %.0f mg/dL, SD %.0f, CV %.0f%%, GMI %.1f%%  \n", f.Count, f.SensorActive, f.Mean, f.SD, f.CV, f.GMI)
				g := f.Ranges
				fmt.Fprintf(&b, "Time in ranges: <54 %.1f%%, 54-69 %.1f%%, 70-180 %.1f%%, 181-250 %.1f%%, >250 %.1f%%\n", g.VeryLow, g.Low, g.InRange, g.High, g.VeryHigh)
			}
		}
	}
	return b.String()
}

// notesMD is notes for Markdown: each key and value escaped on its own.
func notesMD(s Step) string {
	var parts []string
	for _, k := range sortedKeys(s.Fields) {
		parts = append(parts, md(strings.ReplaceAll(k, "_", " "))+": "+md(s.Fields[k]))
	}
	if s.Issue != "" {
		parts = append(parts, "needs attention: "+md(s.Issue))
	}
	return strings.Join(parts, "; ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func notes(s Step) string {
	var parts []string
	for _, k := range sortedKeys(s.Fields) {
		parts = append(parts, strings.ReplaceAll(k, "_", " ")+": "+s.Fields[k])
	}
	if s.Issue != "" {
		parts = append(parts, "needs attention: "+s.Issue)
	}
	return strings.ReplaceAll(strings.Join(parts, "; "), "|", "/")
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// HTML renders the report as one self-contained page.
func (d *Doc) HTML() (string, error) {
	var b bytes.Buffer
	err := page().Execute(&b, struct {
		*Doc
		Notes func(Step) string
	}{d, notes})
	return b.String(), err
}

var page = sync.OnceValue(func() *template.Template { // parsed on first use, not in every process's init
	return template.Must(template.New("report").Funcs(template.FuncMap{"notes": notes, "dash": dash}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dexcom onboarding report: {{.Profile}}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:32px auto;color:#1f2933}
table{border-collapse:collapse;width:100%;margin:8px 0 24px}td,th{border-bottom:1px solid #e4e7eb;padding:6px 8px;text-align:left}
th{background:#f5f7fa}.done{color:#15803d}.attention{color:#b45309}.todo{color:#6b7280}</style></head><body>
<h1>Dexcom onboarding report: {{.Profile}}</h1>
<p>Generated {{.Generated.Format "2006-01-02 15:04 UTC"}} by dexonboard. This report holds no secret and no token.</p>
<h2>Apps</h2><table><tr><th>environment</th><th>app</th><th>client id</th><th>secret</th><th>loopback redirect</th><th>ROOK redirect</th></tr>
{{range .Apps}}<tr><td>{{.Environment}}</td><td>{{dash .Name}}</td><td>{{dash .ClientID}}</td><td>{{if .SecretStored}}stored in the vault{{else}}not stored{{end}}</td><td>{{dash .RedirectURI}}</td><td>{{dash .ROOKRedirect}}</td></tr>
{{end}}</table>
{{range .Tracks}}<h2>{{.Track}} app ({{.Environment}}): {{.Done}} of {{.Total}} steps done</h2>
<table><tr><th>step</th><th>status</th><th>done</th><th>notes</th></tr>
{{range .Steps}}<tr><td>{{.Number}}. {{.Title}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{if .DoneAt}}{{.DoneAt.Format "2006-01-02"}}{{else}}—{{end}}</td><td>{{dash (notes .)}}</td></tr>
{{end}}</table>{{end}}
{{range .ROOK}}<h2>Through ROOK, {{.Track}} app: ROOK {{.Environment}} environment</h2>
<table><tr><th>connection</th><td>{{.Connection}}{{with .At}}, {{.Format "2006-01-02 15:04 UTC"}}{{end}}</td></tr>
{{with .Problem}}<tr><th>problem</th><td>{{.}}</td></tr>{{end}}<tr><th>readings matched</th><td>{{dash .Readings}}</td></tr>
<tr><th>webhook probe</th><td>{{dash .Webhook}}{{with .WebhookAt}}, {{.Format "2006-01-02 15:04 UTC"}}{{end}}</td></tr>
<tr><th>client UUID</th><td>{{dash .ClientUUID}}</td></tr><tr><th>secret key</th><td>{{if .SecretKeyStored}}stored in the vault{{else}}not stored{{end}}</td></tr>
<tr><th>test user id</th><td>{{dash .UserID}}</td></tr><tr><th>Redirect URL</th><td>{{dash .RedirectURL}}</td></tr><tr><th>webhook URL</th><td>{{dash .WebhookURL}}</td></tr></table>
{{end}}{{with .LastCheck}}<h2>Last verification: {{if .OK}}verified{{else}}not verified{{end}}, {{.At.Format "2006-01-02 15:04 UTC"}}</h2><p>{{.Summary}}</p>
{{with .Report}}<table><tr><th>call</th><th>status</th><th>ms</th></tr>{{range .Calls}}<tr><td>{{.Method}} {{.Path}}</td><td>{{.Status}}</td><td>{{.Ms}}</td></tr>{{end}}</table>
{{if .Device}}<p>Device: {{.Device}}</p>{{end}}
{{with .Figures}}<p>Readings: {{.Count}}; mean {{printf "%.0f" .Mean}} mg/dL; SD {{printf "%.0f" .SD}}; CV {{printf "%.0f" .CV}}%; GMI {{printf "%.1f" .GMI}}%;
time in range 70-180: {{printf "%.1f" .Ranges.InRange}}%</p>{{end}}{{end}}{{end}}
</body></html>
`))
})
