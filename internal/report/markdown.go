package report

import (
	"strings"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// md makes text from outside (names, URLs, notes, API answers) inert in
// Markdown, for CommonMark and GitHub's flavour alike: it reads as the
// same text and never becomes a tag, a link, an image, emphasis, code, a
// heading, a list, a quote or a new table cell.
//
//   - & < > " become entities: no raw HTML, no <autolink>;
//   - \ ` * [ ] ( ) ! | ~ # { } get a backslash, and _ unless inside a
//     word: no emphasis, code span, link, image, footnote, strikethrough
//     or table cell;
//   - the linkifiers' triggers lose their meaning: "://" becomes ":\/\/",
//     "www." becomes "www\.", "@" becomes "\@";
//   - at the start, + - = and a number with . or ) are escaped (lists,
//     setext headings, breaks);
//   - line breaks and control characters are already gone (safetext.Line).
func md(s string) string {
	s = strings.TrimSpace(safetext.Line(s))
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '_':
			if i == 0 || i == len(s)-1 || !wordByte(s[i-1]) || !wordByte(s[i+1]) {
				b.WriteByte('\\') // server_error stays as written: inside a word _ is no emphasis
			}
			b.WriteByte(c)
		case '\\', '`', '*', '[', ']', '(', ')', '!', '|', '~', '#', '{', '}', '@':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '/':
			if i >= 1 && (s[i-1] == ':' || s[i-1] == '/') {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case '.':
			if i >= 3 && strings.EqualFold(s[i-3:i], "www") {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			if i == 0 && strings.IndexByte("+-=", c) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
	}
	return escapeOrderedStart(b.String())
}

// wordByte is a letter or digit (any byte of a multi-byte letter too), on
// both sides of which CommonMark's _ opens or closes no emphasis.
func wordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

// escapeOrderedStart keeps "1. x" or "1) x" at the start from being a list.
func escapeOrderedStart(s string) string {
	n := 0
	for n < len(s) && n < 10 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n > 0 && n < len(s) && (s[n] == '.' || s[n] == ')') {
		return s[:n] + `\` + s[n:]
	}
	return s
}

// mdOr is md, or a dash for an empty text.
func mdOr(s string) string { return dash(md(s)) }
