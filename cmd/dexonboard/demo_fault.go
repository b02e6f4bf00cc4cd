package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/service"
)

// addDemoFaultFlag adds --demo-fault: check --demo with one of the demo
// world's misconfigurations switched on, as `f` does in the demo.
func addDemoFaultFlag(f *pflag.FlagSet, key *string) {
	f.StringVar(key, "demo-fault", "", "with --demo: switch on one onboarding misconfiguration in the simulators and see how the check names it (wrong-client-id, webhook-down, ...; a wrong name lists them)")
}

// switchDemoFault switches on the session's misconfiguration named key
// ("" : none).
func switchDemoFault(s *service.Session, key string) error {
	if key == "" {
		return nil
	}
	var keys []string
	for _, f := range s.Faults {
		if f.Key == key {
			if err := f.Set(true); err != nil {
				return exitWith(exitFailure, fmt.Errorf("--demo-fault %s: %w", key, err))
			}
			return nil
		}
		keys = append(keys, f.Key)
	}
	return exitWith(exitUsage, fmt.Errorf("--demo-fault %q: use one of %s", safetext.Line(key), strings.Join(keys, ", ")))
}
