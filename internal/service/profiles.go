package service

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/report"
	"github.com/tryrook/dexonboard/internal/vault"
)

// ProfileSummary is one client's line in the client list.
type ProfileSummary struct {
	Profile             *onboarding.Profile
	Sandbox, Production string // "3/8", "3/8 !", "not started", "unreadable"
	Attention           bool   // a step needs attention or the last check failed
	Complete            bool
}

// CheckText is the last check's verdict and date.
func (r ProfileSummary) CheckText() string {
	lc := r.Profile.LastCheck
	if lc == nil {
		return "never checked"
	}
	mark := "✓"
	if !lc.OK {
		mark = "✗"
	}
	return mark + " " + lc.At.Local().Format("2006-01-02") + " " + string(lc.Env)
}

// Summaries lists every profile with its progress, those needing attention
// first, then work in progress, then finished clients; by name within each.
func Summaries(v *vault.Vault) ([]ProfileSummary, error) {
	ps, err := v.Profiles()
	if err != nil {
		return nil, err
	}
	rows := make([]ProfileSummary, 0, len(ps))
	for _, p := range ps {
		rows = append(rows, summarize(v, p))
	}
	rank := func(r ProfileSummary) int {
		switch {
		case r.Attention:
			return 0
		case !r.Complete:
			return 1
		}
		return 2
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if a, b := rank(rows[i]), rank(rows[j]); a != b {
			return a < b
		}
		return strings.ToLower(rows[i].Profile.Name) < strings.ToLower(rows[j].Profile.Name)
	})
	return rows, nil
}

func summarize(v *vault.Vault, p *onboarding.Profile) ProfileSummary {
	r := ProfileSummary{Profile: p, Complete: true}
	r.Attention = p.LastCheck != nil && !p.LastCheck.OK
	for _, t := range []onboarding.Track{onboarding.SandboxTrack, onboarding.ProductionTrack} {
		pr, err := v.Progress(p.ID, t)
		text := ""
		switch {
		case err != nil:
			text, r.Attention = "unreadable", true
		case pr == nil:
			text, r.Complete = "not started", false
		default:
			done, total := pr.Completed()
			text = fmt.Sprintf("%d/%d", done, total)
			r.Complete = r.Complete && done == total
			for _, s := range onboarding.Steps {
				if pr.StatusOf(s) == onboarding.Attention {
					r.Attention = true
					text += " !"
					break
				}
			}
		}
		if t == onboarding.SandboxTrack {
			r.Sandbox = text
		} else {
			r.Production = text
		}
	}
	return r
}

// LoadTrack resumes a track's saved progress, or starts it (a production
// track for another region starts again).
func LoadTrack(v *vault.Vault, profileID string, t onboarding.Track, env dexcom.Environment) (*onboarding.Progress, error) {
	p, err := v.Progress(profileID, t)
	if err != nil {
		return nil, err
	}
	if p == nil || p.Env != env {
		p = onboarding.NewProgress(t, env)
	}
	return p, nil
}

// WriteReport writes a profile's onboarding report (markdown, no secrets)
// into dir and returns its path.
func WriteReport(v *vault.Vault, p *onboarding.Profile, dir string, now time.Time) (string, error) {
	doc, err := report.Build(v, p, now)
	if err != nil {
		return "", err
	}
	return WriteNew(dir, "dexonboard-report-"+Slug(p.Name)+"-"+now.UTC().Format("20060102-150405")+".md", []byte(doc.Markdown()))
}
