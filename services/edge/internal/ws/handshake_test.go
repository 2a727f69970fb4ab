package ws

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit"
)

func TestHandshakeRefusals(t *testing.T) {
	h := start(t, nil)
	reader := h.key(t, "s-reader", keypolicy.ScopeQotRead)
	accOnly := h.key(t, "s-acc", keypolicy.ScopeAccRead)

	tests := []struct {
		name       string
		key        string
		o          dialOpts
		wantStatus int
		wantReason string
	}{
		{"foreign origin", reader, dialOpts{origin: "https://evil.example.com"}, 403, "origin_not_allowed"},
		{"missing scope", accOnly, dialOpts{}, 403, "scope_denied"},
		{"unknown key", newKey(t), dialOpts{}, 401, "invalid_key"},
		{"malformed key", "fk_short", dialOpts{}, 401, "malformed_key"},
		{"no key", "", dialOpts{}, 401, "missing_key"},
		{"unknown key as subprotocol", newKey(t), dialOpts{protocol: true}, 401, "invalid_key"},
		{"two different keys", reader, dialOpts{protocol: true, query: "token=" + newKey(t)}, 401, "malformed_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, resp, err := h.tryDial(tt.key, tt.o)
			if err == nil {
				_ = c.CloseNow()
				t.Fatal("handshake accepted")
			}
			if resp == nil || resp.StatusCode != tt.wantStatus {
				t.Fatalf("err %v, resp %v", err, resp)
			}
			body, _ := io.ReadAll(resp.Body)
			var b struct{ Reason string }
			if json.Unmarshal(body, &b) != nil || b.Reason != tt.wantReason {
				t.Fatalf("body %s, want reason %s", body, tt.wantReason)
			}
		})
	}
	if h.hub.Sockets() != 0 {
		t.Fatalf("%d sockets after refusals", h.hub.Sockets())
	}
}

func TestHandshakeAccepts(t *testing.T) {
	h := start(t, nil)
	key := h.key(t, "s1", keypolicy.ScopeQotRead)

	// Subprotocol auth: the edge echoes "bearer", never the key.
	c := h.dial(t, key, dialOpts{protocol: true, origin: allowedOrigin})
	if c.Subprotocol() != Subprotocol {
		t.Fatalf("subprotocol %q", c.Subprotocol())
	}
	// ?token= from the edge's own origin.
	c2 := h.dial(t, key, dialOpts{origin: strings.Replace(h.url[:strings.LastIndex(h.url, "/")], "ws://", "http://", 1)})
	if c2.Subprotocol() != "" {
		t.Fatalf("subprotocol %q without one offered", c2.Subprotocol())
	}
	// The same key in both places: the offered subprotocol is still selected, or the
	// browser would fail the handshake.
	c3 := h.dial(t, key, dialOpts{protocol: true, query: "token=" + key, origin: allowedOrigin})
	if c3.Subprotocol() != Subprotocol {
		t.Fatalf("subprotocol %q with the key also in ?token=", c3.Subprotocol())
	}
	testkit.Eventually(t, waitLong, "three sockets", func() bool { return h.hub.Sockets() == 3 })
	_ = c.Close(websocket.StatusNormalClosure, "")
	_ = c2.Close(websocket.StatusNormalClosure, "")
	_ = c3.Close(websocket.StatusNormalClosure, "")
	testkit.Eventually(t, waitLong, "sockets gone", func() bool { return h.hub.Sockets() == 0 })

	// The key never reaches the logs (access log lines are written at close).
	h.logs.waitFor(t, `"route":"/ws"`)
	testkit.Eventually(t, waitLong, "the access log lines", func() bool { return strings.Count(h.logs.String(), `"route":"/ws"`) >= 3 })
	if logs := h.logs.String(); strings.Contains(logs, key) || strings.Contains(logs, key[3:]) {
		t.Fatalf("the key appears in the logs:\n%s", logs)
	}
}

func TestProtocolToken(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"bearer, fk_x"}, "fk_x"},
		{[]string{"bearer", "fk_x"}, "fk_x"},
		{[]string{"chat, Bearer,fk_y"}, "fk_y"},
		{[]string{"bearer"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := protocolToken(tt.in); got != tt.want {
			t.Errorf("protocolToken(%q) = %q", tt.in, got)
		}
	}
}

// TestSocketsPerKeyCap: one key and its session keys together hold at most
// MaxSocketsPerKey sockets; one more is refused before the upgrade (429
// too_many_sockets), a closed socket frees its slot, and other keys are not affected.
func TestSocketsPerKeyCap(t *testing.T) {
	h := start(t, func(o *Options) { o.MaxSocketsPerKey = 2 })
	parent, session, other := newKey(t), newKey(t), newKey(t)
	h.val.add(parent, authn.Principal{KeyID: "parent", Scopes: []string{keypolicy.ScopeQotRead}})
	h.val.add(session, authn.Principal{KeyID: "sess-1", ParentID: "parent", SessionID: "sess-1", Scopes: []string{keypolicy.ScopeQotRead}})
	h.val.add(other, authn.Principal{KeyID: "other", Scopes: []string{keypolicy.ScopeQotRead}})

	first := h.dial(t, parent, dialOpts{})
	h.dial(t, session, dialOpts{})
	for _, k := range []string{parent, session} {
		c, resp, err := h.tryDial(k, dialOpts{})
		if err == nil {
			_ = c.CloseNow()
			t.Fatal("a third socket of one key was accepted")
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 429 || !strings.Contains(string(body), `"reason":"too_many_sockets"`) {
			t.Fatalf("third socket: %d %s", resp.StatusCode, body)
		}
	}
	h.dial(t, other, dialOpts{})

	_ = first.Close(websocket.StatusNormalClosure, "")
	testkit.Eventually(t, waitLong, "the slot freed", func() bool { return h.hub.Sockets() == 2 })
	h.dial(t, session, dialOpts{})
	testkit.Eventually(t, waitLong, "three sockets", func() bool { return h.hub.Sockets() == 3 })
}
