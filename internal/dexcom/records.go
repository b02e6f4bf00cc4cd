package dexcom

import "time"

// Records is the v3 envelope shared by egvs, calibrations, events, alerts
// and devices. Records is never omitted; it is empty when there is no data.
// Dropped counts the records that were left out as unusable.
type Records[T any] struct {
	RecordType    string `json:"recordType"`
	RecordVersion string `json:"recordVersion"`
	UserID        string `json:"userId"`
	Records       []T    `json:"records"`
	Dropped       Drops  `json:"-"`
}

// record is what range fetching needs of a record: an id to de-duplicate by,
// a time to filter and sort by, and its checks.
type record interface {
	ID() string
	At() time.Time
	checked
}

// statused is a record that can be updated or deleted after it was created.
type statused interface{ Status() string }
