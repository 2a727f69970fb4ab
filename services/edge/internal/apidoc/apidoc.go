// Package apidoc serves the generated OpenAPI document of the REST API, so clients
// and tools can discover it from a running edge.
package apidoc

import (
	"net/http"

	"github.com/futugw/gateway/api/gen/go/openapi"
)

// Handler answers GET /api/openapi.json with the document generated from the protos.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(openapi.JSON)
	})
}
