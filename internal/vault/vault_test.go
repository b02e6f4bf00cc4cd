package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/oauth2"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/secret"
)

var (
	testPass  = []byte("violet-anchor-mosaic-7-tundra")
	testOpts  = Options{KDF: InsecureTestKDF, AllowWeakKDF: true}
	secretVal = "SECRET-d0d0cafe-5e5e-4242-b00b-feedface9999"
	clientID  = "CLIENTID-7a7a7a7a-1111-2222-3333-444455556666"
	accessTok = "ACCESS-9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f"
	refreshTk = "REFRESH-8e8e8e8e8e8e8e8e8e8e8e8e8e8e8e"
	company   = "Acme Glucose Widgets Ltd"
)

func newTestVault(t testing.TB) (string, *Vault) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dexonboard", "vault.db")
	v, err := Create(path, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return path, v
}

// fill stores one of every record kind and returns the profile.
func fill(t testing.TB, v *Vault) *onboarding.Profile {
	t.Helper()
	p, err := v.CreateProfile(company)
	if err != nil {
		t.Fatal(err)
	}
	a := p.App(dexcom.Sandbox)
	a.ClientID, a.ClientSecret, a.RedirectURI = clientID, secret.New(secretVal), "http://localhost:8765/callback"
	a.ROOKRedirectURL = "https://api.rook-connect.example/dexcom/callback"
	p.App(dexcom.US).Name = "Acme production"
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	tok := &oauth2.Token{AccessToken: accessTok, RefreshToken: refreshTk, TokenType: "Bearer", Expiry: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := v.SaveToken(p.ID, dexcom.Sandbox, tok); err != nil {
		t.Fatal(err)
	}
	pr := onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox)
	pr.MarkDone(onboarding.CreateAccount, time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	pr.State(onboarding.CreateApp).Fields = map[string]string{"app_name": "Acme sandbox"}
	if err := v.SaveProgress(p.ID, pr); err != nil {
		t.Fatal(err)
	}
	return p
}

func readAll(v *Vault) error {
	ps, err := v.Profiles()
	if err != nil {
		return err
	}
	for _, p := range ps {
		for env := range p.Apps {
			if _, err := v.Token(p.ID, env); err != nil {
				return err
			}
		}
		for _, tr := range []onboarding.Track{onboarding.SandboxTrack, onboarding.ProductionTrack} {
			if _, err := v.Progress(p.ID, tr); err != nil {
				return err
			}
		}
	}
	_, err = v.Audit("")
	return err
}

func TestRoundTripEveryRecordKind(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	p := fill(t, v)
	v.Close()

	v, err := Open(path, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	got, err := v.Profile(strings.ToUpper(company))
	if err != nil {
		t.Fatal(err)
	}
	a := got.Apps[dexcom.Sandbox]
	if got.ID != p.ID || a.ClientID != clientID || a.ClientSecret.Reveal() != secretVal || a.RedirectURI != "http://localhost:8765/callback" ||
		a.ROOKRedirectURL == "" || got.Apps[dexcom.US].Name != "Acme production" {
		t.Fatalf("profile: %+v %+v", got, a)
	}
	tok, err := v.Token(p.ID, dexcom.Sandbox)
	if err != nil || tok.AccessToken != accessTok || tok.RefreshToken != refreshTk || !tok.Expiry.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("token: %+v %v", tok, err)
	}
	if tok, err := v.Token(p.ID, dexcom.EU); tok != nil || err != nil {
		t.Fatalf("absent token: %v %v", tok, err)
	}
	pr, err := v.Progress(p.ID, onboarding.SandboxTrack)
	if err != nil || pr.StatusOf(onboarding.CreateAccount) != onboarding.Done || pr.State(onboarding.CreateApp).Fields["app_name"] != "Acme sandbox" ||
		pr.FirstUnfinished() != onboarding.Prerequisites {
		t.Fatalf("progress: %+v %v", pr, err)
	}
	audit, err := v.Audit(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	want := []string{"profile created", "sandbox client id set", "sandbox client secret set", "sandbox redirect URLs changed",
		"us app details changed", "sandbox login saved", "sandbox track: Step 1 done"}
	if strings.Join(actions, "|") != strings.Join(want, "|") {
		t.Errorf("audit:\n got %q\nwant %q", actions, want)
	}
	for _, e := range audit {
		if strings.Contains(e.Action+e.Detail, secretVal) {
			t.Fatal("secret in the audit trail")
		}
	}
}

func TestProfilesCreateRenameDelete(t *testing.T) {
	t.Parallel()
	_, v := newTestVault(t)
	p := fill(t, v)
	if _, err := v.CreateProfile(" acme glucose widgets ltd "); !errors.Is(err, ErrProfileExists) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := v.CreateProfile("Beta Corp"); err != nil {
		t.Fatal(err)
	}
	if err := v.RenameProfile("beta corp", company); !errors.Is(err, ErrProfileExists) {
		t.Fatalf("rename onto existing: %v", err)
	}
	if err := v.RenameProfile(company, "Acme Renamed"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Profile(company); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("old name still found: %v", err)
	}
	if err := v.DeleteProfile("acme renamed"); err != nil {
		t.Fatal(err)
	}
	ps, _ := v.Profiles()
	if len(ps) != 1 || ps[0].Name != "Beta Corp" {
		t.Fatalf("profiles after delete: %v", ps)
	}
	if tok, _ := v.Token(p.ID, dexcom.Sandbox); tok != nil {
		t.Fatal("deleted profile's token is still there")
	}
	if pr, _ := v.Progress(p.ID, onboarding.SandboxTrack); pr != nil {
		t.Fatal("deleted profile's progress is still there")
	}
	for _, bad := range []string{"", "  ", "a\x07b", strings.Repeat("x", 81)} {
		if _, err := v.CreateProfile(bad); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
}

func TestPassphraseChange(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	fill(t, v)
	newPass := []byte("quartz-lantern-orbit-55-meadow")
	if err := v.ChangePassphrase([]byte("wrong one entirely"), newPass); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("change with wrong old passphrase: %v", err)
	}
	if err := v.ChangePassphrase(testPass, []byte("short")); !errors.Is(err, ErrWeakPassphrase) {
		t.Fatalf("weak new passphrase: %v", err)
	}
	if err := v.ChangePassphrase(testPass, newPass); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := Open(path, testPass, testOpts); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("old passphrase still works: %v", err)
	}
	v, err := Open(path, newPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := readAll(v); err != nil {
		t.Fatal(err)
	}
	p, _ := v.Profile(company)
	if p.Apps[dexcom.Sandbox].ClientSecret.Reveal() != secretVal {
		t.Fatal("data lost in passphrase change")
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestWrongPassphraseChangesNothing(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	fill(t, v)
	v.Close()
	before := fileHash(t, path)
	_, err := Open(path, []byte("not-the-passphrase-at-all"), testOpts)
	if !errors.Is(err, ErrWrongPassword) || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("err = %v", err)
	}
	if fileHash(t, path) != before {
		t.Fatal("file changed after a failed unlock")
	}
	if b, err := os.ReadFile(lockPath(path)); err != nil || len(b) != 0 {
		t.Fatalf("lock file after a failed unlock: %q, %v", b, err)
	}
}

func TestPlaintextNeverInFile(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	p := fill(t, v)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := v.Backup(backup); err != nil {
		t.Fatal(err)
	}
	if err := v.RotateKey(testPass); err != nil {
		t.Fatal(err)
	}
	v.Close()
	needles := []string{secretVal, clientID, accessTok, refreshTk, company, "Acme", p.Apps[dexcom.Sandbox].ROOKRedirectURL, "8765"}
	for _, f := range []string{path, backup} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range needles {
			for _, form := range []string{n, base64.StdEncoding.EncodeToString([]byte(n)), base64.RawURLEncoding.EncodeToString([]byte(n)), hex.EncodeToString([]byte(n))} {
				if bytes.Contains(raw, []byte(form)) {
					t.Errorf("%s holds %q in the clear", filepath.Base(f), form)
				}
			}
		}
	}
}

func TestFileModes(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	v.Close()
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := Open(path, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("0644 vault not repaired: %v", fi.Mode().Perm())
	}
	if len(v.Warnings()) != 1 || !strings.Contains(v.Warnings()[0], "readable by others") {
		t.Errorf("warnings: %q", v.Warnings())
	}
}

func TestSecondOpenerIsToldInUse(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	_ = v
	start := time.Now()
	_, err := Open(path, testPass, testOpts)
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second { // it waits its 1 s, not forever; loose for a loaded machine
		t.Errorf("took %v to say it is in use", d)
	}
	if !strings.Contains(err.Error(), "pid ") {
		t.Errorf("no pid in %q", err)
	}
}

func TestCreateRefusesExistingAndWeak(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	v.Close()
	if _, err := Create(path, testPass, testOpts); !errors.Is(err, ErrExists) {
		t.Fatalf("create over existing: %v", err)
	}
	for _, weak := range []string{"", "password", "short1!", "aaaaaaaaaaaaaaaa", "password12345"} {
		if _, err := Create(filepath.Join(t.TempDir(), "v.db"), []byte(weak), testOpts); !errors.Is(err, ErrWeakPassphrase) {
			t.Errorf("weak %q: %v", weak, err)
		}
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none.db"), testPass, testOpts); !errors.Is(err, ErrNoVault) {
		t.Fatalf("missing vault: %v", err)
	}
}

func TestDefaultKDFRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vault.db")
	v, err := Create(path, testPass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.hdr.KDF != DefaultKDF || DefaultKDF.MemoryKiB < 64*1024 || DefaultKDF.Passes < 3 || DefaultKDF.Lanes < 4 {
		t.Fatalf("default KDF %+v", v.hdr.KDF)
	}
	v.Close()
	v, err = Open(path, testPass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	// A file asking for the test costs is refused without the explicit option.
	weakPath, wv := newTestVault(t)
	wv.Close()
	if _, err := Open(weakPath, testPass, Options{}); !errors.Is(err, ErrUnsafeKDF) {
		t.Fatalf("weak KDF accepted by default: %v", err)
	}
}

func TestBackup(t *testing.T) {
	t.Parallel()
	_, v := newTestVault(t)
	fill(t, v)
	dir := t.TempDir()
	dst := filepath.Join(dir, "copy.db")
	if err := v.Backup(dst); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dst); fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v", fi.Mode().Perm())
	}
	if err := v.Backup(dst); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over existing: %v", err)
	}
	target := filepath.Join(dir, "target")
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := v.Backup(link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("backup through symlink: %v", err)
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("backup wrote through the symlink")
	}
	b, err := Open(dst, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := readAll(b); err != nil {
		t.Fatal(err)
	}
}

func TestRotateKey(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	p := fill(t, v)
	oldWrapped := bytes.Clone(v.hdr.WrappedKey)
	if err := v.RotateKey([]byte("nope-nope-nope-nope")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("rotate with wrong passphrase: %v", err)
	}
	if err := v.RotateKey(testPass); err != nil {
		t.Fatal(err)
	}
	if v.hdr.KeyGen != 2 {
		t.Fatalf("generation %d", v.hdr.KeyGen)
	}
	if err := readAll(v); err != nil {
		t.Fatal(err)
	}
	v.Close()
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, oldWrapped) {
		t.Fatal("old wrapped key still in the file after rotate-key")
	}
	v, err := Open(path, testPass, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	got, _ := v.Profile(company)
	if got.ID != p.ID || got.Apps[dexcom.Sandbox].ClientSecret.Reveal() != secretVal {
		t.Fatal("data lost in rotation")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after compaction %v", fi.Mode().Perm())
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	fill(t, v)
	v.Close()
	r, err := Check(path, testPass, testOpts)
	if err != nil || !r.OK() || r.Profiles != 1 || r.Records < 5 {
		t.Fatalf("check of a good vault: %+v %v", r, err)
	}
	tamper(t, path, func(tx *bolt.Tx) {
		b := tx.Bucket(bucketTokens)
		k, val := b.Cursor().First()
		val = bytes.Clone(val)
		val[len(val)-1] ^= 1
		_ = b.Put(bytes.Clone(k), val)
	})
	before := fileHash(t, path)
	r, err = Check(path, testPass, testOpts)
	if err != nil || r.OK() || len(r.Problems) != 2 {
		t.Fatalf("check of a tampered vault: %+v %v", r, err)
	}
	if fileHash(t, path) != before {
		t.Fatal("check changed the file")
	}
}

// tamper edits the file with raw bbolt, as an attacker with the file would.
func tamper(t *testing.T, path string, fn func(*bolt.Tx)) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { fn(tx); return nil }); err != nil {
		t.Fatal(err)
	}
}

