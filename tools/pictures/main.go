// Command pictures draws the wizard's golden screens (testdata/ui) as SVG
// pictures for the documentation (docs/pictures), so the pictures always
// show what the tests check. Run it after the goldens change:
//
//	go generate ./tools/pictures
package main

//go:generate go run . -root ../..

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// picture is one SVG drawn from one golden screen.
type picture struct {
	golden, svg, title string
}

// pictures are the screens the README and docs/ show.
var pictures = []picture{
	{"testdata/ui/step3-light-80x24.golden", "docs/pictures/steps.svg", "dexonboard demo · step 3"},
	{"testdata/ui/step6-light-80x24.golden", "docs/pictures/step6-rook.svg", "dexonboard demo · step 6 through ROOK"},
	{"testdata/ui/glucose-SandboxUser7-7d-80x24.golden", "docs/pictures/glucose.svg", "dexonboard demo · glucose"},
}

func main() {
	root := flag.String("root", ".", "repository root")
	flag.Parse()
	if err := writeAll(*root); err != nil {
		fmt.Fprintln(os.Stderr, "pictures:", err)
		os.Exit(1)
	}
}

func writeAll(root string) error {
	for _, p := range pictures {
		svg, err := draw(root, p)
		if err != nil {
			return err
		}
		out := filepath.Join(root, p.svg)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, svg, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// draw reads a golden screen and returns its SVG.
func draw(root string, p picture) ([]byte, error) {
	screen, err := os.ReadFile(filepath.Join(root, p.golden))
	if err != nil {
		return nil, fmt.Errorf("read the golden screen: %w (regenerate it: go test ./ui -update)", err)
	}
	return renderSVG(parseScreen(string(screen)), p.title), nil
}
