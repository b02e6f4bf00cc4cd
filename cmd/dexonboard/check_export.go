package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/tryrook/dexonboard/internal/glucose"
	"github.com/tryrook/dexonboard/internal/service"
)

// validateExport checks --export before anything runs: a folder that
// exists, and a direct leg whose records it can hold.
func (o *checkOptions) validateExport() error {
	if o.export == "" {
		return nil
	}
	if o.rook.via == viaROOK {
		return exitWith(exitUsage, errors.New("--export writes Dexcom's records of the direct check: use it with --via dexcom or --via both"))
	}
	fi, err := os.Stat(o.export)
	if err != nil || !fi.IsDir() {
		return exitWith(exitUsage, fmt.Errorf("--export %q: give an existing folder to write the files into", o.export))
	}
	return nil
}

// exportChecked writes the direct check's records with --export, with the
// function the glucose view's e uses; the paths go to stderr, so --json
// keeps stdout for the report. A check that got no records writes none; a
// write that fails ends the command, saying the check itself ran.
func exportChecked(e *env, o *checkOptions, res *service.CheckResult) error {
	if o.export == "" {
		return nil
	}
	if res.Outcome == nil || res.Outcome.Verification == nil || len(res.Outcome.EGVs) == 0 {
		fmt.Fprintln(e.ios.ErrOut, "nothing exported: the check got no readings")
		return nil
	}
	v := res.Outcome.Verification
	paths, err := glucose.Export(o.export, fmt.Sprintf("%dd", o.days), time.Now(),
		glucose.Records{Start: v.Window.Start, End: v.Window.End, EGVs: v.EGVs, Events: v.Events, Device: v.Device()})
	if err != nil {
		verdict := "not verified"
		if res.OK() {
			verdict = "verified"
		}
		return exitWith(exitFailure, fmt.Errorf("--export: %w (the check itself ran and was %s: free space or pick another folder, and run it again)", err, verdict))
	}
	for _, p := range paths {
		fmt.Fprintln(e.ios.ErrOut, "exported:", p)
	}
	return nil
}
