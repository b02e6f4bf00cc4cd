package handoff_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/tryrook/dexonboard/internal/handoff"
	"github.com/tryrook/dexonboard/internal/secret"
)

const theSecret = "SECRET-cafe-f00d-1234-handoff-test"

var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func payload() handoff.Payload {
	return handoff.Payload{ID: handoff.NewID(), Created: now, Expires: now.Add(handoff.DefaultExpiry), Profile: "Acme Health",
		Environment: "sandbox", AppName: "Acme sandbox", ClientID: "acme-client", ClientSecret: secret.New(theSecret),
		RedirectURI: "http://localhost:8765/callback"}
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	id, rcpt, err := handoff.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rcpt, "age1") || strings.Contains(rcpt, id.Reveal()) {
		t.Fatalf("recipient %q", rcpt)
	}
	p := payload()
	sealed, code, err := handoff.Seal(p, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(sealed, []byte("-----BEGIN AGE ENCRYPTED FILE-----")) {
		t.Fatalf("not armored: %s", sealed[:40])
	}
	for _, needle := range []string{theSecret, "acme-client", "Acme"} {
		if bytes.Contains(sealed, []byte(needle)) {
			t.Fatalf("sealed text holds %q", needle)
		}
	}
	got, openCode, err := handoff.Open(sealed, id, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if openCode != code || len(code) != 14 {
		t.Fatalf("codes %q and %q", code, openCode)
	}
	if got.ID != p.ID || got.ClientSecret.Reveal() != theSecret || got.ClientID != "acme-client" || got.Profile != "Acme Health" ||
		got.Environment != "sandbox" || got.RedirectURI != p.RedirectURI || !got.Expires.Equal(p.Expires) {
		t.Fatalf("payload: %+v", got)
	}
	// Another payload has another code.
	other := payload()
	_, otherCode, _ := handoff.Seal(other, rcpt)
	if otherCode == code {
		t.Fatal("different payloads share a verification code")
	}
}

func TestOpenFailures(t *testing.T) {
	t.Parallel()
	id, rcpt, _ := handoff.NewIdentity()
	otherID, _, _ := handoff.NewIdentity()
	sealed, _, _ := handoff.Seal(payload(), rcpt)
	expired := payload()
	expired.Created, expired.Expires = now.Add(-handoff.DefaultExpiry), now.Add(-time.Minute)
	sealedExpired, _, _ := handoff.Seal(expired, rcpt)
	damaged := bytes.Clone(sealed)
	damaged[len(damaged)/2] ^= 0x04
	truncated := sealed[:len(sealed)-60]
	tests := []struct {
		name string
		in   []byte
		id   secret.String
		want error
	}{
		{"not age", []byte("hello, here is my secret"), id, handoff.ErrNotAge},
		{"wrong identity", sealed, otherID, handoff.ErrWrongIdentity},
		{"expired", sealedExpired, id, handoff.ErrExpired},
		{"damaged armor", damaged, id, handoff.ErrDamaged},
		{"truncated", truncated, id, handoff.ErrDamaged},
	}
	for _, tt := range tests {
		if _, _, err := handoff.Open(tt.in, tt.id, now); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := handoff.Recipient("age1notakey"); err == nil {
		t.Error("bad recipient accepted")
	}
	if _, _, err := handoff.Seal(payload(), "ssh-ed25519 AAAA"); err == nil {
		t.Error("sealed to a non-age key")
	}
}

// sealRaw seals any bytes, as a sender who does not use dexonboard could.
func sealRaw(t *testing.T, rcpt string, plain string) []byte {
	t.Helper()
	r, _ := age.ParseX25519Recipient(rcpt)
	var out bytes.Buffer
	aw := armor.NewWriter(&out)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte(plain))
	w.Close()
	aw.Close()
	return out.Bytes()
}

func TestUnknownPayloadVersion(t *testing.T) {
	t.Parallel()
	id, rcpt, _ := handoff.NewIdentity()
	sealed := sealRaw(t, rcpt, `{"version":2,"id":"x","expires":"2099-01-01T00:00:00Z"}`)
	if _, _, err := handoff.Open(sealed, id, now); !errors.Is(err, handoff.ErrVersion) {
		t.Fatalf("err = %v", err)
	}
}

// TestOpenValidatesWhatItDecrypts: age does not authenticate the sender, so
// what decrypts is checked like any outside input.
func TestOpenValidatesWhatItDecrypts(t *testing.T) {
	t.Parallel()
	id, rcpt, _ := handoff.NewIdentity()
	hostile := `{"version":1,"id":"0123456789abcdef","created":"2026-11-24T00:00:00Z","expires":"2026-12-01T00:00:00Z",` +
		`"profile":"Acme\u001b]0;owned\u0007","environment":"sandbox","client_id":"acme-client","client_secret":"SECRET-0123456789"}`
	_, _, err := handoff.Open(sealRaw(t, rcpt, hostile), id, now)
	var fe *handoff.FieldError
	if !errors.As(err, &fe) || fe.Field != "profile" || strings.Contains(err.Error(), "\x1b") || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("err = %v", err)
	}
	big := sealRaw(t, rcpt, `{"version":1,"company":"`+strings.Repeat("a", 20<<10)+`"}`)
	if _, _, err := handoff.Open(big, id, now); !errors.Is(err, handoff.ErrDamaged) || !strings.Contains(err.Error(), "KiB") {
		t.Fatalf("oversized payload: %v", err)
	}
	if _, _, err := handoff.Open(bytes.Repeat([]byte("A"), 100<<10), id, now); !errors.Is(err, handoff.ErrDamaged) {
		t.Fatalf("oversized message: %v", err)
	}
	bad := payload()
	bad.ClientID = "has spaces in it"
	if _, _, err := handoff.Seal(bad, rcpt); !errors.As(err, &fe) || fe.Field != "client_id" {
		t.Fatalf("sealing a payload the other side would refuse: %v", err)
	}
}
