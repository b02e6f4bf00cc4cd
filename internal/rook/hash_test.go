package rook_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
)

// ROOK's published test vector (changelog, "Webhook Sender Validation using
// HMAC").
func TestHashPublishedVector(t *testing.T) {
	t.Parallel()
	const want = "382da6381717a0fdfeba9ef922041df3ea8db97bbd2d20af21e216bdd1e6096b"
	if got := rook.HashHex("ROOK_Secret_Key", "ROOK"); got != want {
		t.Fatalf("HMAC(\"ROOK\", \"ROOK_Secret_Key\") = %s, want %s", got, want)
	}
	// The three values are joined with no separator.
	if rook.Hash("k", "RO", "O", "K") != rook.HashHex("k", "ROOK") {
		t.Fatal("Hash does not join client_uuid, user_id and datetime without a separator")
	}
}

func TestVerifyHash(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	doc := rook.NewDocument("client-1", "user-1", day, []rook.Sample{{At: day.Add(time.Minute), MgDL: 120}})
	doc.Datetime = "2026-11-21T08:00:00.000000+00:00"
	body, _ := json.Marshal(doc)
	meta := doc.BodyHealth.Events.BloodGlucoseEvent[0].Metadata.DatetimeString
	const key = "hash-key-123"
	for _, tt := range []struct {
		name    string
		key     string
		header  string
		body    []byte
		want    rook.HashVerdict
		matched string
	}{
		{"top-level datetime", key, rook.Hash(key, "client-1", "user-1", doc.Datetime), body, rook.HashVerified, rook.TopLevelDatetime},
		{"metadata datetime", key, rook.Hash(key, "client-1", "user-1", meta), body, rook.HashVerified, rook.MetadataDatetime},
		{"upper-case hex", key, upper(rook.Hash(key, "client-1", "user-1", doc.Datetime)), body, rook.HashVerified, rook.TopLevelDatetime},
		{"other key", key, rook.Hash("other", "client-1", "user-1", doc.Datetime), body, rook.HashWrong, ""},
		{"body hashed instead", key, rook.HashHex(key, string(body)), body, rook.HashWrong, ""},
		{"missing", key, "", body, rook.HashMissing, ""},
		{"no key", "", "abc", body, rook.HashNotChecked, ""},
		{"not JSON", key, "abc", []byte("nope"), rook.HashUnreadable, ""},
	} {
		got := rook.VerifyHash(tt.key, tt.header, tt.body)
		if got.Verdict != tt.want || got.Matched != tt.matched {
			t.Errorf("%s: %+v, want %v %q", tt.name, got, tt.want, tt.matched)
		}
	}
	if rook.SignBody(key, body) != rook.Hash(key, "client-1", "user-1", doc.Datetime) {
		t.Error("SignBody does not sign the top-level datetime first")
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
