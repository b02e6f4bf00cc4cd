package glucose_test

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/secret"
)

// TestFiguresOnSimulatorUsers computes 14 days of figures for every
// simulated user and checks what must hold for any real CGM data.
func TestFiguresOnSimulatorUsers(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	redirect, _ := connect.FreeRedirectURI()
	sim := sandbox.New(sandbox.Config{Now: func() time.Time { return now }, Apps: []sandbox.App{sandbox.DemoApp(redirect)}})
	ts := httptest.NewServer(sim)
	defer ts.Close()
	ep, _ := dexcom.NewEndpoints(dexcom.Custom, ts.URL, "")
	app := dexcom.App{ClientID: sandbox.DemoClientID, ClientSecret: secret.New(sandbox.DemoClientSecret), RedirectURI: redirect}
	for _, u := range sandbox.Users {
		t.Run(u.Name, func(t *testing.T) {
			c := &connect.Check{Endpoints: ep, Env: dexcom.Sandbox, App: app, Days: 14, HTTP: http.DefaultClient, Now: func() time.Time { return now },
				Login: connect.Login{Open: sandbox.Autopilot(http.DefaultClient, u.Name, true)}}
			out, err := c.Run(context.Background())
			if err != nil || !out.OK() {
				t.Fatal(err)
			}
			rs := glucose.Readings(out.EGVs)
			st := glucose.Compute(rs, 14*24*time.Hour)
			r := st.Ranges
			if sum := r.VeryLow + r.Low + r.InRange + r.High + r.VeryHigh; math.Abs(sum-100) > 1e-9 {
				t.Errorf("ranges add up to %v", sum)
			}
			if st.SensorActive < 85 || st.SensorActive > 100 {
				t.Errorf("sensor active %.1f%%", st.SensorActive)
			}
			// A night below 40 in every 7 days and a day above 400 in every 6:
			// both show at the limits they stand for.
			if st.Min != 40 || st.Max != 400 {
				t.Errorf("min %v max %v", st.Min, st.Max)
			}
			if st.CV < 10 || st.CV > 60 || math.Abs(st.GMI-(3.31+0.02392*st.Mean)) > 1e-9 {
				t.Errorf("cv %.1f gmi %.2f mean %.1f", st.CV, st.GMI, st.Mean)
			}
			if st.Count != len(out.EGVs) {
				t.Errorf("%d readings counted of %d", st.Count, len(out.EGVs))
			}
			agp := glucose.AGP(rs, time.UTC, 60)
			for _, row := range agp {
				if row.Count > 0 && !(row.P5 <= row.P25 && row.P25 <= row.P50 && row.P50 <= row.P75 && row.P75 <= row.P95) {
					t.Fatalf("AGP row out of order: %+v", row)
				}
			}
		})
	}
}