// The demo's cheap KDF is accepted only where the demo asks for it: a real
// open of a demo vault is refused before the KDF runs, and a real vault
// never gets it by default.
func TestDemoKDFOnlyForDemoVaults(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "demo", "vault.db")
	v, err := Create(path, testPass, Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if v.hdr.KDF != DemoKDF {
		t.Fatalf("demo vault KDF %+v", v.hdr.KDF)
	}
	v.Close()
	if _, err := Open(path, testPass, Options{}); !errors.Is(err, ErrUnsafeKDF) {
		t.Fatalf("demo vault opened as a real one: %v", err)
	}
	v, err = Open(path, testPass, Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	if (Options{}).withDefaults().KDF != DefaultKDF {
		t.Fatal("real vaults no longer default to the full cost")
	}
	// The demo floor still bounds what a file may ask for.
	if err := (KDFParams{MemoryKiB: 512, Passes: 1, Lanes: 1}).check(saltLen, Options{Demo: true}); !errors.Is(err, ErrUnsafeKDF) {
		t.Fatalf("below the demo floor: %v", err)
	}
}

// TestOpenerWaitsForTheHolder: a second opener says once that it waits (with
// the holder's pid) and gets the vault as soon as the holder lets go; with
// a negative LockTimeout it does not wait at all.
func TestOpenerWaitsForTheHolder(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	opts := testOpts
	opts.LockTimeout = -1
	opts.LockWait = func(int) { t.Error("told to wait with no wait allowed") }
	if _, err := Open(path, testPass, opts); !errors.Is(err, ErrInUse) {
		t.Fatalf("no wait: %v", err)
	}
	var waits []int
	opts.LockTimeout = time.Minute
	opts.LockWait = func(pid int) {
		waits = append(waits, pid)
		v.Close() // the holder finishes while this one waits
	}
	v2, err := Open(path, testPass, opts)
	if err != nil {
		t.Fatalf("waited, and: %v", err)
	}
	v2.Close()
	if len(waits) != 1 || waits[0] != os.Getpid() {
		t.Fatalf("LockWait calls: %v, want one with pid %d", waits, os.Getpid())
	}
}

// An error about a side file names it once, not "open X: open X: ...".
func TestSideFileErrorsNameThePathOnce(t *testing.T) {
	t.Parallel()
	path, v := newTestVault(t)
	v.Close()
	if err := os.Remove(lockPath(path)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(lockPath(path), 0o700); err != nil { // cannot be opened as a file
		t.Fatal(err)
	}
	_, err := Open(path, testPass, testOpts)
	if err == nil || strings.Count(err.Error(), lockPath(path)) != 1 {
		t.Fatalf("error %q: want %s named once", err, lockPath(path))
	}
}
