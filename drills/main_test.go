// Package drills holds the failure drills: end-to-end tests that run the real
// binaries as separate processes, break one dependency at a time (Redis, OpenD, a
// service, an edge) and assert the invariants the gateway promises while it is
// broken and after it recovers. Run them with `make drills`.
package drills

import (
	"os"
	"strings"
	"testing"

	"github.com/futugw/gateway/drills/internal/stack"
)

func TestMain(m *testing.M) {
	code := m.Run()
	stack.Cleanup()
	os.Exit(code)
}

// wsURL is the edge's WebSocket endpoint for an http:// base.
func wsURL(base string) string { return "ws" + strings.TrimPrefix(base, "http") + "/ws" }

// errorBody checks the gateway's JSON error shape: a readable "error" and gRPC's code.
func errorBody(t *testing.T, what string, b map[string]any) {
	t.Helper()
	if msg, _ := b["error"].(string); msg == "" {
		t.Errorf("%s: no readable \"error\" in %v", what, b)
	}
	if _, ok := b["code"].(float64); !ok {
		t.Errorf("%s: no gRPC \"code\" in %v", what, b)
	}
}
