package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/iostreams"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// serve runs `dexonboard sandbox serve` with args on free ports until the
// test ends and returns its printed "name: value" lines.
func serve(t *testing.T, args ...string) map[string]string {
	t.Helper()
	lines, _ := start(t, "rook authorizer", append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", "127.0.0.1:0"}, args...)...)
	return lines
}

// start runs a long-running command until the test ends. It returns the
// "name: value" lines printed up to the one named last, and a scanner for
// what follows.
func start(t *testing.T, last string, args ...string) (map[string]string, *bufio.Scanner) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	ios := &iostreams.IOStreams{In: strings.NewReader(""), Out: pw, ErrOut: io.Discard}
	done := make(chan int)
	go func() {
		done <- runWith(ctx, &env{ios: ios, prompt: &fakePrompter{}}, args)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		go func() { _, _ = io.Copy(io.Discard, pr) }()
		if code := <-done; code != 0 {
			t.Errorf("%v exited %d", args, code)
		}
	})
	lines := map[string]string{}
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ": ")
		if _, seen := lines[k]; !seen {
			lines[k] = v
		}
		if k == last {
			break
		}
	}
	return lines, sc
}

func TestSandboxServeBothSimulators(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want rook.Mismatch
	}{
		{"as configured", nil, 0},
		{"wrong Client ID held by ROOK", []string{"--rook-wrong-client-id"}, rook.WrongClientID},
		{"Redirect URL not registered", []string{"--rook-redirect-not-registered"}, rook.DexcomRefused},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := serve(t, tt.args...)
			for _, k := range []string{"base url", "client id", "client secret", "redirect uri", "login url", "rook base url", "rook client uuid", "rook secret key", "rook redirect url"} {
				if out[k] == "" {
					t.Fatalf("no %q line in %v", k, out)
				}
			}
			c, err := rook.New(rook.Config{BaseURL: out["rook base url"],
				Credentials: rook.Credentials{ClientUUID: out["rook client uuid"], SecretKey: secret.New(out["rook secret key"])}})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			a, err := c.Authorizer(ctx, "cli-user", rook.Dexcom, "")
			if err != nil {
				t.Fatal(err)
			}
			p := rook.InspectAuthorizationURL(ctx, http.DefaultClient, a.AuthorizationURL,
				rook.Expected{DexcomBase: out["base url"], ClientID: out["client id"], RedirectURL: out["rook redirect url"]})
			if tt.want == 0 {
				if p != nil {
					t.Fatal(p)
				}
				if err := sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)(ctx, a.AuthorizationURL); err != nil {
					t.Fatalf("ROOK's callback: %v", err)
				}
				if s, err := c.AuthorizedSources(ctx, "cli-user"); err != nil || !rook.IsAuthorized(s, rook.Dexcom) {
					t.Fatalf("not connected: %v %v", s, err)
				}
				return
			}
			if p == nil || p.Mismatch != tt.want {
				t.Fatalf("problem %#v, want %v", p, tt.want)
			}
		})
	}
}

func TestSandboxServeRefusesBadROOKFlags(t *testing.T) {
	for _, args := range [][]string{{"--rook-no-data-polls", "-1"}, {"--rook-webhook", "ftp://x"}} {
		r := runCmd(t, "", nil, append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", "127.0.0.1:0"}, args...)...)
		if r.code != exitUsage {
			t.Errorf("%v: %+v", args, r)
		}
	}
}
