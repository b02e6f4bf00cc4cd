package main

import (
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// The demo world plays Dexcom and ROOK as their sources document them
// (login redirected to an identity page, strict redirect_url, `status` in
// the authorized list, x-rook-hash as published) with a webhook that
// refuses unsigned posts: through the binary, both ways pass, and both
// ROOK's delivery and dexonboard's own probe carry a hash the webhook
// verified.
func TestCheckDemoDocumentedModeVerifiesTheHash(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	for _, via := range []string{"rook", "both"} {
		out, err := exec.Command(bin, "check", "--demo", "--via", via).Output()
		if err != nil {
			t.Fatalf("--via %s: %v\n%s", via, err, out)
		}
		text := string(out)
		for _, want := range []string{"Through ROOK: verified", "webhook ", "delivery ", "answered 200, x-rook-hash verified"} {
			if !strings.Contains(text, want) {
				t.Fatalf("--via %s: no %q in\n%s", via, want, text)
			}
		}
		if n := strings.Count(text, "x-rook-hash verified"); n != 2 {
			t.Fatalf("--via %s: the probe and ROOK's delivery should both be verified (%d):\n%s", via, n, text)
		}
	}
	out, err := exec.Command(bin, "check", "--demo", "--via", "rook", "--json").Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var c struct {
		ROOK struct {
			OK      bool `json:"ok"`
			Webhook struct {
				Signed bool   `json:"signed"`
				Hash   string `json:"x_rook_hash"`
			} `json:"webhook"`
			Delivery struct {
				Readings int    `json:"readings"`
				Status   int    `json:"status"`
				Hash     string `json:"x_rook_hash"`
			} `json:"delivery"`
		} `json:"rook"`
	}
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	r := c.ROOK
	if !r.OK || !r.Webhook.Signed || r.Webhook.Hash != "verified" || r.Delivery.Status != 200 || r.Delivery.Hash != "verified" || r.Delivery.Readings == 0 {
		t.Fatalf("%+v\n%s", r, out)
	}
}

// check --demo --demo-fault switches one of the demo world's
// misconfigurations on, as f does in the demo: the check fails with the
// ROOK leg's exit code and names it; a wrong name lists the right ones.
func TestCheckDemoFault(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	for key, want := range map[string]string{
		"dexcom-disabled": "Dexcom is not enabled", "webhook-down": "connection refused",
		"login-denied": "denied", "wrong-client-id": "ROOK holds Client ID",
	} {
		cmd := exec.Command(bin, "check", "--demo", "--via", "rook", "--demo-fault", key)
		out, err := cmd.Output()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitROOK || !strings.Contains(string(out), want) {
			t.Fatalf("%s: %v\n%s", key, err, out)
		}
	}
	for _, args := range [][]string{{"--demo", "--demo-fault", "bogus"}, {"--demo-fault", "webhook-down", "--via", "rook"}} {
		out, err := exec.Command(bin, append([]string{"check"}, args...)...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitUsage {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		if args[0] == "--demo" && !strings.Contains(string(out), "webhook-down") {
			t.Fatalf("the names are not listed:\n%s", out)
		}
	}
}
