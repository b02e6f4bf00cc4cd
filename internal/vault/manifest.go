package vault

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// The manifest proves that the set of records is the one dexonboard last
// wrote. Every record has an entry in the index bucket: an HMAC-SHA256, under
// a key derived from the data key, of its bucket, key and sealed value. The
// manifest, sealed like a record and rewritten in every write transaction,
// holds a generation, the number of entries and the XOR of them all.
//
// A write replaces only its own records' entries and XORs the old ones out of
// the digest and the new ones in: O(1) in the number of records and audit
// entries. At unlock each record is checked against its entry, which names a
// record deleted, added or put back at an older version; the entries are
// checked against the digest, which catches a record removed or rolled back
// together with its entry. Without the data key no one can compute an entry,
// so no edit of the file keeps the digest. A whole-file rollback (an old copy
// of the entire vault) cannot be seen from inside.
type manifest struct {
	Generation uint64 `json:"generation"`
	Version    int    `json:"version,omitempty"` // 2: index and digest; 0: a list of entries (v1)
	Count      uint64 `json:"count,omitempty"`
	Digest     []byte `json:"digest,omitempty"`
	// Entries is the whole list of version 1, read to open older vaults; the
	// first write turns it into the index.
	Entries []manifestEntry `json:"entries,omitempty"`
}

const manifestVersion = 2

var bucketIndex = []byte("index")

// manifestWrite is the manifest as one write transaction changes it.
type manifestWrite struct {
	gen     uint64
	count   uint64
	digest  [sha256.Size]byte
	rebuild bool // a version 1 vault: build the index at the end
}

// entry is a record's index entry.
func (s *sealer) entry(bucket, key, sealed []byte) []byte {
	m := hmac.New(sha256.New, s.macKey)
	m.Write(appendLP(appendLP(nil, bucket), key))
	m.Write(sealed)
	return m.Sum(nil)
}

// indexKey is bucket NUL key; bucket names hold no NUL.
func indexKey(bucket, key []byte) []byte {
	return append(append(append([]byte{}, bucket...), 0), key...)
}

func splitIndexKey(ik []byte) (bucket, key []byte) {
	i := bytes.IndexByte(ik, 0)
	if i < 0 {
		return ik, nil
	}
	return ik[:i], ik[i+1:]
}

func recordName(bucket, key []byte) string {
	return string(bucket) + "/" + hex.EncodeToString(key[:min(6, len(key))])
}

func xorInto(dst *[sha256.Size]byte, e []byte) {
	subtle.XORBytes(dst[:], dst[:], e)
}

func (v *Vault) readManifest(tx *bolt.Tx) (*manifest, error) {
	raw := tx.Bucket(bucketMeta).Get(keyManifest)
	if raw == nil {
		return nil, fmt.Errorf("the manifest is missing")
	}
	plain, err := v.seal.open(bucketMeta, keyManifest, raw)
	if err != nil {
		return nil, fmt.Errorf("the manifest was modified")
	}
	var m manifest
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("the manifest is unreadable")
	}
	return &m, nil
}

// beginManifest reads the manifest a write transaction starts from.
func (v *Vault) beginManifest(tx *bolt.Tx) (*manifestWrite, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil || meta.Get(keyManifest) == nil {
		return &manifestWrite{rebuild: meta != nil}, nil // a vault being created
	}
	m, err := v.readManifest(tx)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (restore a backup)", ErrModified, err)
	}
	w := &manifestWrite{gen: m.Generation, count: m.Count, rebuild: m.Version < manifestVersion}
	copy(w.digest[:], m.Digest)
	return w, nil
}

// putRecord stores a sealed value and its index entry.
func (v *Vault) putRecord(tx *bolt.Tx, bucket, key, sealed []byte) error {
	if err := tx.Bucket(bucket).Put(key, sealed); err != nil {
		return err
	}
	return v.setEntry(tx, bucket, key, sealed)
}

// deleteRecord removes a record and its index entry.
func (v *Vault) deleteRecord(tx *bolt.Tx, bucket, key []byte) error {
	key = bytes.Clone(key) // it may point into the page being changed
	if err := tx.Bucket(bucket).Delete(key); err != nil {
		return err
	}
	return v.setEntry(tx, bucket, key, nil)
}

// setEntry swaps a record's entry in the index and the digest; nil removes it.
func (v *Vault) setEntry(tx *bolt.Tx, bucket, key, sealed []byte) error {
	w := v.pending
	if w == nil {
		return errors.New("vault: record written outside a write transaction")
	}
	if w.rebuild {
		return nil
	}
	idx := tx.Bucket(bucketIndex)
	ik := indexKey(bucket, key)
	if old := idx.Get(ik); old != nil {
		xorInto(&w.digest, old)
		w.count--
	}
	if sealed == nil {
		return idx.Delete(ik)
	}
	e := v.seal.entry(bucket, key, sealed)
	xorInto(&w.digest, e)
	w.count++
	return idx.Put(ik, e)
}

