package gateway

import (
	"testing"
	"time"

	"github.com/futugw/gateway/platform/catalog"
)

// TestEveryCatalogRouteIsServed: each row of the catalog is a REST route of the edge
// in its forms (a GET row: GET with query parameters and POST with a body), forwarded to its
// backend (here unreachable: 503, never 404 or 405).
func TestEveryCatalogRouteIsServed(t *testing.T) {
	srv, _ := newTestGateway(t, Options{Timeout: 300 * time.Millisecond})
	hdr := map[string]string{"Authorization": "Bearer good", "Content-Type": "application/json"}
	for _, r := range catalog.Routes() {
		methods := []string{"POST"}
		if r.HTTPMethod == "GET" {
			methods = append(methods, "GET")
		}
		for _, m := range methods {
			body := ""
			if m == "POST" {
				body = "{}"
			}
			got := do(t, m, srv.URL+r.Path, body, hdr)
			if got.status != 503 {
				t.Errorf("%s %s: %d %v, want 503 from the unreachable %v backend", m, r.Path, got.status, got.body, r.Service)
			}
		}
	}
}
