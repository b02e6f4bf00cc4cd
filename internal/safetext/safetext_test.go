package safetext

import "testing"

func TestLine(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"red \x1b[31mALERT\x1b[0m", "red ALERT"},
		{"title \x1b]0;pwned\x07 end", "title  end"},
		{"link \x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", "link x"},
		{"bell\x07 and nul\x00", "bell and nul"},
		{"two\nlines\tand tab\r", "two lines and tab"},
		{"c1 \u009b31m csi", "c1 31m csi"},
		{"bidi \u202Eevil\u202C", "bidi evil"},
		{"Salud Ñandú 健康", "Salud Ñandú 健康"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, c := range cases {
		if got := Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTextKeepsBreaks(t *testing.T) {
	if got := Text("a\r\nb\tc\x1b[2Jd"); got != "a\nb\tcd" {
		t.Fatalf("Text = %q", got)
	}
}

func TestHas(t *testing.T) {
	if Has("Acme Health") || !Has("Acme\x1b[2J") || !Has("a\nb") {
		t.Fatal("Has misjudges")
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "x", "\x1b[31mred", "\x1b]52;c;aGk=\x07", "\u202e", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
				t.Fatalf("Line(%q) kept control %U", s, r)
			}
		}
		if Line(out) != out {
			t.Fatalf("Line not idempotent on %q", s)
		}
	})
}

func TestCut(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdef", 3, "abc…"},
		{"aé", 2, "a…"}, // é is 2 bytes: the cut backs up to its start
		{"日本", 4, "日…"},
	} {
		if got := Cut(c.in, c.n); got != c.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestBrief(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"  a\n\tb  \x1b[31mc\x1b[0m  ", 100, "a b c"},
		{"<p>\r\n  bad\u202e  request </p>", 100, "<p> bad request </p>"},
		{"é  é é", 4, "é …"}, // folded first, then cut on a rune boundary
	} {
		if got := Brief(tc.in, tc.n); got != tc.want {
			t.Errorf("Brief(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
