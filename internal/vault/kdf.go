package vault

import (
	"fmt"

	"golang.org/x/crypto/argon2"
)

// KDFParams are Argon2id's costs.
type KDFParams struct {
	MemoryKiB uint32
	Passes    uint32
	Lanes     uint8
}

// DefaultKDF is RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes.
var DefaultKDF = KDFParams{MemoryKiB: 64 * 1024, Passes: 3, Lanes: 4}

// The bounds a vault file may ask for, checked before the KDF runs, so a
// hostile header can neither make unlock take minutes nor panic argon2
// (it panics on zero passes or lanes). The floor is OWASP's minimum.
var (
	minKDF = KDFParams{MemoryKiB: 19 * 1024, Passes: 1, Lanes: 1}
	maxKDF = KDFParams{MemoryKiB: 1024 * 1024, Passes: 20, Lanes: 16}
)

// InsecureTestKDF makes key derivation instant. Only for tests, and only
// together with Options.AllowWeakKDF.
var InsecureTestKDF = KDFParams{MemoryKiB: 8, Passes: 1, Lanes: 1}

const (
	minSalt = 16
	maxSalt = 64
	saltLen = 16
	keyLen  = 32
)

// check refuses parameters outside the bounds; weak allows the test floor.
func (p KDFParams) check(saltLen int, weak bool) error {
	floor := minKDF
	if weak {
		floor = KDFParams{MemoryKiB: 8, Passes: 1, Lanes: 1}
	}
	switch {
	case p.MemoryKiB < floor.MemoryKiB || p.MemoryKiB > maxKDF.MemoryKiB:
		return fmt.Errorf("%w: memory %d KiB (allowed %d to %d)", ErrUnsafeKDF, p.MemoryKiB, floor.MemoryKiB, maxKDF.MemoryKiB)
	case p.Passes < floor.Passes || p.Passes > maxKDF.Passes:
		return fmt.Errorf("%w: %d passes (allowed %d to %d)", ErrUnsafeKDF, p.Passes, floor.Passes, maxKDF.Passes)
	case p.Lanes < floor.Lanes || p.Lanes > maxKDF.Lanes:
		return fmt.Errorf("%w: %d lanes (allowed %d to %d)", ErrUnsafeKDF, p.Lanes, floor.Lanes, maxKDF.Lanes)
	case saltLen < minSalt || saltLen > maxSalt:
		return fmt.Errorf("%w: salt of %d bytes (allowed %d to %d)", ErrUnsafeKDF, saltLen, minSalt, maxSalt)
	}
	return nil
}

// deriveKEK turns the passphrase into the key that wraps the data key.
func deriveKEK(pass, salt []byte, p KDFParams) []byte {
	return argon2.IDKey(pass, salt, p.Passes, p.MemoryKiB, p.Lanes, keyLen)
}
