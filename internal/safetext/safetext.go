// Package safetext makes text that came from outside (callback parameters,
// API bodies, hand-off fields, names) safe to print, store or put in a
// report: no terminal escapes, no control characters, no bidi overrides.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Line returns s as one printable line: escape sequences are removed, line
// breaks and tabs become spaces, and every other control or bidi-override
// character is dropped.
func Line(s string) string {
	return clean(s, false)
}

// Text is Line but keeps line breaks and tabs, for multi-line bodies.
func Text(s string) string {
	return clean(s, true)
}

// Has reports whether s holds anything Line would change, for validators
// that refuse such input instead of cleaning it.
func Has(s string) bool {
	return Line(s) != s
}

func clean(s string, keepBreaks bool) string {
	if isPlain(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			if keepBreaks && r != '\r' {
				b.WriteRune(r)
			} else if r != '\r' {
				b.WriteByte(' ')
			}
		case unicode.IsControl(r), isBidiControl(r):
			// dropped: it would move the cursor, ring, or reorder text
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII only.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069,
		r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// Cut shortens s to at most n bytes, on a rune boundary, marking the cut
// with an ellipsis: text from outside can be a whole response body.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Brief is Line with every run of white space made one space, cut to at
// most n bytes: a readable summary of a body that came from outside.
func Brief(s string, n int) string {
	return Cut(strings.Join(strings.Fields(Line(s)), " "), n)
}
