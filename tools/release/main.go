// Command release cross-builds dexonboard for every platform it ships on and
// packs each build with the licence, the docs, the man pages and the shell
// completions, plus SHA256SUMS, into dist/. Run it from the repository root:
//
//	go run ./tools/release
//
// The builds are reproducible: -trimpath, no cgo, a fixed build id, and
// archive entries dated at the commit time, so two runs on one commit give
// identical bytes (.ci/run checks one target).
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// allTargets are the platforms a release ships.
var allTargets = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

// extras are the files packed beside the program: paths from the
// repository root, and the folders whose files are all packed.
var extras = []string{"LICENSE", "README.md", "SECURITY.md", "docs/man", "completions"}

func main() {
	out := flag.String("out", "dist", "folder for the archives and SHA256SUMS (emptied first)")
	targets := flag.String("targets", strings.Join(allTargets, ","), "comma-separated GOOS/GOARCH pairs")
	version := flag.String("version", "", "version to stamp (default: from git describe)")
	flag.Parse()
	if err := run(*out, strings.Split(*targets, ","), *version); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(out string, targets []string, version string) error {
	for _, t := range targets {
		if !slices.Contains(allTargets, t) {
			return fmt.Errorf("unknown target %q: use some of %s", t, strings.Join(allTargets, ","))
		}
	}
	when, err := commitTime()
	if err != nil {
		return err
	}
	if version == "" {
		if version, err = describe(when); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	files, err := extraFiles()
	if err != nil {
		return err
	}
	var sums []string
	for _, t := range targets {
		goos, goarch, _ := strings.Cut(t, "/")
		name, err := buildTarget(out, goos, goarch, version, when, files)
		if err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		sums = append(sums, hex.EncodeToString(sum[:])+"  "+name+"\n")
		fmt.Println(filepath.Join(out, name))
	}
	slices.Sort(sums)
	return os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(strings.Join(sums, "")), 0o644)
}

// buildTarget builds one platform's program and packs it; it returns the
// archive's name.
func buildTarget(out, goos, goarch, version string, when time.Time, files []string) (string, error) {
	base := fmt.Sprintf("dexonboard_%s_%s_%s", strings.TrimPrefix(version, "v"), goos, goarch)
	exe := "dexonboard"
	if goos == "windows" {
		exe += ".exe"
	}
	tmp, err := os.MkdirTemp("", "dexonboard-release-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, exe)
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=true", "-o", bin,
		"-ldflags", "-s -w -buildid= -X main.version="+version, "./cmd/dexonboard")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOAMD64=v1", "GOARM64=v8.0", "GOFLAGS=-mod=readonly")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, msg)
	}
	entries := []entry{{name: base + "/" + exe, path: bin, mode: 0o755}}
	for _, f := range files {
		entries = append(entries, entry{name: base + "/" + f, path: f, mode: 0o644})
	}
	name := base + ".tar.gz"
	write := writeTarGz
	if goos == "windows" {
		name, write = base+".zip", writeZip
	}
	f, err := os.Create(filepath.Join(out, name))
	if err != nil {
		return "", err
	}
	if err := write(f, entries, when); err != nil {
		f.Close()
		return "", err
	}
	return name, f.Close()
}

// extraFiles lists the files packed beside the program, in a fixed order.
func extraFiles() ([]string, error) {
	var files []string
	for _, p := range extras {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%w (run the release from the repository root)", err)
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		des, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		for _, de := range des {
			if de.Type().IsRegular() {
				files = append(files, p+"/"+de.Name())
			}
		}
	}
	return files, nil
}

// commitTime is the time of the commit being built (SOURCE_DATE_EPOCH wins).
func commitTime() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		out, err := exec.Command("git", "log", "-1", "--format=%ct").Output()
		if err != nil {
			return time.Time{}, fmt.Errorf("read the commit time with git: %w (or set SOURCE_DATE_EPOCH)", err)
		}
		s = strings.TrimSpace(string(out))
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("commit time %q: %w", s, err)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// describe names the version: the tag when the commit has one (v1.2.3, or
// v1.2.3-4-gabcdef123456 after it), else a Go-style pseudo-version; a
// "-dirty" suffix marks uncommitted changes.
func describe(when time.Time) (string, error) {
	out, err := exec.Command("git", "describe", "--tags", "--always", "--dirty", "--abbrev=12", "--match", "v[0-9]*").Output()
	if err != nil {
		return "", fmt.Errorf("git describe: %w (or pass -version)", err)
	}
	d := strings.TrimSpace(string(out))
	if strings.HasPrefix(d, "v") {
		return d, nil
	}
	hash, dirty := strings.CutSuffix(d, "-dirty")
	v := "v0.0.0-" + when.Format("20060102150405") + "-" + hash
	if dirty {
		v += "-dirty"
	}
	return v, nil
}
