package ws

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/services/edge/internal/sdk/frame"
)

// attachPeer serves one SDK-style socket through Hub.Attach (as package sdk does)
// and returns the client side and the peer.
func attachPeer(t *testing.T, h *harness, p authn.Principal, token string) (*websocket.Conn, *Peer) {
	t.Helper()
	peers := make(chan *Peer, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		peer, err := h.hub.Attach(conn, &p, token, func(peer *Peer) {
			peer.Send(frame.Response{Cmd: frame.CmdInit, Section: 2, Body: []byte{8, 0}}.Encode())
			for {
				if _, _, err := conn.Read(context.Background()); err != nil {
					return
				}
			}
		}, nil)
		if err != nil {
			_ = conn.CloseNow()
		}
		peers <- peer
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	if hello := readSDK(t, c); hello.Cmd != frame.CmdInit || hello.Section != 2 {
		t.Fatalf("first frame %+v", hello)
	}
	return c, <-peers
}

func readSDK(t *testing.T, c *websocket.Conn) frame.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	typ, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.MessageBinary {
		t.Fatalf("an SDK socket got a %v message: %s", typ, b)
	}
	r, err := frame.DecodeResponse(b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSDKPeer: an attached SDK socket gets its session's quote pushes and the trade
// pushes of the accounts it subscribed (Trd_SubAccPush; none before) as SDK frames
// (section 0, the OpenD body as received) beside a /ws socket's JSON frames, never
// the JSON notices; it closes on its key's revocation, following the key Rekey gave
// it.
func TestSDKPeer(t *testing.T) {
	h := start(t, nil)
	h.quote.setSubs("web", "HK.00700")
	h.quote.setSubs("sdk", "HK.00700")
	web := h.dial(t, h.key(t, "web", keypolicy.ScopeQotRead), dialOpts{})
	trader := h.dial(t, h.key(t, "trader", keypolicy.ScopeQotRead, keypolicy.ScopeAccRead), dialOpts{})
	token := newKey(t)
	p := authn.Principal{KeyID: "sdk-key", SessionID: "sdk", Scopes: []string{keypolicy.ScopeQotRead, keypolicy.ScopeAccRead},
		Limits: &gatewayv1.KeyLimits{AllowedAccIds: []string{"1001"}}}
	sdkConn, peer := attachPeer(t, h, p, token)
	h.quote.waitHosted(t, hosts("web", "sdk"))
	select {
	case <-h.order.streams:
	case <-t.Context().Done():
	}

	qp := quotePush(t, "HK.00700", 123.4)
	h.quote.push(t, qp)
	if f := read(t, web); f.Type != "quote" || f.SecKey != "HK.00700" {
		t.Fatalf("web got %s", f.raw)
	}
	if f := readSDK(t, sdkConn); f.Cmd != protoid.QotUpdateBasicQot || f.Section != 0 || string(f.Body) != string(qp.GetBody()) {
		t.Fatalf("sdk got %+v", f)
	}

	h.quote.push(t, &gatewayv1.QuotePush{Notify: &gatewayv1.Notification{Event: "opend_disconnected", Message: "m"}})
	h.order.push(t, &gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrder, AccId: 1001, Body: []byte{8, 3}}) // not subscribed yet
	// The hub fans a push out to every socket at once: once a /ws trader has it, the
	// SDK socket has been passed over.
	for f := read(t, trader); f.Type != "trade"; f = read(t, trader) {
	}
	if err := peer.SubscribeAccounts([]uint64{1002}); errinfo.Reason(err) != gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED {
		t.Fatalf("subscribing an account the key may not see: %v", err)
	}
	if err := peer.SubscribeAccounts([]uint64{1001, 1001}); err != nil {
		t.Fatal(err)
	}
	h.order.push(t, &gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrder, AccId: 1002, Body: []byte{8, 2}}) // not its account
	h.order.push(t, &gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrder, AccId: 1001, Body: []byte{8, 1}})
	if f := readSDK(t, sdkConn); f.Cmd != protoid.TrdUpdateOrder || f.Section != 0 || string(f.Body) != "\x08\x01" {
		t.Fatalf("sdk got %+v, want its subscribed account's trade push (and no notice, nothing from before)", f)
	}
	// The list replaces the last one: an empty list stops the pushes.
	if err := peer.SubscribeAccounts(nil); err != nil {
		t.Fatal(err)
	}
	h.order.push(t, &gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrder, AccId: 1001, Body: []byte{8, 4}})
	h.quote.push(t, quotePush(t, "HK.00700", 123.5))
	if f := readSDK(t, sdkConn); f.Cmd != protoid.QotUpdateBasicQot {
		t.Fatalf("after unsubscribing every account: %+v, want the next quote", f)
	}

	next := newKey(t)
	peer.Rekey(next, &authn.Principal{KeyID: "sdk-key-2", SessionID: "sdk", ExpiresAt: time.Now().Add(time.Hour)})
	if !peer.Expires().After(time.Now()) {
		t.Errorf("Rekey did not move the expiry")
	}
	h.hub.Revoke(authn.HashToken(token)) // the old key no longer holds the socket
	h.quote.push(t, quotePush(t, "HK.00700", 124))
	if f := readSDK(t, sdkConn); f.Cmd != protoid.QotUpdateBasicQot {
		t.Fatalf("after revoking the old key: %+v", f)
	}
	h.hub.Revoke(authn.HashToken(next))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for {
		_, _, err := sdkConn.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != StatusKeyRevoked {
			t.Fatalf("closed with %v, want 4003 within a second", err)
		}
		break
	}
}

// TestSDKPeerClose: Peer.Close closes with the given code and reason.
func TestSDKPeerClose(t *testing.T) {
	h := start(t, nil)
	c, peer := attachPeer(t, h, authn.Principal{KeyID: "k", SessionID: "s"}, newKey(t))
	peer.Close(websocket.StatusPolicyViolation, "bad frame")
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	_, _, err := c.Read(ctx)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusPolicyViolation || ce.Reason != "bad frame" {
		t.Fatalf("closed with %v", err)
	}
}

// TestSDKPeerSubscribeNeedsAccRead: a key without acc:read gets no trade pushes, so
// Trd_SubAccPush is refused rather than answered with a subscription that never
// delivers.
func TestSDKPeerSubscribeNeedsAccRead(t *testing.T) {
	h := start(t, nil)
	_, peer := attachPeer(t, h, authn.Principal{KeyID: "k", SessionID: "s", Scopes: []string{keypolicy.ScopeQotRead}}, newKey(t))
	h.quote.waitHosted(t, hosts("s")) // the harness's streams are up before it is torn down
	if err := peer.SubscribeAccounts([]uint64{1001}); errinfo.Reason(err) != gatewayv1.Reason_REASON_SCOPE_DENIED {
		t.Fatalf("subscribing without acc:read: %v", err)
	}
}
