package main

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// style is how a cell is drawn; "" colours mean the terminal's default.
type style struct {
	fg, bg                  string
	bold, italic, underline bool
	reverse                 bool
}

// cell is one terminal column: a rune, or "" for the right half of a wide one.
type cell struct {
	text string
	st   style
}

// Colours of the light terminal the pictures show.
const (
	defaultFG = "#1f2328"
	defaultBG = "#ffffff"
	frameBG   = "#f6f8fa"
	frameLine = "#d0d7de"
)

// parseScreen splits a screen (text with SGR escapes, as View prints it)
// into rows of cells. Other escape sequences are dropped.
func parseScreen(s string) [][]cell {
	var rows [][]cell
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		var row []cell
		var st style
		for i := 0; i < len(line); {
			if line[i] == 0x1b {
				n := escapeLen(line[i:])
				if seq := line[i : i+n]; strings.HasSuffix(seq, "m") && strings.HasPrefix(seq, "\x1b[") {
					st = applySGR(st, seq[2:len(seq)-1])
				}
				i += n
				continue
			}
			g, w := ansi.FirstGraphemeCluster(line[i:], ansi.GraphemeWidth)
			i += len(g)
			if w <= 0 {
				continue
			}
			row = append(row, cell{g, st})
			for ; w > 1; w-- {
				row = append(row, cell{"", st})
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// escapeLen is the length of the escape sequence at the start of s.
func escapeLen(s string) int {
	if len(s) < 2 || s[1] != '[' {
		return min(2, len(s))
	}
	for i := 2; i < len(s); i++ {
		if s[i] >= 0x40 && s[i] <= 0x7e {
			return i + 1
		}
	}
	return len(s)
}

// applySGR changes st by the parameters of one SGR sequence.
func applySGR(st style, params string) style {
	ps := strings.Split(params, ";")
	for i := 0; i < len(ps); i++ {
		n, _ := strconv.Atoi(ps[i]) // "" is 0, a reset
		switch {
		case n == 0:
			st = style{}
		case n == 1:
			st.bold = true
		case n == 3:
			st.italic = true
		case n == 4:
			st.underline = true
		case n == 7:
			st.reverse = true
		case n == 22:
			st.bold = false
		case n == 23:
			st.italic = false
		case n == 24:
			st.underline = false
		case n == 27:
			st.reverse = false
		case n >= 30 && n <= 37:
			st.fg = palette(n - 30)
		case n >= 90 && n <= 97:
			st.fg = palette(n - 90 + 8)
		case n >= 40 && n <= 47:
			st.bg = palette(n - 40)
		case n >= 100 && n <= 107:
			st.bg = palette(n - 100 + 8)
		case n == 39:
			st.fg = ""
		case n == 49:
			st.bg = ""
		case n == 38 || n == 48:
			c, used := extendedColour(ps[i+1:])
			i += used
			if n == 38 {
				st.fg = c
			} else {
				st.bg = c
			}
		}
	}
	return st
}

// extendedColour reads "2;r;g;b" or "5;n" and says how many parameters it used.
func extendedColour(ps []string) (string, int) {
	num := func(i int) int {
		if i >= len(ps) {
			return 0
		}
		n, _ := strconv.Atoi(ps[i])
		return min(max(n, 0), 255)
	}
	switch {
	case len(ps) >= 4 && ps[0] == "2":
		return fmt.Sprintf("#%02x%02x%02x", num(1), num(2), num(3)), 4
	case len(ps) >= 2 && ps[0] == "5":
		return palette(num(1)), 2
	}
	return "", len(ps)
}

// palette is xterm's 256-colour palette.
func palette(n int) string {
	basic := [16]string{"#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
		"#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"}
	switch {
	case n < 16:
		return basic[n]
	case n < 232:
		n -= 16
		level := func(v int) int {
			if v == 0 {
				return 0
			}
			return 55 + 40*v
		}
		return fmt.Sprintf("#%02x%02x%02x", level(n/36), level(n/6%6), level(n%6))
	}
	g := 8 + 10*(n-232)
	return fmt.Sprintf("#%02x%02x%02x", g, g, g)
}

// colours resolves a cell's foreground and background, reverse included.
func (st style) colours() (fg, bg string) {
	fg, bg = st.fg, st.bg
	if fg == "" {
		fg = defaultFG
	}
	if st.reverse {
		if bg == "" {
			bg = defaultBG
		}
		fg, bg = bg, fg
	}
	return fg, bg
}

// Geometry of the picture, in pixels.
const (
	cellW    = 8.4
	cellH    = 18.0
	fontSize = 14
	pad      = 14.0
	titleH   = 30.0
)

// renderSVG draws rows of cells in a terminal window titled title.
func renderSVG(rows [][]cell, title string) []byte {
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	w := 2*pad + float64(cols)*cellW
	h := titleH + 2*pad + float64(len(rows))*cellH
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">`+"\n",
		num(w), num(h), num(w), num(h), escape(title))
	fmt.Fprintf(&b, `<title>%s</title>`+"\n", escape(title))
	fmt.Fprintf(&b, `<rect x="0.5" y="0.5" width="%s" height="%s" rx="8" fill="%s" stroke="%s"/>`+"\n", num(w-1), num(h-1), defaultBG, frameLine)
	fmt.Fprintf(&b, `<path d="M0.5 %s V8.5 A8 8 0 0 1 8.5 0.5 H%s A8 8 0 0 1 %s 8.5 V%s Z" fill="%s" stroke="%s"/>`+"\n",
		num(titleH), num(w-8.5), num(w-0.5), num(titleH), frameBG, frameLine)
	for i, c := range []string{"#ff5f57", "#febc2e", "#28c840"} {
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="6" fill="%s"/>`+"\n", num(pad+6+float64(i)*20), num(titleH/2), c)
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13" fill="#57606a">%s</text>`+"\n",
		num(w/2), num(titleH/2+4.5), escape(title))
	fmt.Fprintf(&b, `<g font-family="ui-monospace, SFMono-Regular, 'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="%d" xml:space="preserve">`+"\n", fontSize)
	for y, row := range rows {
		top := titleH + pad + float64(y)*cellH
		drawBackgrounds(&b, row, top)
		drawText(&b, row, top)
	}
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes()
}

// drawBackgrounds fills each run of cells that has a background colour.
func drawBackgrounds(b *bytes.Buffer, row []cell, top float64) {
	for x := 0; x < len(row); {
		_, bg := row[x].st.colours()
		end := x + 1
		for end < len(row) {
			if _, next := row[end].st.colours(); next != bg {
				break
			}
			end++
		}
		if bg != "" {
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
				num(pad+float64(x)*cellW), num(top), num(float64(end-x)*cellW), num(cellH), bg)
		}
		x = end
	}
}

// drawText writes each run of same-styled text, stretched to its columns so
// that every glyph stays on the terminal's grid whatever the font.
func drawText(b *bytes.Buffer, row []cell, top float64) {
	for x := 0; x < len(row); {
		if row[x].text == " " || row[x].text == "" {
			x++
			continue
		}
		st := row[x].st
		end := x
		var text strings.Builder
		for end < len(row) && row[end].st == st && row[end].text != " " {
			text.WriteString(row[end].text)
			end++
		}
		// Inner single spaces stay in the run; longer gaps start a new one.
		for end+1 < len(row) && row[end].text == " " && row[end].st == st && row[end+1].text != " " && row[end+1].st == st {
			text.WriteString(" ")
			end++
			for end < len(row) && row[end].st == st && row[end].text != " " {
				text.WriteString(row[end].text)
				end++
			}
		}
		fg, _ := st.colours()
		attrs := ""
		if st.bold {
			attrs += ` font-weight="bold"`
		}
		if st.italic {
			attrs += ` font-style="italic"`
		}
		if st.underline {
			attrs += ` text-decoration="underline"`
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="%s"%s textLength="%s" lengthAdjust="spacingAndGlyphs">%s</text>`+"\n",
			num(pad+float64(x)*cellW), num(top+cellH*0.75), fg, attrs, num(float64(end-x)*cellW), escape(text.String()))
		x = end
	}
}

// num prints a length with at most two decimals.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(s string) string { return xmlEscaper.Replace(s) }