// rebuildIndex computes every entry afresh: for a version 1 vault, and after
// the data key changed.
func (v *Vault) rebuildIndex(tx *bolt.Tx, w *manifestWrite) error {
	if err := tx.DeleteBucket(bucketIndex); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
		return err
	}
	idx, err := tx.CreateBucket(bucketIndex)
	if err != nil {
		return err
	}
	w.digest, w.count = [sha256.Size]byte{}, 0
	for _, name := range dataBuckets {
		err := tx.Bucket(name).ForEach(func(k, val []byte) error {
			e := v.seal.entry(name, k, val)
			xorInto(&w.digest, e)
			w.count++
			return idx.Put(indexKey(name, k), e)
		})
		if err != nil {
			return err
		}
	}
	w.rebuild = false
	return nil
}

// commitManifest seals the manifest as this transaction leaves it.
func (v *Vault) commitManifest(tx *bolt.Tx, w *manifestWrite) error {
	if w.rebuild {
		if err := v.rebuildIndex(tx, w); err != nil {
			return err
		}
	}
	plain, err := json.Marshal(manifest{Generation: w.gen + 1, Version: manifestVersion, Count: w.count, Digest: w.digest[:]})
	if err != nil {
		return err
	}
	sealed, err := v.seal.seal(bucketMeta, keyManifest, plain)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyManifest, sealed)
}

// verifyManifest compares the records with the index and the manifest; each
// problem names a record where it can. An error means the file could not be
// read that far (a damaged page).
func (v *Vault) verifyManifest() (problems []string, err error) {
	err = v.view(func(tx *bolt.Tx) error {
		m, err := v.readManifest(tx)
		switch {
		case err != nil:
			problems = append(problems, err.Error())
		case m.Version < manifestVersion:
			problems = diffEntries(m.Entries, currentEntries(tx))
		default:
			problems = v.verifyIndex(tx, m)
		}
		return nil
	})
	return problems, err
}

func (v *Vault) verifyIndex(tx *bolt.Tx, m *manifest) []string {
	idx := tx.Bucket(bucketIndex)
	if idx == nil {
		return []string{"the manifest's index is missing"}
	}
	var problems []string
	for _, name := range dataBuckets {
		_ = tx.Bucket(name).ForEach(func(k, val []byte) error {
			stored := idx.Get(indexKey(name, k))
			switch {
			case stored == nil:
				problems = append(problems, "record "+recordName(name, k)+" was added outside dexonboard")
			case !hmac.Equal(stored, v.seal.entry(name, k, val)):
				problems = append(problems, "record "+recordName(name, k)+" was modified or replaced by an older version")
			}
			return nil
		})
	}
	var digest [sha256.Size]byte
	var count uint64
	_ = idx.ForEach(func(ik, e []byte) error {
		bucket, key := splitIndexKey(ik)
		if b := tx.Bucket(bucket); b == nil || b.Get(key) == nil {
			problems = append(problems, "record "+recordName(bucket, key)+" was removed")
		}
		if len(e) == sha256.Size {
			xorInto(&digest, e)
		}
		count++
		return nil
	})
	if len(problems) == 0 && (count != m.Count || !hmac.Equal(digest[:], m.Digest)) {
		problems = append(problems, "the records do not match the manifest: records were removed, added or rolled back together with their index entries")
	}
	return problems
}

// manifestEntry is one record of a version 1 manifest.
type manifestEntry struct {
	Bucket string `json:"b"`
	Key    string `json:"k"` // hex
	Hash   string `json:"h"` // hex SHA-256 of the sealed value
}

func (e manifestEntry) name() string {
	k := e.Key
	if len(k) > 12 {
		k = k[:12]
	}
	return e.Bucket + "/" + k
}

// currentEntries hashes every record as a version 1 manifest lists them.
func currentEntries(tx *bolt.Tx) []manifestEntry {
	var out []manifestEntry
	for _, name := range dataBuckets {
		b := tx.Bucket(name)
		if b == nil {
			continue
		}
		_ = b.ForEach(func(k, val []byte) error {
			sum := sha256.Sum256(val)
			out = append(out, manifestEntry{Bucket: string(name), Key: hex.EncodeToString(k), Hash: hex.EncodeToString(sum[:])})
			return nil
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bucket != out[j].Bucket {
			return out[i].Bucket < out[j].Bucket
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func diffEntries(want, got []manifestEntry) []string {
	index := func(es []manifestEntry) map[string]manifestEntry {
		m := make(map[string]manifestEntry, len(es))
		for _, e := range es {
			m[e.Bucket+"/"+e.Key] = e
		}
		return m
	}
	w, g := index(want), index(got)
	var problems []string
	for _, e := range want {
		cur, ok := g[e.Bucket+"/"+e.Key]
		switch {
		case !ok:
			problems = append(problems, "record "+e.name()+" was removed")
		case cur.Hash != e.Hash:
			problems = append(problems, "record "+e.name()+" was modified or replaced by an older version")
		}
	}
	for _, e := range got {
		if _, ok := w[e.Bucket+"/"+e.Key]; !ok {
			problems = append(problems, "record "+e.name()+" was added outside dexonboard")
		}
	}
	return problems
}
