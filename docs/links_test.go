// Package docs holds the project's documentation. Its test keeps every
// relative link in the Markdown files at the root (README.md, SECURITY.md)
// and under docs/ pointing at a file or folder inside the repository, and
// README.md short.
package docs

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeMaxLines is issue 19's limit: the README is for users; the rest
// lives under docs/.
const readmeMaxLines = 250

var (
	// inlineLink is [text](target) and ![alt](target), with an optional
	// "title" after the target.
	inlineLink = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// refLink is a reference definition: [name]: target
	refLink = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$`)
	// htmlLink is href="…" or src="…" in inline HTML.
	htmlLink = regexp.MustCompile(`(?:href|src)\s*=\s*"([^"]+)"`)
	// inlineCode is a code span, whose text is not a link.
	inlineCode = regexp.MustCompile("`+[^`]*`+")
	// scheme starts an absolute URL (https:, mailto:, …).
	scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// link is one link target found in a file.
type link struct {
	file   string // the Markdown file, relative to the root
	line   int
	target string
}

// repoRoot is the folder holding go.mod, one up from docs/.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod in %s: the test must run from docs/", root)
	}
	return root
}

// markdownFiles are the .md files at the root (README.md, SECURITY.md…)
// and every .md file under docs/, relative to root, in a stable order.
func markdownFiles(root string) ([]string, error) {
	top, err := filepath.Glob(filepath.Join(root, "*.md"))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, p := range top {
		files = append(files, filepath.Base(p))
	}
	err = filepath.WalkDir(filepath.Join(root, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".md") {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

// linksIn lists the link targets of one Markdown file, leaving out fenced
// code blocks and code spans, where brackets are not links.
func linksIn(root, file string) ([]link, error) {
	f, err := os.Open(filepath.Join(root, filepath.FromSlash(file)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []link
	fence := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		line = inlineCode.ReplaceAllString(line, "")
		for _, re := range []*regexp.Regexp{inlineLink, refLink, htmlLink} {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				out = append(out, link{file: file, line: n, target: m[1]})
			}
		}
	}
	return out, sc.Err()
}

// resolve says where a relative target points, as a path relative to
// root with forward slashes, or why it is not acceptable. Absolute URLs
// and same-page anchors return "" and no error: they are not files here.
func resolve(root string, l link) (string, error) {
	target := l.target
	if scheme.MatchString(target) || strings.HasPrefix(target, "#") {
		return "", nil
	}
	if strings.HasPrefix(target, "//") {
		return "", fmt.Errorf("%q is a network-path reference; write the full https:// URL", target)
	}
	if i := strings.IndexAny(target, "#?"); i >= 0 {
		target = target[:i]
	}
	if strings.HasPrefix(target, "/") || filepath.IsAbs(target) {
		return "", fmt.Errorf("%q is absolute; write it relative to %s", l.target, l.file)
	}
	p := filepath.Clean(filepath.Join(root, filepath.Dir(filepath.FromSlash(l.file)), filepath.FromSlash(target)))
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%q points outside the repository", l.target)
	}
	return filepath.ToSlash(rel), nil
}

// check returns one problem per link that does not resolve to an existing
// file or folder inside root.
func check(root string, files []string) (problems []string, err error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	for _, file := range files {
		links, err := linksIn(root, file)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			rel, err := resolve(root, l)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s:%d: %v", l.file, l.line, err))
				continue
			}
			if rel == "" {
				continue
			}
			real, err := filepath.EvalSymlinks(filepath.Join(root, filepath.FromSlash(rel)))
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s:%d: %q: no such file or folder in the repository (%s)", l.file, l.line, l.target, rel))
				continue
			}
			if inside, _ := filepath.Rel(realRoot, real); inside == ".." || strings.HasPrefix(inside, ".."+string(filepath.Separator)) {
				problems = append(problems, fmt.Sprintf("%s:%d: %q is a link that leads outside the repository", l.file, l.line, l.target))
			}
		}
	}
	return problems, nil
}

func TestLinksResolveInsideTheRepository(t *testing.T) {
	root := repoRoot(t)
	files, err := markdownFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	problems, err := check(root, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func TestReadmeIsShort(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n > readmeMaxLines {
		t.Errorf("README.md has %d lines, at most %d: move the detail to docs/ and link it", n, readmeMaxLines)
	}
}

// TestCheckFindsBadLinks runs the checker on a small tree with one link of
// each kind, so a checker that stops finding problems fails here.
func TestCheckFindsBadLinks(t *testing.T) {
	outer := t.TempDir()
	root := filepath.Join(outer, "repo")
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module x\n")
	write("outside.md", "")
	if err := os.WriteFile(filepath.Join(outer, "secret.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	write("README.md", strings.Join([]string{
		"[ok](docs/a.md) [ok anchor](docs/a.md#top) ![ok picture](docs/pic.svg) [web](https://example.com)",
		"[missing](docs/nope.md)",
		"[outside](../secret.md)",
		"[absolute](/etc/passwd)",
		"`[in code](nowhere.md)`",
		"```",
		"[in a fence](nowhere.md)",
		"```",
		"[ref]: docs/gone.md",
		`<img src="docs/nothing.png">`,
		"[escape link](docs/out)",
	}, "\n"))
	write("docs/a.md", "[up](../README.md) [self](#x) [sibling](pic.svg) [up and out](../../secret.md)")
	write("docs/pic.svg", "<svg/>")
	if err := os.Symlink(filepath.Join(outer, "secret.md"), filepath.Join(root, "docs", "out")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	problems, err := check(root, []string{"README.md", "docs/a.md"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`README.md:2: "docs/nope.md": no such file`,
		`README.md:3: "../secret.md" points outside`,
		`README.md:4: "/etc/passwd" is absolute`,
		`README.md:9: "docs/gone.md": no such file`,
		`README.md:10: "docs/nothing.png": no such file`,
		`README.md:11: "docs/out" is a link that leads outside`,
		`docs/a.md:1: "../../secret.md" points outside`,
	}
	if len(problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(problems), len(want), strings.Join(problems, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(problems[i], w) {
			t.Errorf("problem %d = %q, want it to contain %q", i, problems[i], w)
		}
	}
}
