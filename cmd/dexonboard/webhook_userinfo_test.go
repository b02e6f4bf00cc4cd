package main

import (
	"strings"
	"testing"
)

// A webhook URL with a password is refused before anything runs, and the
// password is nowhere in the output.
func TestWebhookURLWithPasswordRefusedUnseen(t *testing.T) {
	const pass = "Hunter2-Pass-9xQ"
	hook := "https://ops:" + pass + "@hooks.example.com/rook"
	for _, args := range [][]string{
		{"check", "--demo", "--webhook-url", hook},
		{"webhook", "probe", hook},
	} {
		r := runCmd(t, "", nil, args...)
		if r.code != exitUsage || !strings.Contains(r.errOut, "user name or password") {
			t.Errorf("%v: exit %d, stderr %q", args[:2], r.code, r.errOut)
		}
		if strings.Contains(r.out+r.errOut, pass) {
			t.Errorf("%v: the password is shown: %q %q", args[:2], r.out, r.errOut)
		}
	}
}
