package report_test

import (
	"bytes"
	"html"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/report"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/tryrook/dexonboard/internal/vault"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// hostile are names, URLs and answers as an attacker would write them,
// for a Markdown viewer: tags, links, images, autolinks of every kind,
// emphasis, code, headings, lists, quotes, link definitions, entities.
var hostile = []string{
	"<script>alert(1)</script>",
	`<img src=x onerror=alert(1)>`,
	"[x](javascript:alert(1))",
	"![i](https://evil.example/p.png)",
	"<javascript:alert(1)>",
	"<https://evil.example>",
	"https://evil.example/x",
	"www.evil.example",
	"mallory@evil.example",
	"# head",
	"## head",
	"`code` and ``two``",
	"*em* _em_ **strong** ~~del~~",
	"server_error __init__ a_b_ _c_d",
	"- item",
	"+ item",
	"1. item",
	"2) item",
	"> quote",
	"---",
	"===",
	"[ref]: https://evil.example",
	"[^1]: footnote",
	"&lt;script&gt;",
	"a | b",
	`"quoted" 'single'`,
	`\<b>bold</b>`,
	"<!-- comment -->",
	"<a href=\"https://evil.example\">here</a>",
	"    indented code",
}

// renderMarkdown renders md as a viewer would: CommonMark with GitHub's
// extensions (tables, autolinks, strikethrough, task lists) and raw HTML
// passed through, the most permissive setting a viewer has.
func renderMarkdown(t *testing.T, md string) string {
	t.Helper()
	var out bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	if err := gm.Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

var tagPattern = regexp.MustCompile(`<\s*(/?)\s*([a-zA-Z!][a-zA-Z0-9-]*)([^>]*)>`)

// allowedTags are the only elements the report's own Markdown makes.
var allowedTags = map[string]bool{"h1": true, "h2": true, "p": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "br": true}

// checkInert fails when the rendered report holds an element the report
// does not make itself (a tag, link, image, emphasis, code, list, quote),
// or any attribute (onerror, href, src), or loses text given to it.
func checkInert(t *testing.T, what, rendered string, want []string) {
	t.Helper()
	for _, m := range tagPattern.FindAllStringSubmatch(rendered, -1) {
		if name := strings.ToLower(m[2]); !allowedTags[name] || strings.TrimSpace(strings.TrimSuffix(m[3], "/")) != "" {
			t.Errorf("%s: live markup %q in:\n%s", what, m[0], rendered)
		}
	}
	text := html.UnescapeString(tagPattern.ReplaceAllString(rendered, " "))
	text = strings.Join(strings.Fields(text), " ")
	for _, w := range want {
		if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("%s: the rendered text lacks %q:\n%s", what, w, text)
		}
	}
}

// TestMarkdownKeepsTextFromOutsideInert reproduces issue 21 point 3: each
// hostile text in every field the Markdown report shows, rendered by a
// CommonMark viewer, gives no live tag or link and reads as itself.
func TestMarkdownKeepsTextFromOutsideInert(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for _, h := range hostile {
		doc := &report.Doc{Profile: h, Company: h, Generated: at,
			Apps: []report.App{{Environment: "sandbox", Name: h, ClientID: h, RedirectURI: h, ROOKRedirect: h}},
			Tracks: []report.Track{{Track: "sandbox", Environment: "Sandbox", Done: 1, Total: 8,
				Steps: []report.Step{{Number: 1, Title: "Create a Dexcom developer account", Status: "attention", Fields: map[string]string{"submitted_on": h}, Issue: h}}}},
			ROOK: []report.ROOK{{Track: "sandbox", Environment: "sandbox", ClientUUID: h, UserID: h, RedirectURL: h, WebhookURL: h,
				Connection: report.ROOKFailed, Problem: h, Readings: h, Webhook: h}},
			LastCheck: &report.Check{At: at, Summary: h, Report: &connect.Report{Device: h, Calls: []dexcom.Call{{Method: "GET", Path: h, Status: 403}}}},
		}
		checkInert(t, h, renderMarkdown(t, doc.Markdown()), []string{h})
	}
}

// TestMarkdownStaysReadable: plain names, dates and URLs read as they are
// written, in the rendered report and (for the common ones) in the source.
func TestMarkdownStaysReadable(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	doc := &report.Doc{Profile: "Acme Health Ltd.", Generated: at,
		Apps: []report.App{{Environment: "sandbox", Name: "Acme sandbox", ClientID: "acme-client-1", RedirectURI: "http://localhost:8765/callback", ROOKRedirect: "https://rook.example/api/v1/dexcom/callback"}},
		Tracks: []report.Track{{Track: "sandbox", Environment: "Sandbox", Total: 8, Steps: []report.Step{{Number: 1, Title: "Create a Dexcom developer account",
			Status: "attention", Fields: map[string]string{"submitted_on": "2026-11-20"}, Issue: "server_error from egvs"}}}}}
	md := doc.Markdown()
	for _, w := range []string{"# Dexcom onboarding report: Acme Health Ltd.", "| sandbox | Acme sandbox | acme-client-1 |",
		"| 1. Create a Dexcom developer account | attention | — | submitted on: 2026-11-20; needs attention: server_error from egvs |"} {
		if !strings.Contains(md, w) {
			t.Errorf("the source lacks %q:\n%s", w, md)
		}
	}
	checkInert(t, "plain", renderMarkdown(t, md), []string{"Acme Health Ltd.", "http://localhost:8765/callback", "https://rook.example/api/v1/dexcom/callback"})
}

// TestMarkdownAfterHandoffOpen: a hand-off whose fields are hostile (each
// within what the hand-off accepts) is opened, stored, given ROOK's
// Redirect URL, and reported: still no live tag or link.
func TestMarkdownAfterHandoffOpen(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC().Truncate(time.Second)
	v, err := vault.Create(filepath.Join(t.TempDir(), "v.db"), []byte("violet-anchor-mosaic-7-tundra"), vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	id, recipient, err := handoff.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	if err := v.SetHandoffIdentity(id, recipient); err != nil {
		t.Fatal(err)
	}
	pl := handoff.Payload{ID: handoff.NewID(), Created: now, Expires: now.Add(time.Hour), Environment: "sandbox",
		Profile: `<img src=x onerror=alert(1)>`, Company: "# head [x](javascript:alert(1))", AppName: "<script>alert(1)</script> `x`",
		ClientID: "[x](javascript:alert(1))", ClientSecret: secret.New("s3cret-value-0123"), RedirectURI: "http://localhost:8765/callback"}
	sealed, _, err := handoff.Seal(pl, recipient)
	if err != nil {
		t.Fatal(err)
	}
	o, err := handoff.Prepare(v, sealed, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Store(v, true); err != nil {
		t.Fatal(err)
	}
	p, err := v.Profile(pl.Profile)
	if err != nil {
		t.Fatal(err)
	}
	p.App(dexcom.Sandbox).ROOKRedirectURL = "https://rook.example/cb/[x](javascript:alert(1))" // URL characters, as handoff reply accepts
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	doc, err := report.Build(v, p, now)
	if err != nil {
		t.Fatal(err)
	}
	checkInert(t, "after handoff open", renderMarkdown(t, doc.Markdown()),
		[]string{pl.Profile, pl.Company, pl.AppName, pl.ClientID, "https://rook.example/cb/[x](javascript:alert(1))"})
}
