package dexcom

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// TestAPIErrorTextIsCleaned: an error answer's texts (JSON fields or a
// plain body) reach the screen, the vault and reports without control
// characters or escapes, and short.
func TestAPIErrorTextIsCleaned(t *testing.T) {
	t.Parallel()
	const esc = "\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07\u009b\u202e"
	for name, body := range map[string]string{
		"json error":   `{"error":"forbidden\u001b[31m","error_description":"no access\u001b]8;;https://evil.example\u0007link\r\nforged"}`,
		"json message": `{"message":"` + strings.Repeat("\\u001b[31m€", 400) + `"}`,
		"text body":    "<html>" + esc + "Forbidden\r\n" + strings.Repeat("€"+esc, 300),
	} {
		t.Run(name, func(t *testing.T) {
			e := newAPIError("GET", "/v3/users/self/egvs", 403, http.Header{}, []byte(body))
			msg := e.Error()
			for _, s := range []string{msg, e.Code, e.Description, e.Body} {
				if safetext.Has(s) {
					t.Errorf("control characters kept: %q", s)
				}
			}
			if len(e.Description) > maxErrorBody+len("…") || len(e.Body) > maxErrorBody+len("…") {
				t.Errorf("not cut short: %d, %d bytes", len(e.Description), len(e.Body))
			}
			if !strings.Contains(msg, "403") {
				t.Errorf("message %q", msg)
			}
		})
	}
}
