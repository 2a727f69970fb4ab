package secret

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"bare", "s3cret", "s3cret", true},
		{"newline", "s3cret\n", "s3cret", true},
		{"crlf", "s3cret\r\n", "s3cret", true},
		{"trailing space kept", "s3cret \n", "s3cret ", true},
		{"leading space kept", " s3cret", " s3cret", true},
		{"inner space kept", "two words", "two words", true},
		{"tab kept", "s3cret\t", "s3cret\t", true},
		{"empty", "", "", false},
		{"only newline", "\n", "", false},
		{"only crlf", "\r\n", "", false},
		{"two newlines", "s3cret\n\n", "", false},
		{"two lines", "s3cret\nmore\n", "", false},
		{"lone cr", "s3cret\r", "", false},
		{"inner cr", "s3\rcret", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("Parse(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pw")
	if err := os.WriteFile(path, []byte("hunter2 \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFile(path); err != nil || got != "hunter2 " {
		t.Fatalf("ReadFile = %q, %v; want %q", got, err, "hunter2 ")
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing file must fail")
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("hunter2\nhunter3"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(bad)
	if err == nil || strings.Contains(err.Error(), "hunter") || !strings.Contains(err.Error(), bad) {
		t.Fatalf("ReadFile(two lines) = %v; want an error naming the file, not the secret", err)
	}
}
