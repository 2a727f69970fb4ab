package ws

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit"
)

// Trade frames reach acc:read sockets allowed to see the account, and no others.
func TestTradeFramesFollowScopeAndAccounts(t *testing.T) {
	h := start(t, nil)
	reader := h.dial(t, h.key(t, "reader", keypolicy.ScopeQotRead, keypolicy.ScopeAccRead), dialOpts{})
	quotesOnly := h.dial(t, h.key(t, "quotes", keypolicy.ScopeQotRead), dialOpts{})
	k := newKey(t)
	h.val.add(k, authn.Principal{KeyID: "limited", Scopes: []string{keypolicy.ScopeQotRead, keypolicy.ScopeAccRead},
		Limits: &gatewayv1.KeyLimits{AllowedAccIds: []string{"1002"}}})
	limited := h.dial(t, k, dialOpts{})
	h.quote.waitHosted(t, hosts("reader", "quotes", "limited"))
	select {
	case <-h.order.streams:
	case <-t.Context().Done():
	}

	h.order.push(t, &gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrder, AccId: 1001, TrdEnv: gatewayv1.TrdEnv(0), Body: []byte{8, 0}})
	h.order.push(t, &gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrderFill, AccId: 1002, Body: []byte{8, 1}})
	// Once the three trade frames are written, a notification to everyone marks the
	// end: a socket that was to get a trade has it before the notification.
	testkit.Eventually(t, waitLong, "trade frames written", func() bool { return testutil.ToFloat64(h.hub.m.sent[kindTrade]) == 3 })
	h.quote.push(t, &gatewayv1.QuotePush{Notify: &gatewayv1.Notification{Event: "opend_disconnected", Message: "m"}})

	if f := read(t, reader); f.Type != "trade" || f.ProtoID != protoid.TrdUpdateOrder || f.AccID != "1001" || f.BodyB64 != "CAA=" {
		t.Fatalf("reader got %s", f.raw)
	}
	if f := read(t, reader); f.Type != "trade" || f.ProtoID != protoid.TrdUpdateOrderFill || f.AccID != "1002" {
		t.Fatalf("reader got %s", f.raw)
	}
	if f := read(t, limited); f.Type != "trade" || f.AccID != "1002" {
		t.Fatalf("limited got %s", f.raw)
	}
	for _, c := range []struct {
		name string
		f    wireFrame
	}{{"reader", read(t, reader)}, {"limited", read(t, limited)}, {"quotes", read(t, quotesOnly)}} {
		if c.f.Type != "notify" || c.f.Event != "opend_disconnected" {
			t.Fatalf("%s got %s, want the notification", c.name, c.f.raw)
		}
	}
}

// A socket that does not read while trade frames pile up is closed, never left to
// drop them.
func TestTradeBacklogClosesStuckSocket(t *testing.T) {
	h := start(t, func(o *Options) { o.QueueSize = 4 })
	_ = h.dial(t, h.key(t, "stuck", keypolicy.ScopeAccRead, keypolicy.ScopeQotRead), dialOpts{})
	testkit.Eventually(t, waitLong, "the socket", func() bool { return h.hub.Sockets() == 1 })
	select {
	case <-h.order.streams:
	case <-t.Context().Done():
	}
	big := make([]byte, 256<<10)
	for h.hub.Sockets() == 1 {
		select {
		case h.order.out <- &gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrder, AccId: 1001, Body: big}:
		case <-t.Context().Done():
			t.Fatal("cancelled")
		default:
			testkit.Eventually(t, waitLong, "room for pushes", func() bool { return len(h.order.out) < cap(h.order.out) || h.hub.Sockets() == 0 })
		}
	}
	if got := testutil.ToFloat64(h.hub.m.closed.WithLabelValues(reasonTooSlow)); got != 1 {
		t.Fatalf("closed{too_slow} = %v", got)
	}
}

// A notification about one session (a quota refusal) reaches that session's sockets
// only; a notification without a session reaches everyone.
func TestSessionNotifyReachesOnlyThatSession(t *testing.T) {
	h := start(t, nil)
	alice := h.dial(t, h.key(t, "alice", keypolicy.ScopeQotRead), dialOpts{})
	bob := h.dial(t, h.key(t, "bob", keypolicy.ScopeQotRead), dialOpts{})
	h.quote.waitHosted(t, hosts("alice", "bob"))

	h.quote.push(t, &gatewayv1.QuotePush{Notify: &gatewayv1.Notification{Event: "quota_exceeded", Message: "full", SessionId: "alice"}})
	h.quote.push(t, &gatewayv1.QuotePush{Notify: &gatewayv1.Notification{Event: "opend_disconnected", Message: "m"}})

	if f := read(t, alice); f.Type != "notify" || f.Event != "quota_exceeded" {
		t.Fatalf("alice got %s, want quota_exceeded", f.raw)
	}
	if f := read(t, alice); f.Event != "opend_disconnected" {
		t.Fatalf("alice got %s", f.raw)
	}
	if f := read(t, bob); f.Event != "opend_disconnected" {
		t.Fatalf("bob got %s, want only the broadcast", f.raw)
	}
}
