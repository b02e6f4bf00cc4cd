package connect

import (
	"slices"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// maxReportText bounds one text of a report (an error can carry a whole
// response body).
const maxReportText = 1000

// Clean makes every text of the report safe to print, store or put in a
// document: parts of it came from outside (error answers, device names,
// timestamps), and a report stored by an older version may hold anything.
func (r *Report) Clean() {
	for _, s := range []*string{&r.Environment, &r.APIBase, &r.ClientID, &r.RedirectURI, &r.Device, &r.Error, &r.Hint} {
		*s = safetext.Cut(safetext.Line(*s), maxReportText)
	}
	for i := range r.Calls {
		c := &r.Calls[i]
		c.Method, c.Path = safetext.Line(c.Method), safetext.Line(c.Path)
	}
	r.Dropped = slices.Clone(r.Dropped) // shared with the outcome
	for i := range r.Dropped {
		d := &r.Dropped[i]
		d.Endpoint, d.Reason = safetext.Line(d.Endpoint), safetext.Cut(safetext.Line(d.Reason), maxReportText)
	}
	if l := r.LatestEGV; l != nil {
		l.DisplayTime, l.Reading, l.Trend = safetext.Line(l.DisplayTime), safetext.Line(l.Reading), safetext.Line(l.Trend)
	}
}
