package keys

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	tok, hash, err := Generate(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "fk_") || len(tok) != TokenLen || !WellFormed(tok) {
		t.Fatalf("token %q (len %d) is not well formed", tok, len(tok))
	}
	sum := sha256.Sum256([]byte(tok))
	if hash != hex.EncodeToString(sum[:]) || Hash(tok) != hash {
		t.Errorf("hash mismatch")
	}
	tok2, _, _ := Generate(nil)
	if tok2 == tok {
		t.Error("two keys are equal")
	}
	if _, _, err := Generate(bytes.NewReader(make([]byte, 3))); err == nil {
		t.Error("short randomness accepted")
	}
}

func TestWellFormed(t *testing.T) {
	good, _, _ := Generate(nil)
	tests := []struct {
		in   string
		want bool
	}{
		{good, true},
		{"", false},
		{"fk_", false},
		{"xk_" + good[3:], false},
		{good[:len(good)-1], false},
		{good + "A", false},
		{good[:10] + "+" + good[11:], false},
		{good[:10] + "=" + good[11:], false},
	}
	for _, tt := range tests {
		if got := WellFormed(tt.in); got != tt.want {
			t.Errorf("WellFormed(%q) = %v", tt.in, got)
		}
	}
}

func TestNewIDAndCheckID(t *testing.T) {
	id, err := NewID(nil, "sess")
	if err != nil || !strings.HasPrefix(id, "sess-") || len(id) != 17 || CheckID(id) != nil {
		t.Fatalf("NewID = %q, %v", id, err)
	}
	tests := []struct {
		id string
		ok bool
	}{
		{"bot1", true}, {"A.b_c-9", true}, {"9", true},
		{"", false}, {"-x", false}, {".x", false}, {"a b", false}, {"a/b", false}, {"a:b", false},
		{strings.Repeat("a", 64), true}, {strings.Repeat("a", 65), false}, {"é", false},
	}
	for _, tt := range tests {
		if err := CheckID(tt.id); (err == nil) != tt.ok {
			t.Errorf("CheckID(%q) = %v, want ok %v", tt.id, err, tt.ok)
		}
	}
}

func TestDigests(t *testing.T) {
	tok := "fk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	// md5 -s / sha256sum of the same bytes.
	sum := md5.Sum([]byte(tok))
	want := hex.EncodeToString(sum[:])
	if got := MD5(tok); got != want || strings.ToLower(got) != got || len(got) != MD5Len {
		t.Fatalf("MD5 = %q, want %q", got, want)
	}
	sh := sha256.Sum256([]byte(want))
	if got := DigestHash(want); got != hex.EncodeToString(sh[:]) {
		t.Errorf("DigestHash = %q", got)
	}
	if DigestHash(strings.ToUpper(want)) != DigestHash(want) {
		t.Error("DigestHash depends on the case of the hex")
	}
	if DigestHash(want) == Hash(tok) || DigestHash(want) == want {
		t.Error("DigestHash is not a hash of the MD5")
	}
	tests := []struct {
		in   string
		want bool
	}{
		{want, true},
		{strings.ToUpper(want), true},
		{"", false},
		{want[:31], false},
		{want + "0", false},
		{"g" + want[1:], false},
		{" " + want[1:], false},
		{tok, false},
	}
	for _, tt := range tests {
		if got := WellFormedMD5(tt.in); got != tt.want {
			t.Errorf("WellFormedMD5(%q) = %v", tt.in, got)
		}
	}
}
