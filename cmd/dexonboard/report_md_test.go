package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/secret"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// TestReportMarkdownAfterHandoffOpen reproduces issue 21 point 3 through
// the commands: a hand-off whose fields are hostile (within what it
// accepts) is opened with handoff open, ROOK's Redirect URL recorded with
// handoff reply, and report --format md rendered by a CommonMark viewer
// (GitHub's extensions, raw HTML allowed): no tag, link or image comes
// alive, and the texts read as they were sent.
func TestReportMarkdownAfterHandoffOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cse.db")
	t.Setenv("DEXONBOARD_PASSPHRASE", cmdPass)
	if r := runCmd(t, "", nil, "--vault", path, "vault", "init"); r.code != 0 {
		t.Fatal(r)
	}
	k := runCmd(t, "", nil, "--vault", path, "handoff", "keygen")
	if k.code != 0 {
		t.Fatal(k)
	}
	now := time.Now()
	pl := handoff.Payload{ID: handoff.NewID(), Created: now, Expires: now.Add(time.Hour), Environment: "sandbox",
		Profile: `<img src=x onerror=alert(1)>`, Company: "# head <javascript:alert(1)>", AppName: "<script>alert(1)</script> [x](javascript:alert(1))",
		ClientID: "[x](javascript:alert(1))", ClientSecret: secret.New(cmdSecret), RedirectURI: "http://localhost:8765/callback"}
	sealed, _, err := handoff.Seal(pl, strings.TrimSpace(k.out))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "acme.age")
	if err := os.WriteFile(file, sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runCmd(t, "", nil, "--vault", path, "handoff", "open", file); r.code != 0 {
		t.Fatalf("open: %+v", r)
	}
	rookURL := "https://rook.example/cb/[x](javascript:alert(1))"
	if r := runCmd(t, "", nil, "--vault", path, "handoff", "reply", "--profile", pl.Profile, "--redirect-url", rookURL); r.code != 0 {
		t.Fatalf("reply: %+v", r)
	}
	r := runCmd(t, "", nil, "--vault", path, "report", pl.Profile, "--format", "md")
	if r.code != 0 {
		t.Fatalf("report: %+v", r)
	}
	var out bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	if err := gm.Convert([]byte(r.out), &out); err != nil {
		t.Fatal(err)
	}
	rendered := out.String()
	for _, m := range regexp.MustCompile(`<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`).FindAllStringSubmatch(rendered, -1) {
		switch strings.ToLower(m[1]) {
		case "h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "br":
			if strings.TrimSpace(m[2]) != "" {
				t.Errorf("an attribute came alive: %q", m[0])
			}
		default:
			t.Errorf("live markup %q in:\n%s", m[0], rendered)
		}
	}
	for _, want := range []string{"&lt;img src=x onerror=alert(1)&gt;", "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))", "https://rook.example/cb/[x](javascript:alert(1))"} {
		if !strings.Contains(rendered, want) {
			t.Errorf("the rendered report lacks %q:\n%s", want, rendered)
		}
	}
}
