package panel

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestDir(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "assets"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>panel</title>"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "assets", "app-1234.js"), []byte("console.log(1)"), 0o644))
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h, err := Dir(dir, notFound)
	must(err)

	tests := []struct {
		path  string
		code  int
		cache string
	}{
		{"/", 200, "no-cache"},
		{"/assets/app-1234.js", 200, "public, max-age=31536000, immutable"},
		{"/assets/", 418, ""}, // no directory listing
		{"/missing.js", 418, ""},
		{"/../../etc/passwd", 418, ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != tt.code || rec.Header().Get("Cache-Control") != tt.cache {
			t.Errorf("%s: %d %q, want %d %q", tt.path, rec.Code, rec.Header().Get("Cache-Control"), tt.code, tt.cache)
		}
	}
	if _, err := Dir(t.TempDir(), notFound); err == nil {
		t.Error("a dir without index.html was accepted")
	}
}
