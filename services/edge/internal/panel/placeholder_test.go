package panel

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPlaceholder(t *testing.T) {
	rec := httptest.NewRecorder()
	Placeholder().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("got %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(rec.Body.String(), "futugw edge") || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("unexpected response: %v %s", rec.Header(), rec.Body.String())
	}
}
