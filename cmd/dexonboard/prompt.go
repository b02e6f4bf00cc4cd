package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tryrook/dexonboard/internal/iostreams"
	"golang.org/x/term"
)

// prompter asks a person things on the terminal. Tests replace it.
type prompter interface {
	Password(prompt string) ([]byte, error)
	Input(prompt string) (string, error)
	Confirm(prompt string) (bool, error)
}

// ttyPrompter prompts on stderr and reads stdin; passwords are not echoed.
type ttyPrompter struct {
	ios *iostreams.IOStreams
	in  *bufio.Reader
	// piped lets a script answer on standard input, a line per question
	// (the accessible wizard); otherwise prompts need a terminal.
	piped bool
}

func newPrompter(ios *iostreams.IOStreams) prompter {
	return &ttyPrompter{ios: ios, in: bufio.NewReader(ios.In)}
}

var errNoTTY = errors.New("no terminal to prompt on")

func (p *ttyPrompter) Password(prompt string) ([]byte, error) {
	if !p.ios.IsStdinTTY() && p.piped {
		fmt.Fprint(p.ios.ErrOut, prompt)
		line, err := p.line()
		fmt.Fprintln(p.ios.ErrOut)
		return []byte(line), err
	}
	if !p.ios.CanPrompt() {
		return nil, errNoTTY
	}
	fmt.Fprint(p.ios.ErrOut, prompt)
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(p.ios.ErrOut)
	return b, err
}

func (p *ttyPrompter) Input(prompt string) (string, error) {
	if !p.ios.CanPrompt() && !p.piped {
		return "", errNoTTY
	}
	fmt.Fprint(p.ios.ErrOut, prompt)
	line, err := p.line()
	if !p.ios.IsStdinTTY() {
		fmt.Fprintln(p.ios.ErrOut) // the answer was not echoed
	}
	return line, err
}

func (p *ttyPrompter) line() (string, error) {
	line, err := p.in.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		if errors.Is(err, io.EOF) {
			return "", errors.New("input ended before every question was answered")
		}
		return "", err
	}
	return strings.TrimSpace(line), nil
}

func (p *ttyPrompter) Confirm(prompt string) (bool, error) {
	a, err := p.Input(prompt + " [y/N] ")
	if err != nil {
		return false, err
	}
	return strings.EqualFold(a, "y") || strings.EqualFold(a, "yes"), nil
}
