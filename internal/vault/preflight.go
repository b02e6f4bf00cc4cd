package vault

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// preflight reads bbolt's meta pages and the headers of the pages they point
// to before bbolt opens the file. bbolt maps the file into memory and trusts
// it: a page beyond the end of a truncated file faults the whole process
// (SIGSEGV, which no recover catches), and a damaged freelist panics inside
// Open, after which the memory map and the file lock stay until the process
// exits. Layout: go.etcd.io/bbolt internal/common (page header: id u64,
// flags u16, count u16, overflow u32; meta: magic, version, pageSize, flags,
// root bucket {root pgid, sequence}, freelist, pgid (the high-water mark),
// txid, checksum = FNV-64a of the 56 bytes before it).
//
// fresh is set for the empty file Create has just made; any other empty
// file is refused, and nothing is written into it.
func preflight(path string, fresh bool) error {
	err := preflightPages(path, fresh)
	switch {
	case errors.Is(err, fs.ErrPermission):
		return notReadable(path, err)
	case errors.Is(err, errEmptyFile):
		return fmt.Errorf("%w: %s is empty (0 bytes): it was cut short or never written, and nothing was written to it now: restore a backup, or move it away and run dexonboard vault init", ErrDamaged, path)
	case err != nil:
		return fmt.Errorf("%w: %v (restore a backup)", ErrDamaged, err)
	}
	return nil
}

var errEmptyFile = errors.New("empty file")

// notReadable is the error for a vault file this user may not read: its
// owner or mode is wrong, nothing inside it. It says what to run.
func notReadable(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is named once, below
	}
	why, fix := "", "chmod 600 "+shellPath(path)
	if fi, serr := os.Stat(path); serr == nil {
		why = fmt.Sprintf(" (mode %04o, owned by you)", fi.Mode().Perm())
		if !ownedByMe(fi) {
			why = fmt.Sprintf(" (mode %04o, owned by another user)", fi.Mode().Perm())
			fix = `sudo chown "$(id -un)" ` + shellPath(path) + " && " + fix
		}
	}
	return fmt.Errorf("the vault file %s cannot be read%s: %w; this is a permission problem, not damage: run %s, "+
		"or run dexonboard as the user who owns it", path, why, err, fix)
}

// shellPath quotes path for a shell command when it needs it.
func shellPath(path string) string {
	if !strings.ContainsAny(path, " \t\n'\"$`\\|&;<>()*?[]#~!{}") {
		return path
	}
	return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
}

const (
	pageHeader   = 16
	metaLen      = 64
	bboltMagic   = 0xED0CDAED
	branchFlag   = 0x01
	leafFlag     = 0x02
	freelistFlag = 0x10
	noFreelist   = 0xffffffffffffffff
)

type bboltMeta struct{ pageSize, root, freelist, pgid, txid uint64 }

func preflightPages(path string, fresh bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := uint64(fi.Size())
	if size == 0 {
		if fresh {
			return nil // bbolt initialises it
		}
		return errEmptyFile
	}
	m0, ok0 := readMeta(f, 0)
	if !ok0 {
		return errors.New("the first meta page is unreadable")
	}
	best := m0
	if m1, ok1 := readMeta(f, int64(m0.pageSize)); ok1 && m1.txid > m0.txid {
		best = m1
	}
	ps := best.pageSize
	if ps < 512 || ps > 1<<16 {
		return fmt.Errorf("page size %d is not plausible", ps)
	}
	// bbolt grows the file before it uses a page, so every page below the
	// high-water mark lies inside an intact file.
	if best.pgid < 4 || best.pgid > size/ps {
		return fmt.Errorf("the file is %d bytes but its pages reach %d bytes: it was cut short", size, best.pgid*ps)
	}
	if err := checkPage(f, best, best.root, "root", branchFlag, leafFlag); err != nil {
		return err
	}
	if best.freelist == noFreelist {
		return nil
	}
	if err := checkPage(f, best, best.freelist, "freelist", freelistFlag); err != nil {
		return err
	}
	hdr := make([]byte, pageHeader+8)
	if _, err := f.ReadAt(hdr, int64(best.freelist*ps)); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	le := binary.LittleEndian
	count, overflow := uint64(le.Uint16(hdr[10:])), uint64(le.Uint32(hdr[12:]))
	if count == 0xffff {
		count = le.Uint64(hdr[16:]) + 1
	}
	if pageHeader+count*8 > (overflow+1)*ps {
		return fmt.Errorf("freelist page %d holds more than it can", best.freelist)
	}
	return nil
}

func readMeta(f *os.File, off int64) (bboltMeta, bool) {
	b := make([]byte, pageHeader+metaLen)
	if _, err := f.ReadAt(b, off); err != nil {
		return bboltMeta{}, false
	}
	m := b[pageHeader:]
	h := fnv.New64a()
	h.Write(m[:56])
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != bboltMagic || h.Sum64() != le.Uint64(m[56:]) {
		return bboltMeta{}, false
	}
	return bboltMeta{pageSize: uint64(le.Uint32(m[8:])), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]),
		pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, true
}

// checkPage reads the header of page id: it must name itself, be of one of
// the types, and end (with its overflow pages) below the high-water mark.
func checkPage(f *os.File, m bboltMeta, id uint64, what string, types ...uint16) error {
	if id < 2 || id >= m.pgid {
		return fmt.Errorf("the %s page %d lies outside the file", what, id)
	}
	hdr := make([]byte, pageHeader)
	if _, err := f.ReadAt(hdr, int64(id*m.pageSize)); err != nil {
		return fmt.Errorf("the %s page %d is unreadable", what, id)
	}
	le := binary.LittleEndian
	switch {
	case le.Uint64(hdr) != id:
		return fmt.Errorf("the %s page %d is overwritten", what, id)
	case !slices.Contains(types, le.Uint16(hdr[8:])):
		return fmt.Errorf("the %s page %d has the wrong type", what, id)
	case id+uint64(le.Uint32(hdr[12:]))+1 > m.pgid:
		return fmt.Errorf("the %s page %d runs past the end of the file", what, id)
	}
	return nil
}
