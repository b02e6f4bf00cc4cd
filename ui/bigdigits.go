package ui

import "strings"

// bigGlyphs draw the current reading three rows high with half blocks.
var bigGlyphs = map[rune][3]string{
	'0': {"█▀█", "█ █", "▀▀▀"}, '1': {"▀█ ", " █ ", "▀▀▀"}, '2': {"▀▀█", "█▀▀", "▀▀▀"},
	'3': {"▀▀█", " ▀█", "▀▀▀"}, '4': {"█ █", "▀▀█", "  ▀"}, '5': {"█▀▀", "▀▀█", "▀▀▀"},
	'6': {"█▀▀", "█▀█", "▀▀▀"}, '7': {"▀▀█", "  █", "  ▀"}, '8': {"█▀█", "█▀█", "▀▀▀"},
	'9': {"█▀█", "▀▀█", "▀▀▀"}, '.': {" ", " ", "▀"}, 'L': {"█  ", "█  ", "▀▀▀"},
	'O': {"█▀█", "█ █", "▀▀▀"}, 'W': {"█ █", "█▄█", "▀ ▀"}, 'H': {"█ █", "█▀█", "▀ ▀"},
	'I': {"▀█▀", " █ ", "▀▀▀"}, 'G': {"█▀▀", "█▄█", "▀▀▀"}, '—': {"   ", "▀▀▀", "   "},
}

// bigText renders s in big glyphs, three lines.
func bigText(s string) [3]string {
	var rows [3]strings.Builder
	for i, r := range s {
		g, ok := bigGlyphs[r]
		if !ok {
			continue
		}
		for j := range rows {
			if i > 0 {
				rows[j].WriteByte(' ')
			}
			rows[j].WriteString(g[j])
		}
	}
	return [3]string{rows[0].String(), rows[1].String(), rows[2].String()}
}
