package handoff

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/safetext"
	"github.com/tryrook/dexonboard/internal/secret"
)

// A fixed key for the fuzz corpus, so saved inputs stay meaningful. Test only.
const (
	fuzzIdentity  = "AGE-SECRET-KEY-158QQ2FVPWE2WRPW7QR8LWT8G3Q6788C2EHCJAWSPAP04Q0VDYR6Q6J70AX"
	fuzzRecipient = "age1r3jpa6nn5d6zszf0a29660kkjtt9gmg9mcdqhwp8n98xamwkr5qsxyyu44"
)

var fuzzNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func fuzzWire() wire {
	return wire{Version: Version, ID: "0123456789abcdef01234567", Created: fuzzNow, Expires: fuzzNow.Add(DefaultExpiry),
		Profile: "Acme Health", Company: "Acme", Environment: "sandbox", AppName: "Acme sandbox", ClientID: "acme-client-1",
		ClientSecret: "fuzz-secret-0123456789", RedirectURI: "http://localhost:8765/callback"}
}

// payloadSeeds are a good payload and one bad value per field.
func payloadSeeds() [][]byte {
	edits := []func(*wire){
		func(*wire) {},
		func(w *wire) { w.Version = 2 },
		func(w *wire) { w.ID = "../../x" },
		func(w *wire) { w.Created = time.Time{} },
		func(w *wire) { w.Expires = w.Created },
		func(w *wire) { w.Profile = "Acme\x1b]0;pwned\x07" },
		func(w *wire) { w.Profile = strings.Repeat("é", 81) },
		func(w *wire) { w.Company = "Acme\u202eevil" },
		func(w *wire) { w.AppName = strings.Repeat("a", 81) },
		func(w *wire) { w.Environment = "custom" },
		func(w *wire) { w.Environment = "PROD" },
		func(w *wire) { w.ClientID = "has space 12345" },
		func(w *wire) { w.ClientID = "" },
		func(w *wire) { w.ClientSecret = "sec\x00ret-0123456789" },
		func(w *wire) { w.ClientSecret = strings.Repeat("s", 129) },
		func(w *wire) { w.RedirectURI = "https://evil.example/cb" },
		func(w *wire) { w.RedirectURI = "http://localhost/cb" },
		func(w *wire) { w.RedirectURI = "" },
	}
	var out [][]byte
	for _, edit := range edits {
		w := fuzzWire()
		edit(&w)
		b, _ := json.Marshal(w)
		out = append(out, b)
	}
	return append(out, []byte(""), []byte("null"), []byte(`{"version":1}`), []byte(`{"version":1,"id":12}`), []byte(`[`))
}

// FuzzParsePayload: no input panics; what is accepted passes Validate, holds
// no control characters and survives a round trip; no error shows the secret.
func FuzzParsePayload(f *testing.F) {
	for _, s := range payloadSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, plain []byte) {
		p, err := parsePayload(plain)
		if err != nil {
			var w wire
			_ = json.Unmarshal(plain, &w)
			if safetext.Has(err.Error()) || (len(w.ClientSecret) >= 6 && strings.Contains(err.Error(), w.ClientSecret)) {
				t.Fatalf("error %q", err)
			}
			return
		}
		if err := Validate(p); err != nil {
			t.Fatalf("accepted, then refused: %v", err)
		}
		for _, s := range []string{p.ID, p.Profile, p.Company, p.Environment, p.AppName, p.ClientID, p.ClientSecret.Reveal(), p.RedirectURI} {
			if safetext.Has(s) {
				t.Fatalf("accepted a field with control characters: %q", s)
			}
		}
		again, _ := json.Marshal(wire{Version: Version, ID: p.ID, Created: p.Created, Expires: p.Expires, Profile: p.Profile, Company: p.Company,
			Environment: p.Environment, AppName: p.AppName, ClientID: p.ClientID, ClientSecret: p.ClientSecret.Reveal(), RedirectURI: p.RedirectURI})
		q, err := parsePayload(again)
		if err != nil || q.ID != p.ID || q.Profile != p.Profile || q.ClientID != p.ClientID || q.ClientSecret.Reveal() != p.ClientSecret.Reveal() ||
			q.RedirectURI != p.RedirectURI || !q.Expires.Equal(p.Expires) {
			t.Fatalf("round trip: %+v, %v", q, err)
		}
	})
}

