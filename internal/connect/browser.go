package connect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/cli/browser"
)

// ErrShowURLOnly is what an opener returns when it only printed the URL.
var ErrShowURLOnly = errors.New("login URL shown; waiting for the browser")

// Opener opens the login URL in the person's browser when there is one, and
// always shows the URL, alone on its line, so it works over SSH and when the
// browser is on another machine.
type Opener struct {
	Out       io.Writer // where the URL is printed (stderr)
	NoBrowser bool
	Getenv    func(string) string
	open      func(string) error
}

// NewOpener prints to out and opens browsers with github.com/cli/browser,
// whose own output is discarded so it cannot corrupt the screen.
func NewOpener(out io.Writer, noBrowser bool) *Opener {
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	return &Opener{Out: out, NoBrowser: noBrowser, Getenv: os.Getenv, open: browser.OpenURL}
}

// HasDisplay reports whether a browser could show up for this person.
func (o *Opener) HasDisplay() bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" && runtime.GOOS != "openbsd" {
		return o.Getenv("SSH_CONNECTION") == ""
	}
	return o.Getenv("DISPLAY") != "" || o.Getenv("WAYLAND_DISPLAY") != ""
}

// Open shows the URL and, when it can, opens the browser.
func (o *Opener) Open(_ context.Context, loginURL string) error {
	if o.NoBrowser || !o.HasDisplay() {
		fmt.Fprintf(o.Out, "Open this URL in a browser to log the test user in:\n%s\n", loginURL)
		return ErrShowURLOnly
	}
	if err := o.open(loginURL); err != nil {
		fmt.Fprintf(o.Out, "Could not open a browser (%v). Open this URL yourself:\n%s\n", err, loginURL)
		return ErrShowURLOnly
	}
	fmt.Fprintf(o.Out, "Opened the browser. If it did not appear, open this URL:\n%s\n", loginURL)
	return ErrShowURLOnly
}
