package vault

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// preflight reads bbolt's two meta pages and the freelist page header before
// bbolt opens the file. bbolt loads the freelist inside Open and panics on a
// damaged one; after that panic its memory map, and with it the file lock,
// stay until the process exits. Layout: go.etcd.io/bbolt internal/common
// (page header 16 bytes; meta: magic, version, pageSize, flags, root bucket,
// freelist, pgid, txid, checksum = FNV-64a of the 56 bytes before it).
func preflight(path string, fresh bool) error {
	if err := preflightPages(path, fresh); err != nil {
		return fmt.Errorf("%w: %v (restore a backup)", ErrDamaged, err)
	}
	return nil
}

func preflightPages(path string, fresh bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return err // a new, empty file: bbolt initialises it
	}
	const (
		pageHeader   = 16
		metaLen      = 64
		bboltMagic   = 0xED0CDAED
		freelistFlag = 0x10
		noFreelist   = 0xffffffffffffffff
	)
	type meta struct{ pageSize, freelist, pgid, txid uint64 }
	readMeta := func(off int64) (meta, bool) {
		b := make([]byte, pageHeader+metaLen)
		if _, err := f.ReadAt(b, off); err != nil {
			return meta{}, false
		}
		m := b[pageHeader:]
		h := fnv.New64a()
		h.Write(m[:56])
		le := binary.LittleEndian
		if le.Uint32(m[0:]) != bboltMagic || h.Sum64() != le.Uint64(m[56:]) {
			return meta{}, false
		}
		return meta{pageSize: uint64(le.Uint32(m[8:])), freelist: le.Uint64(m[32:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, true
	}
	m0, ok0 := readMeta(0)
	if !ok0 {
		return errors.New("the first meta page is unreadable")
	}
	best := m0
	if m1, ok1 := readMeta(int64(m0.pageSize)); ok1 && m1.txid > m0.txid {
		best = m1
	}
	if best.pageSize < 512 || best.pageSize > 1<<16 {
		return fmt.Errorf("page size %d is not plausible", best.pageSize)
	}
	if best.freelist == noFreelist {
		return nil
	}
	size := uint64(fi.Size())
	if best.freelist < 2 || best.freelist >= best.pgid || (best.freelist+1)*best.pageSize > size {
		return fmt.Errorf("freelist page %d lies outside the file", best.freelist)
	}
	hdr := make([]byte, pageHeader+8)
	if _, err := f.ReadAt(hdr, int64(best.freelist*best.pageSize)); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	le := binary.LittleEndian
	if le.Uint16(hdr[8:]) != freelistFlag {
		return fmt.Errorf("freelist page %d has the wrong type", best.freelist)
	}
	count, overflow := uint64(le.Uint16(hdr[10:])), uint64(le.Uint32(hdr[12:]))
	if count == 0xffff {
		count = le.Uint64(hdr[16:]) + 1
	}
	if pageHeader+count*8 > (overflow+1)*best.pageSize || (best.freelist+overflow+1)*best.pageSize > size {
		return fmt.Errorf("freelist page %d holds more than it can", best.freelist)
	}
	return nil
}
