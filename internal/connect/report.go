package connect

import (
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
)

// Report is a check's outcome in a form for people and for --json. It holds
// no secret and no token.
type Report struct {
	OK          bool          `json:"ok"`
	Environment string        `json:"environment"`
	APIBase     string        `json:"api_base"`
	ClientID    string        `json:"client_id,omitempty"`
	RedirectURI string        `json:"redirect_uri,omitempty"`
	LoginReused bool          `json:"login_reused"`
	CheckedAt   time.Time     `json:"checked_at"`
	Days        int           `json:"days"`
	Calls       []dexcom.Call `json:"calls"`
	EGVCount    int           `json:"egv_count"`
	EventCount  int           `json:"event_count"`
	// DroppedCount records were left out as unusable; Dropped says why.
	DroppedCount int            `json:"dropped_count"`
	Dropped      dexcom.Drops   `json:"dropped"`
	LatestEGV    *LatestEGV     `json:"latest_egv"`
	DataRange    *Span          `json:"data_range"`
	Device       string         `json:"device,omitempty"`
	Figures      *glucose.Stats `json:"figures,omitempty"`
	Error        string         `json:"error,omitempty"`
	Hint         string         `json:"hint,omitempty"`
}

// LatestEGV is the newest reading.
type LatestEGV struct {
	SystemTime  time.Time `json:"system_time"`
	DisplayTime string    `json:"display_time"`
	Value       *float64  `json:"value"`   // mg/dL, converted when the record was in mmol/L
	Reading     string    `json:"reading"` // "142", "below 40", "above 400"
	Trend       string    `json:"trend"`
}

// Span is the EGV data range.
type Span struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// NewReport summarises an outcome (nil when the login failed) or an error.
func NewReport(env dexcom.Environment, ep dexcom.Endpoints, app dexcom.App, days int, at time.Time, out *Outcome, err error) *Report {
	r := &Report{Environment: string(env), APIBase: ep.BaseURL, ClientID: app.ClientID, RedirectURI: app.RedirectURI,
		CheckedAt: at.UTC(), Days: max(1, min(days, MaxDays)), Calls: []dexcom.Call{}, Dropped: dexcom.Drops{}}
	defer r.Clean()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.OK, r.LoginReused, r.Calls = out.OK(), out.Reused, out.Calls
	r.EGVCount, r.EventCount = len(out.EGVs), len(out.Events)
	if out.Dropped != nil {
		r.Dropped, r.DroppedCount = out.Dropped, out.Dropped.Total()
	}
	if out.Err != nil {
		r.Error = out.Err.Error()
	}
	if !r.OK {
		r.Hint = out.Hint()
	}
	if e := out.Latest(); e != nil {
		var value *float64
		if v, ok := e.MgDL(); ok {
			value = &v
		}
		r.LatestEGV = &LatestEGV{SystemTime: e.SystemTime.UTC(), DisplayTime: e.DisplayTime.Raw, Value: value,
			Reading: e.Reading().String(), Trend: string(e.TrendOrUnknown())}
	}
	if out.DataRange != nil && out.DataRange.EGVs != nil {
		r.DataRange = &Span{Start: out.DataRange.EGVs.Start.SystemTime.UTC(), End: out.DataRange.EGVs.End.SystemTime.UTC()}
	}
	if d := out.Device(); d != nil {
		r.Device = d.Name()
	}
	if len(out.EGVs) > 0 {
		st := glucose.Compute(glucose.Readings(out.EGVs), out.Window.End.Sub(out.Window.Start))
		r.Figures = &st
	}
	return r
}
