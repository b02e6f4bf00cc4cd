package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/glucose"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

var exportedPattern = regexp.MustCompile(`exported: (\S+)`)

// readExport reads the two files a check --export wrote.
func readExport(t *testing.T, out string) (rows [][]string, egvs []dexcom.EGV) {
	t.Helper()
	m := exportedPattern.FindAllStringSubmatch(out, -1)
	if len(m) != 2 || !strings.HasSuffix(m[0][1], ".csv") || !strings.HasSuffix(m[1][1], ".json") {
		t.Fatalf("exported files not named:\n%s", out)
	}
	f, err := os.Open(m[0][1])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rows, err = csv.NewReader(f).ReadAll(); err != nil {
		t.Fatal(err)
	}
	var rec struct{ EGVs []dexcom.EGV }
	b, _ := os.ReadFile(m[1][1])
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(glucose.CSVHeader, ",") || len(rows)-1 != len(rec.EGVs) || len(rec.EGVs) == 0 {
		t.Fatalf("%d csv rows for %d readings", len(rows)-1, len(rec.EGVs))
	}
	return rows, rec.EGVs
}

// TestBinaryCheckDemoExport: check --demo --export DIR writes the readings
// CSV and the records JSON the glucose view's e writes (same function,
// same header), and --json keeps stdout for the report.
func TestBinaryCheckDemoExport(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "check", "--demo", "--via", "dexcom", "--export", dir, "--json")
	cmd.Env = append(envWithout(secretVars...), "NO_COLOR=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("check: %v\n%s", err, stderr.String())
	}
	var rep struct {
		OK       bool `json:"ok"`
		EGVCount int  `json:"egv_count"`
	}
	if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil || !rep.OK {
		t.Fatalf("stdout is not the JSON report (%v):\n%s", err, stdout.String())
	}
	_, egvs := readExport(t, stderr.String())
	if files, _ := filepath.Glob(filepath.Join(dir, "dexonboard-glucose-1d-*")); len(files) != 2 {
		t.Errorf("files in the folder: %v", files)
	}
	if rep.EGVCount != 0 && rep.EGVCount != len(egvs) {
		t.Errorf("the report counts %d readings, the export holds %d", rep.EGVCount, len(egvs))
	}
}

// TestBinaryCheckExportNeutralisesFormulas reproduces issue 21 point 4
// through the built program: the Dexcom simulator sends recordIds and
// statuses that begin as spreadsheet formulas (= + - @, tab, CR); check
// --export writes them into the CSV with a leading apostrophe, keeps the
// numbers (negative trend rates too) numeric, and the JSON as it came.
func TestBinaryCheckExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	redirect, err := connect.FreeRedirectURI()
	if err != nil {
		t.Fatal(err)
	}
	connect.Release(redirect) // the child process binds it
	dex := httptest.NewServer(sandbox.New(sandbox.Config{Apps: []sandbox.App{sandbox.DemoApp(redirect)}, HostileText: true}))
	t.Cleanup(dex.Close)
	dir := t.TempDir()
	cmd := exec.Command(bin, "check", "--api-base", dex.URL, "--client-id", sandbox.DemoClientID, "--redirect-uri", redirect,
		"--no-browser", "--timeout", "60s", "--export", dir)
	cmd.Env = append(envWithout(secretVars...), "NO_COLOR=1", "DEXCOM_CLIENT_SECRET="+sandbox.DemoClientSecret)
	r := startBinary(t, cmd)
	r.waitOutput(t, "/v2/oauth2/login?")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sandbox.Autopilot(http.DefaultClient, "SandboxUser7", true)(ctx, loginURLPattern.FindString(r.out.String())); err != nil {
		t.Fatal(err)
	}
	if err := r.exit(t); err != nil {
		t.Fatalf("check: %v\n%s", err, r.out.String())
	}
	rows, egvs := readExport(t, r.out.String())

	hostile, negative := 0, 0
	for i, row := range rows[1:] {
		for c, cell := range row {
			switch rows[0][c] {
			case "value_mgdl", "trend_rate":
				if _, err := strconv.ParseFloat(cell, 64); cell != "" && (err != nil || strings.HasPrefix(cell, "'")) {
					t.Errorf("row %d %s: %q is not a number", i+1, rows[0][c], cell)
				}
				if strings.HasPrefix(cell, "-") {
					negative++
				}
			default:
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(strings.TrimLeft(cell, " \n")[0])) {
					t.Errorf("row %d %s: %q reaches a spreadsheet as a formula", i+1, rows[0][c], cell)
				}
			}
		}
		raw := egvs[i].RecordID
		if raw != strings.TrimPrefix(row[0], "'") {
			t.Errorf("row %d: the CSV id %q is not the JSON's %q with an apostrophe", i+1, row[0], raw)
		}
		if strings.HasPrefix(row[0], "'") {
			hostile++
		}
	}
	if hostile < len(sandbox.HostileRecordIDs) || negative == 0 {
		t.Fatalf("the simulator's hostile ids reached %d rows, negative rates %d: the test saw nothing to neutralise", hostile, negative)
	}
}

// TestCheckExportFlag: --export needs an existing folder and the direct
// leg; both are refused before anything starts.
func TestCheckExportFlag(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	_ = os.WriteFile(file, nil, 0o600)
	for _, args := range [][]string{
		{"check", "--demo", "--export", filepath.Join(t.TempDir(), "missing")},
		{"check", "--demo", "--export", file},
		{"check", "--demo", "--via", "rook", "--export", t.TempDir()},
	} {
		if r := runCmd(t, "", nil, args...); r.code != exitUsage || !strings.Contains(r.errOut, "--export") {
			t.Errorf("%v: %+v", args, r)
		}
	}
}
