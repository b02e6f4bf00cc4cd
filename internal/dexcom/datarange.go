package dexcom

// DataRange is the span of data a user has, per kind.
type DataRange struct {
	RecordType    string  `json:"recordType"`
	RecordVersion string  `json:"recordVersion"`
	UserID        string  `json:"userId"`
	Calibrations  *Extent `json:"calibrations"`
	EGVs          *Extent `json:"egvs"`
	Events        *Extent `json:"events"`
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
