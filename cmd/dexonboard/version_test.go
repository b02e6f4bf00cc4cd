package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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

// TestVersionOfACheckout builds dexonboard from a git checkout (a copy of
// this source tree committed in a fresh repository, since Go reads the VCS
// only where .git is a folder) and checks that `version` names the commit,
// then that an uncommitted change is marked.
func TestVersionOfACheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel() // its own copy of the tree; two builds that wait on the compiler and linker
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	src := copySourceTree(t)
	gitEnv := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_COMMITTER_DATE=2026-12-01T10:00:00Z", "GIT_AUTHOR_DATE=2026-12-01T10:00:00Z")
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = src, gitEnv
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run(git, "init", "-q")
	run(git, "add", "-A")
	run(git, "commit", "-q", "--no-gpg-sign", "-m", "checkout")
	rev := run(git, "rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), "dexonboard")
	version := func() buildVersion {
		t.Helper()
		run("go", "build", "-trimpath", "-buildvcs=true", "-o", bin, "./cmd/dexonboard") // as tools/release builds; the cache then serves a copy at a new path
		var v buildVersion
		if err := json.Unmarshal([]byte(run(bin, "version", "--json")), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := version()
	if v.Revision != rev || v.Time != "2026-12-01T10:00:00Z" || v.Dirty || !strings.Contains(v.Version, rev[:12]) {
		t.Errorf("clean checkout at %s: %+v", rev, v)
	}
	if v.Go != runtime.Version() || v.OS != runtime.GOOS || v.Arch != runtime.GOARCH {
		t.Errorf("toolchain or platform: %+v", v)
	}
	text := run(bin, "version")
	if !strings.Contains(text, "revision "+rev+" (2026-12-01T10:00:00Z)") || strings.Contains(text, "uncommitted") {
		t.Errorf("text output:\n%s", text)
	}
	if err := os.WriteFile(filepath.Join(src, "cmd", "dexonboard", "zz_dirty.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := version(); v.Revision != rev || !v.Dirty || !strings.HasSuffix(v.Version, "+dirty") {
		t.Errorf("checkout with a change: %+v", v)
	}
	if text := run(bin, "version"); !strings.Contains(text, ", with uncommitted changes") {
		t.Errorf("text output of a dirty build:\n%s", text)
	}
}

// copySourceTree copies the files git knows of (tracked, and new ones not
// ignored) from the repository root into a temporary folder.
func copySourceTree(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	dst := t.TempDir()
	for _, name := range bytes.Split(bytes.TrimRight(out, "\x00"), []byte{0}) {
		data, err := os.ReadFile(filepath.Join(root, string(name)))
		if os.IsNotExist(err) {
			continue // deleted, not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, string(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
