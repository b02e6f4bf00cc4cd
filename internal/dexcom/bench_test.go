package dexcom_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

// answer fetches one raw answer from the in-process simulator.
func answer(b *testing.B, f *fixture, path string, span time.Duration) []byte {
	tok, _ := f.client.Tokens().Token()
	end := time.Now()
	req, _ := http.NewRequest(http.MethodGet, f.ep.BaseURL+path+"?startDate="+
		dexcom.FormatQueryTime(end.Add(-span))+"&endDate="+dexcom.FormatQueryTime(end), nil)
	tok.SetAuthHeader(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkDecodeEGVs30Days decodes one 30-day answer (about 8,600
// readings) as the client does: streamed, record by record.
func BenchmarkDecodeEGVs30Days(b *testing.B) {
	benchDecode(b, "/v3/users/self/egvs", dexcom.DecodeEGVs, 8000)
}

// BenchmarkDecodeEvents30Days decodes one 30-day events answer.
func BenchmarkDecodeEvents30Days(b *testing.B) {
	benchDecode(b, "/v3/users/self/events", dexcom.DecodeEvents, 100)
}

// benchDecode decodes one 30-day answer from path, which must hold at
// least least records.
func benchDecode[T any](b *testing.B, path string, decode func(io.Reader, int) (*dexcom.Records[T], error), least int) {
	f := newFixture(b, "SandboxUser7", sandbox.Config{})
	body := answer(b, f, path, dexcom.MaxWindow)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := decode(bytes.NewReader(body), 30)
		if err != nil || len(r.Records) < least {
			b.Fatalf("%v", err)
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
