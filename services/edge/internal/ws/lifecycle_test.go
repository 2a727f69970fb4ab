package ws

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// A revoked key's sockets close with 4003 as soon as the revocation is published
// on a real Redis; the same session's other keys keep theirs.
func TestRevocationCloses4003(t *testing.T) {
	addr := redistest.Start(t)
	h := start(t, func(o *Options) { o.Redis = redistest.Client(t, addr) })
	h.logs.waitFor(t, "revocations subscribed")
	revoked := h.key(t, "sess", keypolicy.ScopeQotRead)
	kept := h.key(t, "sess", keypolicy.ScopeQotRead)
	c1 := h.dial(t, revoked, dialOpts{})
	c2 := h.dial(t, revoked, dialOpts{protocol: true})
	other := h.dial(t, kept, dialOpts{})
	testkit.Eventually(t, waitLong, "three sockets", func() bool { return h.hub.Sockets() == 3 })

	start := time.Now()
	if err := authn.PublishRevocation(t.Context(), redistest.Client(t, addr), authn.HashToken(revoked)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*websocket.Conn{c1, c2} {
		if code := readClose(t, c); code != StatusKeyRevoked {
			t.Fatalf("close code %d, want 4003", code)
		}
	}
	t.Logf("revocation closed both sockets after %v", time.Since(start))
	testkit.Eventually(t, waitLong, "one socket left", func() bool { return h.hub.Sockets() == 1 })
	ctx := other.CloseRead(t.Context())
	if ctx.Err() != nil {
		t.Fatal("the other key's socket closed")
	}
	if got := testutil.ToFloat64(h.hub.m.closed.WithLabelValues(reasonRevoked)); got != 2 {
		t.Fatalf("closed{key_revoked} = %v", got)
	}
}

// A revocation announced while the edge's subscription was down is missed; once the
// subscription is back, every open socket's key is checked again and the revoked
// key's socket closes with 4003. A valid key's socket stays, and so does that of a key
// auth no longer finds (a key store back before its data): only a revocation closes.
func TestMissedRevocationClosesAfterResubscribe(t *testing.T) {
	addr := redistest.Start(t)
	h := start(t, func(o *Options) { o.Redis = redistest.Client(t, addr) })
	h.logs.waitFor(t, "revocations subscribed")
	revoked := h.key(t, "sess-r", keypolicy.ScopeQotRead)
	unknown := h.key(t, "sess-u", keypolicy.ScopeQotRead)
	kept := h.key(t, "sess-k", keypolicy.ScopeQotRead)
	c := h.dial(t, revoked, dialOpts{})
	others := []*websocket.Conn{h.dial(t, unknown, dialOpts{}), h.dial(t, kept, dialOpts{})}
	testkit.Eventually(t, waitLong, "three sockets", func() bool { return h.hub.Sockets() == 3 })

	h.val.revoke(revoked) // revoked, and nobody heard
	h.val.remove(unknown)
	if err := redistest.Client(t, addr).Do(t.Context(), "CLIENT", "KILL", "TYPE", "pubsub").Err(); err != nil {
		t.Fatal(err)
	}
	if code := readClose(t, c); code != StatusKeyRevoked {
		t.Fatalf("close code %d, want 4003", code)
	}
	h.logs.waitFor(t, `"revoked":1`)
	testkit.Eventually(t, waitLong, "two sockets left", func() bool { return h.hub.Sockets() == 2 })
	for _, o := range others {
		if ctx := o.CloseRead(t.Context()); ctx.Err() != nil {
			t.Fatal("a socket of a key that was not revoked closed")
		}
	}
	for _, k := range []string{revoked, unknown, kept} {
		if strings.Contains(h.logs.String(), k) {
			t.Fatal("a key reached the logs")
		}
	}
}

// A key close to expiry gets key_expiring, then a 4001 close when it expires.
func TestExpiryWarnsThenCloses4001(t *testing.T) {
	h := start(t, nil)
	k := newKey(t)
	h.val.add(k, authn.Principal{KeyID: "short", Scopes: []string{keypolicy.ScopeQotRead},
		ExpiresAt: time.Now().Add(1500 * time.Millisecond)})
	c := h.dial(t, k, dialOpts{})
	if f := read(t, c); f.Type != "notify" || f.Event != "key_expiring" {
		t.Fatalf("got %s, want key_expiring", f.raw)
	}
	if code := readClose(t, c); code != StatusKeyExpired {
		t.Fatalf("close code %d, want 4001", code)
	}
}

// Shutdown flushes what is queued, then closes with 1001.
func TestShutdownDrainsThenGoingAway(t *testing.T) {
	h := start(t, nil)
	c := h.dial(t, h.key(t, "s", keypolicy.ScopeQotRead, keypolicy.ScopeAccRead), dialOpts{})
	testkit.Eventually(t, waitLong, "the socket", func() bool { return h.hub.Sockets() == 1 })
	h.hub.onTrade(&gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrder, AccId: 7, Body: []byte{1}})
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	closed := make(chan error, 1)
	go func() { closed <- h.hub.Close(ctx) }()
	if f := read(t, c); f.Type != "trade" || f.AccID != "7" {
		t.Fatalf("got %s", f.raw)
	}
	if code := readClose(t, c); code != websocket.StatusGoingAway {
		t.Fatalf("close code %d, want 1001", code)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	// A closing hub refuses new sockets before the upgrade.
	if _, resp, err := h.tryDial(h.key(t, "late", keypolicy.ScopeQotRead), dialOpts{}); err == nil || resp == nil || resp.StatusCode != 503 {
		t.Fatalf("dial after close: %v %v", err, resp)
	}
}

// When the quote stream breaks, sockets hear upstream_disconnected; the edge
// reconnects, sends its sessions again, and says upstream_reconnected.
func TestQuoteStreamReconnects(t *testing.T) {
	h := start(t, nil)
	h.quote.setSubs("s", "HK.00700")
	c := h.dial(t, h.key(t, "s", keypolicy.ScopeQotRead), dialOpts{})
	h.quote.waitHosted(t, hosts("s"))
	h.quote.push(t, quotePush(t, "HK.00700", 1))
	if f := read(t, c); f.SecKey != "HK.00700" {
		t.Fatalf("got %s", f.raw)
	}

	h.quote.mu.Lock()
	h.quote.stopCur()
	h.quote.mu.Unlock()
	if f, err := tryRead(c); err != nil || f.Type != "notify" || f.Event != "upstream_disconnected" {
		t.Fatalf("got %s %v\n%s", f.raw, err, h.logs.String())
	}
	h.quote.waitHosted(t, hosts("s")) // the new stream got the session set
	if f := read(t, c); f.Type != "notify" || f.Event != "upstream_reconnected" {
		t.Fatalf("got %s", f.raw)
	}
	h.quote.push(t, quotePush(t, "HK.00700", 2))
	if f, err := tryRead(c); err != nil || f.SecKey != "HK.00700" {
		t.Log(h.logs.String())
		t.Fatalf("got %s after reconnect", f.raw)
	}
}

// The push streams read the service key file at every (re)connect: a key renewed by
// auth (the file rewritten) is used without restarting the edge.
func TestServiceKeyFileReadAtEachStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "service.key")
	if err := os.WriteFile(path, []byte(newKey(t)+"\n"), 0o600); err != nil { // not the one quote accepts
		t.Fatal(err)
	}
	h := start(t, func(o *Options) { o.ServiceKey = newKey(t); o.ServiceKeyFile = path })
	connected := func() bool {
		h.quote.mu.Lock()
		defer h.quote.mu.Unlock()
		return h.quote.stopCur != nil
	}
	testkit.Eventually(t, waitLong, "several refused attempts", func() bool { return h.quote.refused.Load() >= 3 })
	if connected() {
		t.Fatal("the quote stream opened with a key quote does not accept")
	}
	if err := os.WriteFile(path, []byte(h.quote.serviceKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, waitLong, "the quote stream with the renewed key", connected)
}
