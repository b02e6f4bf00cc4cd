package dexcom

import (
	"encoding/json"
	"io"
)

// DataRange is the span of data a user has, per kind.
type DataRange struct {
	RecordType    string  `json:"recordType"`
	RecordVersion string  `json:"recordVersion"`
	UserID        string  `json:"userId"`
	Calibrations  *Extent `json:"calibrations"`
	EGVs          *Extent `json:"egvs"`
	Events        *Extent `json:"events"`
	Dropped       Drops   `json:"-"` // extents left out as unreadable
}

// Extent is the first and last record of a kind.
type Extent struct {
	Start Moment `json:"start"`
	End   Moment `json:"end"`
}

// Moment is a time in both the system's and the display's clock.
type Moment struct {
	SystemTime  Timestamp `json:"systemTime"`
	DisplayTime Timestamp `json:"displayTime"`
}

func (x Extent) problem() string {
	switch {
	case !x.Start.SystemTime.Present() || !x.End.SystemTime.Present():
		return "systemTime is missing or not a readable time"
	case !x.Start.DisplayTime.Valid() || !x.End.DisplayTime.Valid():
		return "displayTime is not a readable time"
	case x.End.SystemTime.Before(x.Start.SystemTime.Time):
		return "end is before start"
	}
	return ""
}

// decodeDataRange reads a dataRange answer; an unreadable extent is left
// out (nil, as for a kind without data) and counted.
func decodeDataRange(r io.Reader) (*DataRange, error) {
	var raw struct {
		RecordType    json.RawMessage `json:"recordType"`
		RecordVersion json.RawMessage `json:"recordVersion"`
		UserID        json.RawMessage `json:"userId"`
		Calibrations  json.RawMessage `json:"calibrations"`
		EGVs          json.RawMessage `json:"egvs"`
		Events        json.RawMessage `json:"events"`
	}
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, err
	}
	dr := &DataRange{}
	for _, f := range []struct {
		raw json.RawMessage
		dst *string
	}{{raw.RecordType, &dr.RecordType}, {raw.RecordVersion, &dr.RecordVersion}, {raw.UserID, &dr.UserID}} {
		_ = json.Unmarshal(f.raw, f.dst) // informational; a wrong kind leaves it empty
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  **Extent
	}{{"calibrations", raw.Calibrations, &dr.Calibrations}, {"egvs", raw.EGVs, &dr.EGVs}, {"events", raw.Events, &dr.Events}} {
		if len(f.raw) == 0 || string(f.raw) == "null" {
			continue
		}
		var x Extent
		if err := json.Unmarshal(f.raw, &x); err != nil {
			dr.Dropped.add("dataRange", f.name+": "+recordReason(err))
			continue
		}
		if p := x.problem(); p != "" {
			dr.Dropped.add("dataRange", f.name+": "+p)
			continue
		}
		*f.dst = &x
	}
	return dr, nil
}
