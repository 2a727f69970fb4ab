package server

import (
	"context"
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/keypolicy"
	"google.golang.org/grpc/metadata"
)

// sessionCtx is a call context of a session key: keyID is the (rotating) key id,
// sessionID the id shared across refreshes, parentID the long-lived parent key.
func sessionCtx(keyID, sessionID, parentID string, l *gatewayv1.KeyLimits, idemKey string) context.Context {
	ctx := authn.NewContext(context.Background(), &authn.Principal{KeyID: keyID, ParentID: parentID, SessionID: sessionID,
		Scopes: []string{keypolicy.ScopeTradeSimulate}, Limits: l})
	if idemKey != "" {
		ctx = metadata.NewIncomingContext(ctx, metadata.Pairs(IdempotencyHeader, idemKey))
	}
	return ctx
}

// TestSessionRefreshSharesCountedLimits: a refreshed session key (a new key id, the
// same session and parent) books on its parent's window and day, and so does another
// session of the same parent: neither starts a fresh budget.
func TestSessionRefreshSharesCountedLimits(t *testing.T) {
	e := newEnv(t)
	lim := &gatewayv1.KeyLimits{MaxDailyValue: f64(10000), MaxOrdersPerMinute: i32(1)}
	if _, err := e.srv.PlaceOrder(sessionCtx("sess-1", "sess-1", "parent", lim, ""), limitOrder()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.PlaceOrder(sessionCtx("sess-1", "sess-1", "parent", lim, ""), limitOrder()); err == nil {
		t.Fatal("second order on the same session key was not refused")
	}
	// The same session after a refresh (new key id, same session and parent).
	_, err := e.srv.PlaceOrder(sessionCtx("sess-2", "sess-1", "parent", lim, ""), limitOrder())
	if n := e.orderCount(t, 1001, 1); n != 1 || err == nil {
		t.Fatalf("after a refresh: err %v, %d orders placed worth %d; max_daily_value is 10000", err, n, n*10000)
	}
	// Another session of the same parent.
	_, err = e.srv.PlaceOrder(sessionCtx("sess-x", "sess-x", "parent", lim, ""), limitOrder())
	if n := e.orderCount(t, 1001, 1); n != 1 || err == nil {
		t.Fatalf("another session: err %v, %d orders placed", err, n)
	}
	// A key of its own (no parent) has its own budget.
	if _, err := e.srv.PlaceOrder(sessionCtx("other", "", "", lim, ""), limitOrder()); err != nil {
		t.Fatalf("an unrelated key: %v", err)
	}
}

// TestSessionRefreshKeepsIdempotency: a retry with the same Idempotency-Key sent with
// the refreshed session key gets the first order instead of placing a second one.
func TestSessionRefreshKeepsIdempotency(t *testing.T) {
	e := newEnv(t)
	a, err := e.srv.PlaceOrder(sessionCtx("sess-a", "sess-a", "parent", nil, "retry-over-refresh"), limitOrder())
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.srv.PlaceOrder(sessionCtx("sess-b", "sess-a", "parent", nil, "retry-over-refresh"), limitOrder())
	if err != nil {
		t.Fatal(err)
	}
	if n := e.orderCount(t, 1001, 1); n != 1 || a.GetOrderId() != b.GetOrderId() {
		t.Fatalf("retry over a refresh: orders %s and %s, %d in the simulator, want 1", a.GetOrderId(), b.GetOrderId(), n)
	}
}
