// Package secret holds values that must never be printed: client secrets,
// tokens and passphrases. Every way Go formats a value prints a mask.
package secret

import (
	"fmt"
	"log/slog"
)

// Mask is what every formatter prints in place of a secret.
const Mask = "********"

// String is a secret string. Use Reveal only where the real value must leave
// the program (an HTTP form, the vault's sealed record).
type String struct {
	v string
}

// New wraps s as a secret.
func New(s string) String { return String{v: s} }

// Reveal returns the plain value.
func (s String) Reveal() string { return s.v }

// Empty reports whether no secret is held.
func (s String) Empty() bool { return s.v == "" }

// String prints the mask.
func (s String) String() string { return Mask }

// GoString prints the mask for %#v.
func (s String) GoString() string { return Mask }

// Format prints the mask for every verb, %v, %+v, %q and %x included.
func (s String) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Mask)) }

// MarshalJSON writes the mask, so a report or log can never carry the value.
func (s String) MarshalJSON() ([]byte, error) { return []byte(`"` + Mask + `"`), nil }

// MarshalText writes the mask.
func (s String) MarshalText() ([]byte, error) { return []byte(Mask), nil }

// LogValue makes slog print the mask.
func (s String) LogValue() slog.Value { return slog.StringValue(Mask) }

// Hint shows the last four characters of a long secret, so a person can tell
// two secrets apart without seeing either; short secrets show nothing.
func (s String) Hint() string {
	if len(s.v) < 12 {
		return Mask
	}
	return Mask + s.v[len(s.v)-4:]
}

// Wipe overwrites a byte slice that held a secret. Best effort: the Go
// runtime may have copied it elsewhere.
func Wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
