package dexcom_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// BenchmarkDecodeEGVs30Days decodes one 30-day answer (about 8,600 readings).
func BenchmarkDecodeEGVs30Days(b *testing.B) {
	f := newFixture(b, "SandboxUser7", sandbox.Config{})
	tok, _ := f.client.Tokens().Token()
	end := time.Now()
	req, _ := http.NewRequest(http.MethodGet, f.ep.BaseURL+"/v3/users/self/egvs?startDate="+
		dexcom.FormatQueryTime(end.Add(-dexcom.MaxWindow))+"&endDate="+dexcom.FormatQueryTime(end), nil)
	tok.SetAuthHeader(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var r dexcom.Records[dexcom.EGV]
		if err := json.Unmarshal(body, &r); err != nil || len(r.Records) < 8000 {
			b.Fatalf("%v, %d records", err, len(r.Records))
		}
	}
}

// BenchmarkFetch90Days fetches 90 days of EGVs, chunked, from the in-process simulator.
func BenchmarkFetch90Days(b *testing.B) {
	f := newFixture(b, "SandboxUser7", sandbox.Config{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		end := time.Now()
		r, err := f.client.EGVs(ctx, end.Add(-90*24*time.Hour), end)
		if err != nil || len(r.Records) < 24000 {
			b.Fatalf("%v", err)
		}
	}
}
