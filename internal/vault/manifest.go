package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// manifest lists every record's bucket, key and value hash. It is sealed like
// any record and rewritten in the same transaction as every change, so a
// deleted, added or rolled-back record is seen at unlock. A whole-file
// rollback (an old copy of the entire vault) cannot be seen from inside.
type manifest struct {
	Generation uint64          `json:"generation"`
	Entries    []manifestEntry `json:"entries"`
}

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

// currentEntries hashes every record in the data buckets, sorted.
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

func (v *Vault) writeManifest(tx *bolt.Tx) error {
	gen := uint64(0)
	if raw := tx.Bucket(bucketMeta).Get(keyManifest); raw != nil {
		if m, err := v.readManifest(tx); err == nil {
			gen = m.Generation
		}
	}
	plain, err := json.Marshal(manifest{Generation: gen + 1, Entries: currentEntries(tx)})
	if err != nil {
		return err
	}
	sealed, err := v.seal.seal(bucketMeta, keyManifest, plain)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyManifest, sealed)
}

// verifyManifest compares the records with the manifest; each problem names
// a record.
func (v *Vault) verifyManifest() []string {
	var problems []string
	err := v.view(func(tx *bolt.Tx) error {
		m, err := v.readManifest(tx)
		if err != nil {
			problems = append(problems, err.Error())
			return nil
		}
		problems = diffEntries(m.Entries, currentEntries(tx))
		return nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	return problems
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
		case !bytes.Equal([]byte(cur.Hash), []byte(e.Hash)):
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
