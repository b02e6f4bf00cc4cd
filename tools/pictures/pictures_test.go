package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPicturesAreFresh fails when a picture in docs/pictures is not what
// its golden screen draws now (the goldens changed, or the drawing did).
func TestPicturesAreFresh(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, p := range pictures {
		want, err := draw(root, p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(root, p.svg))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale (%v): run go generate ./tools/pictures", p.svg, err)
		}
	}
}

func TestParseScreen(t *testing.T) {
	rows := parseScreen("\x1b[1;38;2;11;110;79mab\x1b[0m c\n\x1b[7m界\x1b[m\x1b[38;5;240mx\x1b[2Ky\n")
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	first, second := rows[0], rows[1]
	if len(first) != 4 || first[0].text != "a" || first[3].text != "c" {
		t.Fatalf("first row: %+v", first)
	}
	if st := first[1].st; !st.bold || st.fg != "#0b6e4f" {
		t.Errorf("bold truecolour: %+v", st)
	}
	if st := first[3].st; st != (style{}) {
		t.Errorf("after a reset: %+v", st)
	}
	// A wide rune takes two columns; reverse swaps the default colours.
	if len(second) != 4 || second[0].text != "界" || second[1].text != "" || second[2].text != "x" || second[3].text != "y" {
		t.Fatalf("second row: %+v", second)
	}
	if fg, bg := second[0].st.colours(); fg != defaultBG || bg != defaultFG {
		t.Errorf("reverse: fg %s bg %s", fg, bg)
	}
	if st := second[2].st; st.fg != "#585858" || st.reverse {
		t.Errorf("256 colour after a bare reset: %+v", st)
	}
}

func TestRenderSVG(t *testing.T) {
	svg := string(renderSVG(parseScreen("a <b> & \x1b[48;2;1;2;3m c \x1b[0m\nxyz"), `t "1"`))
	for _, want := range []string{
		`aria-label="t &quot;1&quot;"`,
		`>a &lt;b&gt; &amp;</text>`,                                       // single spaces stay in the run, text is escaped
		`<rect x="81.2" y="44" width="25.2" height="18" fill="#010203"/>`, // the background of " c "
		`textLength="25.2" lengthAdjust="spacingAndGlyphs">xyz</text>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %s in\n%s", want, svg)
		}
	}
}
