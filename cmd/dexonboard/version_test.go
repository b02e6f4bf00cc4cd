package main

import (
	"encoding/json"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestReadVersion(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}
	for _, tc := range []struct {
		name    string
		stamped string
		info    *debug.BuildInfo
		want    buildVersion
	}{
		{"go install @version", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}},
			buildVersion{Version: "v1.4.0", Go: "go1.26.8"}},
		{"checkout", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261201100000-0123456789ab+dirty"}, Settings: vcs},
			buildVersion{Version: "v0.0.0-20261201100000-0123456789ab+dirty", Revision: "0123456789abcdef0123456789abcdef01234567", Time: "2026-12-01T10:00:00Z", Dirty: true, Go: "go1.26.8"}},
		{"release build", "v1.4.0-3-g0123456", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			buildVersion{Version: "v1.4.0-3-g0123456", Go: "go1.26.8"}},
		{"nothing recorded", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			buildVersion{Version: "dev", Go: "go1.26.8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.OS, tc.want.Arch = runtime.GOOS, runtime.GOARCH
			if got := readVersion(tc.stamped, tc.info, true); got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	if got := readVersion("", nil, false); got.Version != "dev" || got.Go != runtime.Version() {
		t.Errorf("without build info: %+v", got)
	}
}

// TestVersionOfACheckout runs the binary the tests share, built as the
// release builds it from a git checkout, and checks that `version` names
// the commit. (That a checkout with changes is marked is readVersion's
// reading of Go's vcs.modified, in TestReadVersion.)
func TestVersionOfACheckout(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	if built.rev == "" {
		t.Skip("no git: the binary records no revision")
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v buildVersion
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	rev := built.rev
	if v.Revision != rev || v.Time != checkoutTime || v.Dirty || !strings.Contains(v.Version, rev[:12]) {
		t.Errorf("clean checkout at %s: %+v", rev, v)
	}
	if v.Go != runtime.Version() || v.OS != runtime.GOOS || v.Arch != runtime.GOARCH {
		t.Errorf("toolchain or platform: %+v", v)
	}
	text, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "revision "+rev+" ("+checkoutTime+")") || strings.Contains(string(text), "uncommitted") {
		t.Errorf("text output:\n%s", text)
	}
}
