package glucose_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
)

func TestCSVCell(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"a=b", "a=b"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("https://evil.example","x")`, `'=HYPERLINK("https://evil.example","x")`},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(1+1)", "'@SUM(1+1)"},
		{"\t=1+1", "'\t=1+1"},
		{"\rx", "'\rx"},
		{"  =1+1", "'  =1+1"},
		{"\n@A1", "'\n@A1"},
		// Text from outside stays text even when it looks like a number;
		// the numeric columns do not go through CSVCell.
		{"-1.5", "'-1.5"},
		{"+2", "'+2"},
		{"120", "120"},
		{"-", "'-"},
	} {
		if got := glucose.CSVCell(tc.in); got != tc.want {
			t.Errorf("CSVCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestExportNeutralisesFormulas: the readings CSV keeps every text from
// the API out of a spreadsheet's formulas, keeps numbers (a negative trend
// rate too) numeric, and the JSON keeps the records as they came.
func TestExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	v, rate, status := 120.0, -1.5, "=1+1"
	egvs := []dexcom.EGV{
		{RecordID: `=HYPERLINK("https://evil.example","x")`, SystemTime: dexcom.Timestamp{Time: at, Raw: "2026-11-24T12:00:00"},
			DisplayTime: dexcom.Timestamp{Time: at, Raw: "@A1"}, Value: &v, TrendRate: &rate, Status: &status},
		{RecordID: "ordinary-id", SystemTime: dexcom.Timestamp{Time: at, Raw: "2026-11-24T12:05:00"}, Value: &v},
	}
	dir := t.TempDir()
	paths, err := glucose.Export(dir, "24 h", at, glucose.Records{Start: at.Add(-time.Hour), End: at, EGVs: egvs})
	if err != nil || len(paths) != 2 || filepath.Base(paths[0]) != "dexonboard-glucose-24h-20261124-120000.csv" {
		t.Fatalf("export: %v %v", paths, err)
	}
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, fi.Mode(), err)
		}
	}
	f, _ := os.Open(paths[0])
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv: %v %v", rows, err)
	}
	want := []string{`'=HYPERLINK("https://evil.example","x")`, "2026-11-24T12:00:00", "'@A1", "120", "'=1+1", "unknown", "-1.5"}
	for i, w := range want {
		if rows[1][i] != w {
			t.Errorf("column %s: %q, want %q", rows[0][i], rows[1][i], w)
		}
	}
	if _, err := strconv.ParseFloat(rows[1][6], 64); err != nil {
		t.Errorf("the trend rate is no longer a number: %q", rows[1][6])
	}
	if rows[2][0] != "ordinary-id" {
		t.Errorf("an ordinary id changed: %q", rows[2][0])
	}
	var back struct{ EGVs []dexcom.EGV }
	b, _ := os.ReadFile(paths[1])
	if err := json.Unmarshal(b, &back); err != nil || len(back.EGVs) != 2 || back.EGVs[0].RecordID != egvs[0].RecordID {
		t.Fatalf("json: %v %+v", err, back)
	}
	if _, err := glucose.Export(dir, "24 h", at, glucose.Records{EGVs: egvs}); err == nil {
		t.Error("a second export at the same second replaced the first")
	}
}
