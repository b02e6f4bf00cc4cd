package dexcom

import "time"

// Records is the v3 envelope shared by egvs, calibrations, events, alerts
// and devices. Records is never omitted; it is empty when there is no data.
type Records[T any] struct {
	RecordType    string `json:"recordType"`
	RecordVersion string `json:"recordVersion"`
	UserID        string `json:"userId"`
	Records       []T    `json:"records"`
}

// record is what range fetching needs of a record: an id to de-duplicate by
// and a time to filter and sort by.
type record interface {
	ID() string
	At() time.Time
}
