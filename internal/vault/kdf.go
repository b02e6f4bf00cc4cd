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

// DemoKDF is the cost of the demo's throwaway vault only: 1 MiB, 1 pass,
// 1 lane, a few milliseconds and no memory to speak of, so `dexonboard demo`
// starts at once. It adds nothing against guessing; the demo vault's
// passphrase is 24 random bytes that no one sees, and the vault is deleted
// at exit. A vault made with it opens only with Options.Demo set, which only
// the demo sets: real vaults keep DefaultKDF's full cost.
var DemoKDF = KDFParams{MemoryKiB: 1024, Passes: 1, Lanes: 1}

// InsecureTestKDF makes key derivation instant. Only for tests, and only
// together with Options.AllowWeakKDF.
var InsecureTestKDF = KDFParams{MemoryKiB: 8, Passes: 1, Lanes: 1}

const (
	minSalt = 16
	maxSalt = 64
	saltLen = 16
	keyLen  = 32
)

// check refuses parameters outside the bounds of o: the real floor, the
// demo's with o.Demo, the test floor with o.AllowWeakKDF.
func (p KDFParams) check(saltLen int, o Options) error {
	floor := minKDF
	switch {
	case o.AllowWeakKDF:
		floor = KDFParams{MemoryKiB: 8, Passes: 1, Lanes: 1}
	case o.Demo:
		floor = DemoKDF
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
