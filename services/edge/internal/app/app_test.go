package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startEdge runs the edge in-process on a loopback port until the test ends and
// returns its base URL.
func startEdge(t testing.TB, cfg Config, log *slog.Logger) string {
	t.Helper()
	return "http://" + startEdgeApp(t, cfg, log).Addr().String()
}

// startEdgeApp is startEdge returning the running edge.
func startEdgeApp(t testing.TB, cfg Config, log *slog.Logger) *Edge {
	t.Helper()
	cfg.HTTPAddr = "127.0.0.1:0"
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e, err := New(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("edge Run: %v", err)
		}
	})
	return e
}

// deadAddr is a loopback address nothing listens on.
func deadAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestNotReadyWithoutUpstreams: with Redis up but the services down, /readyz says
// which checks fail, while REST calls fail fast with 503 and the panel still loads.
func TestNotReadyWithoutUpstreams(t *testing.T) {
	base := startEdge(t, Config{
		AuthAddr: deadAddr(t), QuoteAddr: deadAddr(t), OrderAddr: deadAddr(t),
		Redis:       redisx.Options{Addrs: redistest.Start(t)},
		CORSOrigins: []string{"https://app.example.com"},
	}, nil)

	body := proctest.WaitHTTP(t, base+"/readyz", http.StatusServiceUnavailable)
	var rep struct {
		Checks []struct{ Name, Status string }
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range rep.Checks {
		got[c.Name] = c.Status
	}
	if got["redis"] != "ok" || got["auth"] == "ok" || got["quote"] == "ok" || got["order"] == "ok" {
		t.Errorf("checks %v", got)
	}

	resp, b := testkit.Send(t, "GET", base+"/api/auth/whoami", "", map[string]string{"Authorization": "Bearer x"})
	if resp.StatusCode != 503 || !strings.Contains(b, `"reason"`) {
		t.Errorf("whoami with auth down = %d %s", resp.StatusCode, b)
	}

	resp, b = testkit.Send(t, "GET", base+"/", "", nil)
	h := resp.Header
	if resp.StatusCode != 200 || !strings.Contains(b, "futugw edge") || h.Get("X-Frame-Options") != "DENY" ||
		h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Request-Id") == "" || h.Get("Strict-Transport-Security") != "" {
		t.Errorf("GET / = %d %v", resp.StatusCode, h)
	}
	if resp, b = testkit.Send(t, "POST", base+"/", "", nil); resp.StatusCode != 405 || !strings.Contains(b, "method_not_allowed") {
		t.Errorf("POST / = %d %s", resp.StatusCode, b)
	}
	if resp, b = testkit.Send(t, "GET", base+"/api/nope", "", nil); resp.StatusCode != 404 || !strings.Contains(b, `"not_found"`) {
		t.Errorf("GET /api/nope = %d %s", resp.StatusCode, b)
	}
	resp, _ = testkit.Send(t, "OPTIONS", base+"/api/auth/whoami", "", map[string]string{
		"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("preflight = %d %v", resp.StatusCode, resp.Header)
	}
	_, metrics := testkit.Send(t, "GET", base+"/metrics", "", nil)
	if !strings.Contains(metrics, `futugw_edge_http_requests_total{code="503",route="GET /api/auth/whoami"}`) ||
		!strings.Contains(metrics, "futugw_edge_http_request_duration_seconds_bucket") {
		t.Errorf("metrics lack the request series")
	}
}
