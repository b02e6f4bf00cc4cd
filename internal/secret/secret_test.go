package secret

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestStringNeverPrints(t *testing.T) {
	const plain = "s3cr3t-value-1234"
	s := New(plain)
	type holder struct {
		Name   string
		Secret String
	}
	h := holder{Name: "x", Secret: s}
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %d", s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", h, h, &h),
	}
	js, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, string(js))
	var sb strings.Builder
	slog.New(slog.NewTextHandler(&sb, nil)).Info("test", "secret", s, "holder", h)
	slog.New(slog.NewJSONHandler(&sb, nil)).Info("test", "secret", s)
	outs = append(outs, sb.String())
	for _, o := range outs {
		if strings.Contains(o, plain) || strings.Contains(o, "1234") {
			t.Errorf("secret leaked in %q", o)
		}
		if !strings.Contains(o, Mask) {
			t.Errorf("mask missing in %q", o)
		}
	}
	if s.Reveal() != plain {
		t.Fatal("Reveal lost the value")
	}
}

func TestHint(t *testing.T) {
	if got := New("abcdefghijklmnop").Hint(); got != Mask+"mnop" {
		t.Errorf("Hint = %q", got)
	}
	if got := New("short").Hint(); got != Mask {
		t.Errorf("short Hint = %q", got)
	}
}

func TestWipe(t *testing.T) {
	b := []byte("secret")
	Wipe(b)
	for _, c := range b {
		if c != 0 {
			t.Fatal("not wiped")
		}
	}
}
