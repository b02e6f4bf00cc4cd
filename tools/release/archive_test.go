package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestArchivesAreReproducible packs the same files twice, the second time
// after their modification times changed: the bytes must not differ, and
// each entry carries the commit time and no owner.
func TestArchivesAreReproducible(t *testing.T) {
	dir := t.TempDir()
	var entries []entry
	for i, name := range []string{"dexonboard", "LICENSE", "docs/man/dexonboard.1"} {
		p := filepath.Join(dir, filepath.Base(name))
		if err := os.WriteFile(p, bytes.Repeat([]byte(name), 100*(i+1)), 0o600); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, entry{name: "pkg/" + name, path: p, mode: 0o644})
	}
	when := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, pack := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"tar.gz", func(b *bytes.Buffer) error { return writeTarGz(b, entries, when) }},
		{"zip", func(b *bytes.Buffer) error { return writeZip(b, entries, when) }},
	} {
		var first, second bytes.Buffer
		if err := pack.write(&first); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(time.Hour)
		for _, e := range entries {
			if err := os.Chtimes(e.path, later, later); err != nil {
				t.Fatal(err)
			}
		}
		if err := pack.write(&second); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Errorf("%s: two packings differ", pack.name)
		}
	}

	var b bytes.Buffer
	if err := writeTarGz(&b, entries, when); err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !gz.ModTime.IsZero() || gz.Name != "" {
		t.Errorf("gzip header: time %v, name %q", gz.ModTime, gz.Name)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if !h.ModTime.Equal(when) || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("tar header of %s: %v %d/%d %q/%q", h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname)
		}
	}

	b.Reset()
	if err := writeZip(&b, entries, when); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(when) {
			t.Errorf("zip entry %s dated %v", f.Name, f.Modified)
		}
	}
}
