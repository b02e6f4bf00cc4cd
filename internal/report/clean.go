package report

import "github.com/tryrook/dexonboard/internal/safetext"

// clean makes every text of the report safe for a terminal, a ticket or a
// page: names, app fields, step notes and the stored check all came from
// outside at some point (people, hand-offs, Dexcom's answers, older
// versions that stored them as they came).
func (d *Doc) clean() {
	line := func(ss ...*string) {
		for _, s := range ss {
			*s = safetext.Line(*s)
		}
	}
	line(&d.Profile, &d.Company)
	for i := range d.Apps {
		a := &d.Apps[i]
		line(&a.Environment, &a.Name, &a.ClientID, &a.RedirectURI, &a.ROOKRedirect)
	}
	for i := range d.Tracks {
		t := &d.Tracks[i]
		line(&t.Track, &t.Environment)
		for j := range t.Steps {
			s := &t.Steps[j]
			line(&s.Title, &s.Status, &s.Issue)
			fields := make(map[string]string, len(s.Fields))
			for k, v := range s.Fields {
				fields[safetext.Line(k)] = safetext.Line(v)
			}
			if s.Fields != nil {
				s.Fields = fields
			}
		}
	}
	for i := range d.ROOK {
		r := &d.ROOK[i]
		line(&r.Track, &r.Environment, &r.ClientUUID, &r.UserID, &r.RedirectURL, &r.WebhookURL, &r.Connection, &r.Problem, &r.Readings, &r.Webhook)
	}
	if c := d.LastCheck; c != nil {
		line(&c.Summary)
		if c.Report != nil {
			c.Report.Clean()
		}
	}
}
