package apidoc

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/futugw/gateway/platform/catalog"
)

func TestServesTheGeneratedDocument(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	var doc struct {
		Swagger string                     `json:"swagger"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/order", "/api/subscribe", "/api/auth/session", "/api/auth/whoami", "/api/admin/keys"} {
		if _, ok := doc.Paths[p]; !ok {
			t.Errorf("the document lacks %s", p)
		}
	}
	if doc.Swagger != "2.0" {
		t.Errorf("swagger = %q", doc.Swagger)
	}
}

// TestDocumentListsEveryRoute: the served document has every REST form of every
// catalog row (method and path), and no operation without a row.
func TestDocumentListsEveryRoute(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range catalog.All() {
		for _, b := range r.REST() {
			op := b.Method + " " + b.Path
			want[op] = true
			if _, ok := doc.Paths[b.Path][strings.ToLower(b.Method)]; !ok {
				t.Errorf("the document lacks %s (%s): run `make proto`", op, r.FullMethod)
			}
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			if op := strings.ToUpper(m) + " " + p; !want[op] {
				t.Errorf("the document has %s, which no catalog row has", op)
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("no REST routes in the catalog")
	}
}