// FuzzOpen feeds Open whole messages: armor, age header and payload.
func FuzzOpen(f *testing.F) {
	w := fuzzWire()
	good, _, err := Seal(Payload{ID: w.ID, Created: w.Created, Expires: w.Expires, Profile: w.Profile, Company: w.Company,
		Environment: w.Environment, AppName: w.AppName, ClientID: w.ClientID, ClientSecret: secret.New(w.ClientSecret), RedirectURI: w.RedirectURI}, fuzzRecipient)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"))
	f.Add([]byte("client secret: hunter2"))
	id := secret.New(fuzzIdentity)
	f.Fuzz(func(t *testing.T, sealed []byte) {
		p, code, err := Open(sealed, id, fuzzNow)
		if err != nil {
			return
		}
		if verr := Validate(p); verr != nil || len(code) != 14 {
			t.Fatalf("opened a payload Validate refuses (%v) or a bad code %q", verr, code)
		}
	})
}

// TestRefusedPayloadNamesTheField: each bad field is refused by name, with
// nothing of the secret in the message.
func TestRefusedPayloadNamesTheField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field string
		edit  func(*wire)
	}{
		{"id", func(w *wire) { w.ID = "../../x" }},
		{"created", func(w *wire) { w.Created = time.Time{} }},
		{"expires", func(w *wire) { w.Expires = w.Created.Add(-time.Hour) }},
		{"profile", func(w *wire) { w.Profile = "Acme\x1b]0;pwned\x07" }},
		{"profile", func(w *wire) { w.Profile = "Acme\u202eevil" }},
		{"profile", func(w *wire) { w.Profile = strings.Repeat("a", 81) }},
		{"profile", func(w *wire) { w.Profile = "" }},
		{"company", func(w *wire) { w.Company = "Acme\r\nSecond line" }},
		{"app_name", func(w *wire) { w.AppName = strings.Repeat("a", 81) }},
		{"app_name", func(w *wire) { w.AppName = "App\x1b[2J" }},
		{"environment", func(w *wire) { w.Environment = "custom" }},
		{"environment", func(w *wire) { w.Environment = "" }},
		{"client_id", func(w *wire) { w.ClientID = "abc" }},
		{"client_id", func(w *wire) { w.ClientID = "acme client 1" }},
		{"client_id", func(w *wire) { w.ClientID = "acme-\x1b[31m-client" }},
		{"client_secret", func(w *wire) { w.ClientSecret = "" }},
		{"client_secret", func(w *wire) { w.ClientSecret = strings.Repeat("s", 200) }},
		{"redirect_uri", func(w *wire) { w.RedirectURI = "https://evil.example/callback" }},
		{"redirect_uri", func(w *wire) { w.RedirectURI = "http://localhost:8765/cb?x=\x1b" }},
		{"redirect_uri", func(w *wire) { w.RedirectURI = "http://localhost/callback" }},
	}
	for _, tt := range tests {
		w := fuzzWire()
		tt.edit(&w)
		plain, _ := json.Marshal(w)
		_, err := parsePayload(plain)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", tt.field, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tt.field) || safetext.Has(msg) || strings.Contains(msg, w.ClientSecret) && w.ClientSecret != "" {
			t.Errorf("%s: message %q", tt.field, msg)
		}
	}
	if _, err := parsePayload(mustJSON(fuzzWire())); err != nil {
		t.Fatalf("the good payload: %v", err)
	}
}

func mustJSON(w wire) []byte {
	b, _ := json.Marshal(w)
	return b
}
