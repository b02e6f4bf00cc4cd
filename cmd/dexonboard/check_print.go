package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/service"
)

func printReport(w io.Writer, r *connect.Report) {
	env, _ := dexcom.ParseEnvironment(r.Environment)
	if r.OK {
		fmt.Fprintf(w, "\nVerified: %s answered every call with 200 and readings came back.\n\n", env.Label())
	} else {
		fmt.Fprintf(w, "\nNot verified: %s\n", r.Error)
		if r.Hint != "" {
			fmt.Fprintf(w, "What to do: %s\n", r.Hint)
		}
		fmt.Fprintln(w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	login := "new login"
	if r.LoginReused {
		login = "saved login reused"
	}
	fmt.Fprintf(tw, "environment\t%s (%s)\n", env.Label(), r.APIBase)
	fmt.Fprintf(tw, "app\tclient id %s, redirect %s\n", r.ClientID, r.RedirectURI)
	if len(r.Calls) > 0 {
		fmt.Fprintf(tw, "login\t%s\n", login)
	}
	for i, c := range r.Calls {
		label := ""
		if i == 0 {
			label = "calls"
		}
		retry := ""
		if c.Attempt > 1 {
			retry = fmt.Sprintf(" (attempt %d)", c.Attempt)
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%d\t%d ms%s\n", label, c.Method, c.Path, c.Status, c.Ms, retry)
	}
	if r.DataRange != nil {
		fmt.Fprintf(tw, "data range\tEGVs %s → %s (UTC)\n", r.DataRange.Start.Format("2006-01-02 15:04"), r.DataRange.End.Format("2006-01-02 15:04"))
	}
	if r.Device != "" {
		fmt.Fprintf(tw, "device\t%s\n", r.Device)
	}
	if len(r.Calls) > 0 {
		fmt.Fprintf(tw, "readings\t%d EGVs and %d events in the last %s\n", r.EGVCount, r.EventCount, plural(r.Days, "day"))
	}
	if r.DroppedCount > 0 {
		fmt.Fprintf(tw, "dropped\t%s left out as unusable: %s\n", plural(r.DroppedCount, "record"), safetext.Line(r.Dropped.String()))
	}
	if l := r.LatestEGV; l != nil {
		unit := " mg/dL"
		if l.Value == nil || strings.Contains(l.Reading, " ") {
			unit = ""
		}
		fmt.Fprintf(tw, "latest\t%s%s, trend %s, at %s (%s ago)\n", l.Reading, unit, l.Trend, displayClock(l.DisplayTime), ago(time.Since(l.SystemTime)))
	}
	if f := r.Figures; f != nil {
		fmt.Fprintf(tw, "figures\tmean %.0f mg/dL, SD %.0f, CV %.0f%%, GMI %.1f%%, sensor active %.0f%%\n", f.Mean, f.SD, f.CV, f.GMI, f.SensorActive)
		g := f.Ranges
		fmt.Fprintf(tw, "time in ranges\t<54 %.0f%%, 54-69 %.0f%%, 70-180 %.0f%%, 181-250 %.0f%%, >250 %.0f%%\n", g.VeryLow, g.Low, g.InRange, g.High, g.VeryHigh)
	}
	_ = tw.Flush()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// displayClock shows a reading's display time as the device showed it.
func displayClock(raw string) string {
	ts, err := dexcom.ParseTimestamp(raw)
	if err != nil {
		return raw
	}
	return ts.Format("2006-01-02 15:04")
}

// ago says how long ago in words a person reads at a glance.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

func printROOKReport(w io.Writer, r *service.ROOKReport) {

	if r.OK {
		fmt.Fprintf(w, "\nThrough ROOK: verified. ROOK connected Dexcom for %s and returned blood glucose.\n\n", r.UserID)
	} else {
		fmt.Fprintf(w, "\nThrough ROOK: not verified (%s): %s\nWhat to do: %s\n\n", r.FailedStage, r.Error, r.Fix)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "rook\t%s (%s), client %s, user %s\n", r.Environment, r.APIBase, r.ClientUUID, r.UserID)
	if r.AuthorizationURL != "" {
		fmt.Fprintf(tw, "authorization url\t%s\n", r.AuthorizationURL)
	}
	if r.AlreadyConnected {
		fmt.Fprintf(tw, "connection\talready connected; no login needed\n")
	}
	for i, c := range r.Calls {
		label := ""
		if i == 0 {
			label = "calls"
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%d\t%d ms\n", label, c.Method, c.Path, c.Status, c.Ms)
	}
	for _, d := range r.Glucose {
		fmt.Fprintf(tw, "glucose\t%s: %d readings\n", d.Date, d.Count)
	}
	if c := r.Comparison; c != nil {
		fmt.Fprintf(tw, "compared\t%s\n", c.Summary)
	}
	if h := r.Webhook; h != nil {
		fmt.Fprintf(tw, "webhook\t%s: %d in %d ms, %s (%s)%s\n", h.URL, h.Status, h.Ms, h.Verdict, h.Reason, hashNote(h.Signed, h.Hash))
	}
	if d := r.Delivery; d != nil {
		fmt.Fprintf(tw, "delivery\tROOK posted %s (%d readings) to the webhook: answered %d%s\n", d.Date, d.Readings, d.Status, hashNote(true, d.Hash))
	}
	_ = tw.Flush()
}

// hashNote says what the receiver made of a post's x-rook-hash.
func hashNote(signed bool, verdict string) string {
	switch {
	case verdict != "":
		return ", x-rook-hash " + verdict
	case signed:
		return ", signed with x-rook-hash"
	}
	return ""
}
