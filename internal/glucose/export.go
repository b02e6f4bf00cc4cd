package glucose

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// Records are one window's records as the glucose view and check export
// them.
type Records struct {
	Start, End time.Time
	EGVs       []dexcom.EGV
	Events     []dexcom.Event
	Device     *dexcom.Device
}

// CSVHeader is the readings CSV's first row.
var CSVHeader = []string{"record_id", "system_time", "display_time", "value_mgdl", "status", "trend", "trend_rate"}

// Export writes r into dir as two new files (never replacing one): the
// readings as CSV, for a spreadsheet, and every record as JSON. window
// names the span in the file names ("24 h" -> 24h). It returns the
// files' absolute paths.
func Export(dir, window string, now time.Time, r Records) ([]string, error) {
	if dir == "" {
		dir = "."
	}
	base := filepath.Join(dir, "dexonboard-glucose-"+strings.ReplaceAll(window, " ", "")+"-"+now.UTC().Format("20060102-150405"))
	paths := []string{base + ".csv", base + ".json"}
	if err := writeCSV(paths[0], r.EGVs); err != nil {
		return nil, fmt.Errorf("export readings: %w", err)
	}
	b, err := json.MarshalIndent(struct {
		Start  time.Time      `json:"start"`
		End    time.Time      `json:"end"`
		Device *dexcom.Device `json:"device,omitempty"`
		EGVs   []dexcom.EGV   `json:"egvs"`
		Events []dexcom.Event `json:"events"`
	}{r.Start, r.End, r.Device, r.EGVs, r.Events}, "", "  ")
	if err == nil {
		err = writeNewFile(paths[1], b)
	}
	if err != nil {
		return nil, fmt.Errorf("export records: %w", err)
	}
	for i, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			paths[i] = abs
		}
	}
	return paths, nil
}

func writeNewFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return errors.Join(err, f.Close())
}

// writeCSV writes the readings: text from the API goes through CSVCell;
// value and trend rate are numbers formatted here from float64, so a
// negative rate is written as a number (-1.5), never as text or formula.
func writeCSV(path string, egvs []dexcom.EGV) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write(CSVHeader)
	for _, e := range egvs {
		val, status, rate := "", "", ""
		if v, ok := e.MgDL(); ok {
			val = strconv.FormatFloat(v, 'f', -1, 64)
		}
		if e.Status != nil {
			status = *e.Status
		}
		if e.TrendRate != nil {
			rate = strconv.FormatFloat(*e.TrendRate, 'f', -1, 64)
		}
		_ = w.Write([]string{CSVCell(e.RecordID), CSVCell(e.SystemTime.Raw), CSVCell(e.DisplayTime.Raw), val,
			CSVCell(status), CSVCell(string(e.TrendOrUnknown())), rate})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CSVCell keeps a text cell from being read as a formula, as OWASP's CSV
// injection guidance says: a cell that begins with = + - @, a tab or a
// carriage return (after any leading spaces or line breaks, which some
// spreadsheets trim) gets a leading apostrophe, so the spreadsheet shows
// it as text. It is for text from outside only, even when it looks like a
// number ("-1" as a status is text); the numbers dexonboard formats itself
// (values, trend rates, a negative one too) are written as they are and
// stay numbers.
func CSVCell(s string) string {
	if t := strings.TrimLeft(s, " \n"); t != "" && strings.ContainsRune("=+-@\t\r", rune(t[0])) {
		return "'" + s
	}
	return s
}
