package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The header is one plaintext record, meta/header, in a fixed binary layout:
//
//	magic "DXVAULT\x00" | format u16 | vault id [16] | created i64
//	| kdf id u8 | kdf version u8 | memory KiB u32 | passes u32 | lanes u8
//	| salt length u8 | salt | aead id u8 | data-key generation u32
//	| wrapped key length u16 | wrapped key | SHA-256 of all before it
//
// The wrapped key is sealed with everything before its length as associated
// data, so changing any parameter makes unwrapping fail.

const (
	magic         = "DXVAULT\x00"
	formatVersion = 1
	kdfArgon2id   = 1
	argon2Version = 0x13
	aeadXChaCha   = 1
	vaultIDLen    = 16
	hashLen       = sha256.Size
)

// Header errors callers can tell apart.
var (
	ErrNotVault       = errors.New("this file is not a dexonboard vault")
	ErrHeaderDamaged  = errors.New("vault header is damaged")
	ErrUnsupported    = errors.New("vault uses a format this dexonboard does not support")
	ErrUnsafeKDF      = errors.New("vault header asks for key-derivation settings outside the safe bounds")
	ErrWrongPassword  = errors.New("wrong passphrase, or the header was modified")
	errShortHeaderMsg = "header is %d bytes, too short"
)

// header is the decoded header.
type header struct {
	Format     uint16
	VaultID    [vaultIDLen]byte
	Created    time.Time
	KDF        KDFParams
	Salt       []byte
	AEAD       uint8
	KeyGen     uint32
	WrappedKey []byte
}

// wrapAAD is the associated data of the wrapped key: the header up to it.
func (h *header) wrapAAD() []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	_ = binary.Write(&b, binary.BigEndian, h.Format)
	b.Write(h.VaultID[:])
	_ = binary.Write(&b, binary.BigEndian, h.Created.Unix())
	b.WriteByte(kdfArgon2id)
	b.WriteByte(argon2Version)
	_ = binary.Write(&b, binary.BigEndian, h.KDF.MemoryKiB)
	_ = binary.Write(&b, binary.BigEndian, h.KDF.Passes)
	b.WriteByte(h.KDF.Lanes)
	b.WriteByte(byte(len(h.Salt)))
	b.Write(h.Salt)
	b.WriteByte(h.AEAD)
	_ = binary.Write(&b, binary.BigEndian, h.KeyGen)
	return b.Bytes()
}

// encode writes the header with its trailing hash.
func (h *header) encode() []byte {
	b := h.wrapAAD()
	b = binary.BigEndian.AppendUint16(b, uint16(len(h.WrappedKey)))
	b = append(b, h.WrappedKey...)
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// reader reads big-endian fields and remembers the first shortfall.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.err = fmt.Errorf("%w: it ends early", ErrHeaderDamaged)
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u8() uint8 {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.take(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// parseHeader checks, in order: magic, the hash (accidental damage), the
// format and algorithm ids, then reads the fields. KDF bounds are checked by
// the caller before any key derivation.
func parseHeader(raw []byte) (*header, error) {
	if len(raw) == 0 {
		return nil, ErrNotVault
	}
	if len(raw) < len(magic) || string(raw[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: it does not start with the vault's magic bytes", ErrHeaderDamaged)
	}
	if len(raw) < len(magic)+2+hashLen {
		return nil, fmt.Errorf("%w: "+errShortHeaderMsg, ErrHeaderDamaged, len(raw))
	}
	body, sum := raw[:len(raw)-hashLen], raw[len(raw)-hashLen:]
	if want := sha256.Sum256(body); !bytes.Equal(want[:], sum) {
		return nil, ErrHeaderDamaged
	}
	r := &reader{b: body[len(magic):]}
	h := &header{Format: r.u16()}
	if r.err == nil && h.Format != formatVersion {
		return nil, fmt.Errorf("%w: format version %d (this dexonboard reads version %d; update dexonboard)", ErrUnsupported, h.Format, formatVersion)
	}
	copy(h.VaultID[:], r.take(vaultIDLen))
	h.Created = time.Unix(int64(r.u64()), 0).UTC()
	if r.err != nil {
		return nil, r.err
	}
	if id, v := r.u8(), r.u8(); r.err == nil && (id != kdfArgon2id || v != argon2Version) {
		return nil, fmt.Errorf("%w: key derivation %d version %#x (this dexonboard knows Argon2id v1.3)", ErrUnsupported, id, v)
	}
	h.KDF = KDFParams{MemoryKiB: r.u32(), Passes: r.u32(), Lanes: r.u8()}
	h.Salt = bytes.Clone(r.take(int(r.u8())))
	if h.AEAD = r.u8(); r.err == nil && h.AEAD != aeadXChaCha {
		return nil, fmt.Errorf("%w: cipher %d (this dexonboard knows XChaCha20-Poly1305)", ErrUnsupported, h.AEAD)
	}
	h.KeyGen = r.u32()
	h.WrappedKey = bytes.Clone(r.take(int(r.u16())))
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d unexpected bytes after the wrapped key", ErrHeaderDamaged, len(r.b))
	}
	return h, nil
}
