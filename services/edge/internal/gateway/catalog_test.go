package gateway

import (
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/catalog"
)

// TestEveryCatalogRouteIsServed: each REST form of each row of the catalog (a generic
// GET row: GET with query parameters and POST with a body) is a route of the edge,
// forwarded to its backend: here the quote and order backends are unreachable (503,
// never 404 or 405), and the auth backend a fake that answers.
func TestEveryCatalogRouteIsServed(t *testing.T) {
	srv, _ := newTestGateway(t, Options{Timeout: 300 * time.Millisecond})
	hdr := map[string]string{"Authorization": "Bearer good", "Content-Type": "application/json"}
	forms := 0
	for _, r := range catalog.All() {
		for _, b := range r.REST() {
			forms++
			body := ""
			if b.Body != "" {
				body = "{}"
			}
			path := strings.NewReplacer("{", "", "}", "").Replace(b.Path) // a path parameter's value is its name
			got := do(t, b.Method, srv.URL+path, body, hdr)
			switch {
			case r.Service == catalog.Auth && (got.status == 404 && got.body["error"] == "no route for "+path || got.status == 405):
				t.Errorf("%s %s: %d %v, not a route of the edge", b.Method, b.Path, got.status, got.body)
			case r.Service != catalog.Auth && got.status != 503:
				t.Errorf("%s %s: %d %v, want 503 from the unreachable %v backend", b.Method, b.Path, got.status, got.body, r.Service)
			}
		}
	}
	if forms == 0 {
		t.Fatal("no REST routes in the catalog")
	}
}
