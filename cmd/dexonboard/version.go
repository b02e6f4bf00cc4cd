package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/iostreams"
)

// version may be set at build time with -ldflags "-X main.version=…" (the
// release build stamps `git describe`); otherwise the build info says it.
var version string

// buildVersion is what `dexonboard version` reports.
type buildVersion struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Dirty    bool   `json:"dirty"`
	Go       string `json:"go"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
}

// readVersion gathers the version from what the build recorded: the module
// version for `go install …@v1.2.3` (Go also derives one from the VCS tag or
// commit of a checkout), the VCS revision, its time and whether the tree had
// uncommitted changes. Without any of them the version is "dev".
func readVersion(stamped string, info *debug.BuildInfo, ok bool) buildVersion {
	v := buildVersion{Version: stamped, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if !ok {
		info = &debug.BuildInfo{}
	}
	if info.GoVersion != "" {
		v.Go = info.GoVersion
	}
	if m := info.Main.Version; v.Version == "" && m != "" && m != "(devel)" {
		v.Version = m
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Dirty = s.Value == "true"
		}
	}
	if v.Version == "" {
		v.Version = "dev"
	}
	return v
}

func (v buildVersion) print(w io.Writer) {
	fmt.Fprintln(w, "dexonboard", v.Version)
	if v.Revision != "" {
		line := "revision " + v.Revision
		if v.Time != "" {
			line += " (" + v.Time + ")"
		}
		if v.Dirty {
			line += ", with uncommitted changes"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "built with %s for %s/%s\n", v.Go, v.OS, v.Arch)
}

func newVersionCmd(ios *iostreams.IOStreams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use: "version",
		Long: `Print the version, the source revision it was built from (with a note when
the tree had uncommitted changes), the Go version and the platform.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			info, ok := debug.ReadBuildInfo()
			v := readVersion(version, info, ok)
			if !asJSON {
				v.print(ios.Out)
				return nil
			}
			enc := json.NewEncoder(ios.Out)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
