package drills

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/futugw/gateway/drills/internal/stack"
	"github.com/futugw/gateway/platform/testkit"
)

// openSockets reads futugw_edge_ws_sockets from an edge's /metrics (-1 if unreadable).
func openSockets(t *testing.T, e *stack.Edge) int {
	t.Helper()
	code, b := stack.Call(t, "GET", e.Base+"/metrics", "", "")
	raw, _ := b["raw"].(string)
	m := regexp.MustCompile(`(?m)^futugw_edge_ws_sockets(?:\{[^}]*\})? (\S+)$`).FindStringSubmatch(raw)
	if code != 200 || m == nil {
		return -1
	}
	f, _ := strconv.ParseFloat(m[1], 64)
	return int(f)
}

// TestTwoEdgesBehindCaddy: two edges behind Caddy (round robin). A browser-like
// socket opened through Caddy lands on one edge; that edge is killed; the browser
// reconnects through Caddy (to the other edge) and receives its session's quotes
// without subscribing again. A key revoked through the admin API then stops working
// on both edges within a second.
func TestTwoEdgesBehindCaddy(t *testing.T) {
	s := stack.Start(t)
	edges := []*stack.Edge{s.StartEdge("", "-trust-proxy"), s.StartEdge("", "-trust-proxy")}
	caddy := stack.StartCaddy(t, edges[0].Addr, edges[1].Addr)
	origin := caddy.Base // the panel is served by the same origin
	key := s.IssueKey("edges-drill", "qot:read")

	if code, b := stack.Call(t, "POST", caddy.Base+"/api/subscribe", key, stack.SubscribeBody); code != 200 {
		t.Fatalf("subscribe through caddy: %d %v", code, b)
	}
	ws := stack.MustDial(t, wsURL(caddy.Base), key, origin)
	if _, ok := ws.WaitFrame(0, 20*time.Second, stack.IsQuote("HK.00700")); !ok {
		t.Fatalf("no quote through caddy; frames %v", ws.Frames())
	}
	a, b := -1, -1
	for i, e := range edges {
		if n := openSockets(t, e); n == 1 {
			a, b = i, 1-i
		}
	}
	if a < 0 {
		t.Fatalf("cannot tell which edge holds the socket: %d and %d sockets", openSockets(t, edges[0]), openSockets(t, edges[1]))
	}
	t.Logf("the socket went to edge %d; killing it", a)
	stack.Kill(t, edges[a].Proc)
	if _, closed := ws.WaitClosed(10 * time.Second); !closed {
		t.Fatal("the socket did not notice its edge died")
	}

	// The browser reconnects with the same key and does not subscribe again.
	ws2, err := stack.Dial(t, wsURL(caddy.Base), key, origin)
	if err != nil {
		t.Fatalf("reconnect through caddy after edge %d died: %v", a, err)
	}
	if _, ok := ws2.WaitFrame(0, 20*time.Second, stack.IsQuote("HK.00700")); !ok {
		t.Fatalf("the reconnected socket got no quotes of its session; frames %v", ws2.Frames())
	}
	if n := openSockets(t, edges[b]); n != 1 {
		t.Errorf("edge %d holds %d sockets, want the reconnected one", b, n)
	}

	// Revocation reaches both edges: start the killed edge again, make both edges
	// cache the key's validation, revoke, and expect 401 on both within 1 s.
	edges[a] = s.StartEdge(edges[a].Addr, "-trust-proxy")
	for _, e := range edges {
		if code, body := stack.Call(t, "GET", e.Base+"/api/auth/whoami", key, ""); code != 200 {
			t.Fatalf("whoami on %s before revocation: %d %v", e.Addr, code, body)
		}
	}
	wsA := stack.MustDial(t, wsURL(edges[a].Base), key, "")
	if code, body := stack.Call(t, "DELETE", caddy.Base+"/api/admin/keys/edges-drill", s.AdminKey, ""); code != 200 {
		t.Fatalf("revoke: %d %v", code, body)
	}
	revokedAt := time.Now()
	for i, e := range edges {
		var (
			code int
			body map[string]any
		)
		if !testkit.Within(time.Until(revokedAt.Add(time.Second)), func() bool {
			code, body = stack.Call(t, "GET", e.Base+"/api/auth/whoami", key, "")
			return code == 401
		}) {
			t.Errorf("edge %d still answers %d %v %v after the revocation", i, code, body, time.Since(revokedAt))
		}
	}
	t.Logf("revocation reached both edges in %v", time.Since(revokedAt).Round(time.Millisecond))
	for name, sock := range map[string]*stack.Socket{"through caddy": ws2, "on the restarted edge": wsA} {
		if code, ok := sock.WaitClosed(2 * time.Second); !ok || code != websocket.StatusCode(4003) {
			t.Errorf("socket %s after revocation: closed=%v status=%v, want 4003", name, ok, code)
		}
	}
}
