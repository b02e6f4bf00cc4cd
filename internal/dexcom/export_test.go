package dexcom

import (
	"io"
	"time"
)

// DecodeEGVs exposes the EGV decoder to the benchmarks in dexcom_test.
func DecodeEGVs(r io.Reader, days int) (*Records[EGV], error) {
	return decodeRecords(r, "egvs", make([]EGV, 0, hint(time.Duration(days)*24*time.Hour, egvsPerDay)))
}

// DecodeEvents exposes the event decoder to the benchmarks.
func DecodeEvents(r io.Reader, days int) (*Records[Event], error) {
	return decodeRecords(r, "events", make([]Event, 0, hint(time.Duration(days)*24*time.Hour, 16)))
}

// LoginHosts exposes the login probe's redirect rule.
var LoginHosts = loginHosts
