package vault

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/tryrook/dexonboard/internal/secret"
)

// A sealed record is: version 0x01 | data-key generation u32 | nonce [24] |
// XChaCha20-Poly1305 ciphertext. Its associated data binds it to the vault,
// its bucket and key, the format version and the key generation, so a
// ciphertext moved or swapped to another record or vault fails to open.

const (
	recordVersion = 1
	recordPrefix  = 1 + 4 + chacha20poly1305.NonceSizeX
	aadLabel      = "dexonboard/rec/v1"
)

var errOpen = errors.New("does not decrypt")

// recordKey derives the key that seals records from the data key.
func recordKey(dek []byte, vaultID [vaultIDLen]byte) ([]byte, error) {
	return hkdf.Key(sha256.New, dek, vaultID[:], "dexonboard record v1", keyLen)
}

// manifestKey derives the key of the manifest's index entries.
func manifestKey(dek []byte, vaultID [vaultIDLen]byte) ([]byte, error) {
	return hkdf.Key(sha256.New, dek, vaultID[:], "dexonboard manifest v2", keyLen)
}

// appendLP appends a length-prefixed field, so ("ab","c") and ("a","bc") differ.
func appendLP(b, field []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(field)))
	return append(b, field...)
}

func recordAAD(vaultID [vaultIDLen]byte, bucket, key []byte, gen uint32) []byte {
	b := []byte(aadLabel)
	b = appendLP(b, vaultID[:])
	b = appendLP(b, bucket)
	b = appendLP(b, key)
	b = binary.BigEndian.AppendUint16(b, formatVersion)
	return binary.BigEndian.AppendUint32(b, gen)
}

// sealer seals and opens records with one record key, and computes the
// manifest's index entries with another.
type sealer struct {
	key     []byte
	macKey  []byte
	vaultID [vaultIDLen]byte
	gen     uint32
}

// wipe clears both keys.
func (s *sealer) wipe() {
	secret.Wipe(s.key)
	secret.Wipe(s.macKey)
}

func (s *sealer) seal(bucket, key, plain []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(s.key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, recordPrefix, recordPrefix+len(plain)+aead.Overhead())
	out[0] = recordVersion
	binary.BigEndian.PutUint32(out[1:5], s.gen)
	if _, err := rand.Read(out[5:recordPrefix]); err != nil {
		return nil, err
	}
	return aead.Seal(out, out[5:recordPrefix], plain, recordAAD(s.vaultID, bucket, key, s.gen)), nil
}

// open checks lengths before slicing: AEAD Open panics on a short nonce.
func (s *sealer) open(bucket, key, sealed []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(s.key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < recordPrefix+aead.Overhead() {
		return nil, fmt.Errorf("%w: %d bytes is too short", errOpen, len(sealed))
	}
	if sealed[0] != recordVersion {
		return nil, fmt.Errorf("%w: unknown record version %d", errOpen, sealed[0])
	}
	gen := binary.BigEndian.Uint32(sealed[1:5])
	if gen != s.gen {
		return nil, fmt.Errorf("%w: sealed with key generation %d, the vault is at %d", errOpen, gen, s.gen)
	}
	plain, err := aead.Open(nil, sealed[5:recordPrefix], sealed[recordPrefix:], recordAAD(s.vaultID, bucket, key, gen))
	if err != nil {
		return nil, errOpen
	}
	return plain, nil
}

// wrapKey seals the data key under the passphrase key.
func wrapKey(kek, dek, aad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(dek)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, dek, aad), nil
}

// unwrapKey is the passphrase check: only the right passphrase (and an
// unmodified header) opens the data key.
func unwrapKey(kek, wrapped, aad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	if len(wrapped) != aead.NonceSize()+keyLen+aead.Overhead() {
		return nil, ErrWrongPassword
	}
	dek, err := aead.Open(nil, wrapped[:aead.NonceSize()], wrapped[aead.NonceSize():], aad)
	if err != nil {
		return nil, ErrWrongPassword
	}
	return dek, nil
}
