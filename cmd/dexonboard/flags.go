package main

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tryrook/dexonboard/internal/dexcom"
)

// Every duration flag has a range, set where the flag is made (boundDuration)
// and checked before any command runs (checkDurations): a zero or negative
// timeout would wait for ever, a huge one as good as.

// durationAnnotation holds a duration flag's range on the flag itself.
const durationAnnotation = "dexonboard/duration-range"

// durationRange is what a duration flag accepts: above zero (or zero, when
// zero means something, such as "do not wait") and at most max.
type durationRange struct {
	zero string // what 0 means; "" refuses 0
	max  time.Duration
}

// boundDuration gives the duration flag name its range: above zero, at most
// max; zero too when zero says what it means ("do not wait").
func boundDuration(f *pflag.FlagSet, name string, max time.Duration, zero string) {
	if err := f.SetAnnotation(name, durationAnnotation, []string{max.String(), zero}); err != nil {
		panic(err) // a flag name the code got wrong
	}
}

// rangeOf reads the range boundDuration set; ok is false for a flag without one.
func rangeOf(fl *pflag.Flag) (r durationRange, ok bool) {
	a := fl.Annotations[durationAnnotation]
	if len(a) != 2 {
		return r, false
	}
	max, err := time.ParseDuration(a[0])
	if err != nil {
		return r, false
	}
	return durationRange{zero: a[1], max: max}, true
}

// checkDurations checks every duration flag the command line set (and its
// default) against its range: exit 2 naming the flag.
func checkDurations(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if err != nil || fl.Value.Type() != "duration" {
			return
		}
		d, perr := time.ParseDuration(fl.Value.String())
		if perr != nil {
			err = exitWith(exitUsage, fmt.Errorf("--%s: %w", fl.Name, perr))
			return
		}
		r, ok := rangeOf(fl)
		if !ok {
			err = fmt.Errorf("internal error: --%s has no range", fl.Name)
			return
		}
		err = r.check(fl.Name, d)
	})
	return err
}

func (r durationRange) check(name string, d time.Duration) error {
	if (d > 0 || d == 0 && r.zero != "") && d <= r.max {
		return nil
	}
	from := "above 0"
	if r.zero != "" {
		from = "from 0 (" + r.zero + ")"
	}
	return exitWith(exitUsage, fmt.Errorf("--%s %s: give a duration %s, at most %s", name, d, from, shortDuration(r.max)))
}

// shortDuration writes whole hours and minutes as 24h or 10m, not 24h0m0s.
func shortDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d >= time.Minute && d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}

// checkLoopback refuses a listen address that is not on loopback: an empty
// host or 0.0.0.0 listens on every interface, where anyone on the network
// can reach the server.
func checkLoopback(flag, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--%s %q: give host:port, such as 127.0.0.1:0 (%w)", flag, addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--%s %s is not a loopback address: give 127.0.0.1:PORT or [::1]:PORT", flag, addr)
}

// checkAPIBase checks --api-base, when given, as the Dexcom client will.
func checkAPIBase(base string) error {
	if base == "" {
		return nil
	}
	if _, err := dexcom.ParseBaseURL(base); err != nil {
		return exitWith(exitUsage, fmt.Errorf("--api-base: %w", err))
	}
	return nil
}
