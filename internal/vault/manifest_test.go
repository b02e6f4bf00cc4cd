package vault

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/oauth2"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// A record deleted together with its index entry leaves the entries' digest
// short: the manifest catches what the index alone cannot.
func TestRecordRemovedWithItsIndexEntryIsDetected(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	fill(t, v)
	v.Close()
	var victim rawRecord
	for _, r := range rawRecords(t, path) {
		if string(r.bucket) == string(bucketTokens) {
			victim = r
		}
	}
	tamper(t, path, func(tx *bolt.Tx) {
		_ = tx.Bucket(bucketTokens).Delete(victim.key)
		_ = tx.Bucket(bucketIndex).Delete(indexKey(bucketTokens, victim.key))
	})
	err := openAndRead(path)
	if !errors.Is(err, ErrModified) || !strings.Contains(err.Error(), "do not match the manifest") {
		t.Fatalf("record and entry removed: %v", err)
	}
}

// The audit trail keeps the newest AuditCap entries, and the vault stays
// consistent while it drops the oldest.
func TestAuditIsCapped(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	p := fill(t, v)
	if err := v.update(func(tx *bolt.Tx) error {
		for range AuditCap + 20 {
			if err := v.appendAudit(tx, p, "sandbox login refreshed", ""); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := v.SaveToken(p.ID, dexcom.Sandbox, &oauth2.Token{AccessToken: "newest"}); err != nil {
		t.Fatal(err)
	}
	v.Close()
	v, err := Open(path, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	all, err := v.Audit("")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != AuditCap {
		t.Fatalf("%d audit entries kept, want %d", len(all), AuditCap)
	}
	last := all[len(all)-1]
	if last.Action != "sandbox login refreshed" || all[0].Seq != last.Seq-AuditCap+1 {
		t.Fatalf("kept %d..%d (%s)", all[0].Seq, last.Seq, last.Action)
	}
}

// A vault written by the previous format (a sealed list of every record's
// hash, no index) opens, is checked the old way, and its first write builds
// the index; tampering is still caught afterwards.
func TestVersion1ManifestIsUpgraded(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	p := fill(t, v)
	// Rewrite the manifest as version 1 did, and drop the index.
	if err := v.db.Update(func(tx *bolt.Tx) error {
		plain, _ := json.Marshal(manifest{Generation: 7, Entries: currentEntries(tx)})
		sealed, err := v.seal.seal(bucketMeta, keyManifest, plain)
		if err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketIndex); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyManifest, sealed)
	}); err != nil {
		t.Fatal(err)
	}
	v.Close()
	v, err := Open(path, testPass, testOpts)
	if err != nil {
		t.Fatalf("version 1 vault: %v", err)
	}
	if err := v.SaveToken(p.ID, dexcom.Sandbox, &oauth2.Token{AccessToken: "after upgrade", Expiry: time.Now()}); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if err := openAndRead(path); err != nil {
		t.Fatalf("after the upgrade: %v", err)
	}
	var victim rawRecord
	for _, r := range rawRecords(t, path) {
		if string(r.bucket) == string(bucketProfiles) {
			victim = r
		}
	}
	put(t, path, victim.bucket, victim.key, nil)
	if err := openAndRead(path); !errors.Is(err, ErrModified) || !strings.Contains(err.Error(), "was removed") {
		t.Fatalf("delete after the upgrade: %v", err)
	}
}
