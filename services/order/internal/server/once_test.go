package server

import (
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
)

// TestModifyAndCancelRunOncePerKey: with an Idempotency-Key a modify or a cancel
// runs once; a retry answers the first result, the key with another request is a
// conflict, and a refused attempt leaves the key free for a corrected retry.
func TestModifyAndCancelRunOncePerKey(t *testing.T) {
	e := newEnv(t)
	ctx := ctxFor("once", nil)
	placed, err := e.srv.PlaceOrder(ctx, limitOrder())
	if err != nil {
		t.Fatal(err)
	}
	id := placed.GetOrderId()

	// A refused modify (qty not a lot) frees its key: the corrected one runs.
	if _, err := e.srv.ModifyOrder(withIdem(ctx, "m1"), modifyTo(id, 150, 100)); errinfo.Reason(err) != gatewayv1.Reason_REASON_INVALID_ORDER {
		t.Fatalf("modify to an odd lot: %v", err)
	}
	if _, err := e.srv.ModifyOrder(withIdem(ctx, "m1"), modifyTo(id, 150, 100)); errinfo.Reason(err) != gatewayv1.Reason_REASON_INVALID_ORDER {
		t.Fatalf("the refused modify retried: %v", err)
	}
	if _, err := e.srv.ModifyOrder(withIdem(ctx, "m2"), modifyTo(id, 200, 100)); err != nil {
		t.Fatal(err)
	}
	again, err := e.srv.ModifyOrder(withIdem(ctx, "m2"), modifyTo(id, 200, 100))
	if err != nil || again.GetOrderId() != id {
		t.Fatalf("the modify retried: %v, %v", again, err)
	}
	if _, err := e.srv.ModifyOrder(withIdem(ctx, "m2"), modifyTo(id, 300, 100)); errinfo.Reason(err) != gatewayv1.Reason_REASON_IDEMPOTENCY_CONFLICT {
		t.Fatalf("the modify's key with another qty: %v", err)
	}
	if qty, _ := e.simOrder(t, id); qty != 200 {
		t.Fatalf("qty %v, want 200", qty)
	}

	cancel := &gatewayv1.CancelOrderRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE, AccId: 1001,
		TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK, OrderId: id}
	if _, err := e.srv.CancelOrder(withIdem(ctx, "c1"), cancel); err != nil {
		t.Fatal(err)
	}
	if r, err := e.srv.CancelOrder(withIdem(ctx, "c1"), cancel); err != nil || r.GetOrderId() != id {
		t.Fatalf("the cancel retried: %v, %v", r, err)
	}
	// Without a key, a second cancel goes to OpenD, which refuses it.
	if _, err := e.srv.CancelOrder(ctx, cancel); errinfo.Reason(err) != gatewayv1.Reason_REASON_OPEND_REJECTED {
		t.Fatalf("a second cancel without a key: %v", err)
	}
	// A key of a cancel is a conflict for a modify.
	if _, err := e.srv.ModifyOrder(withIdem(ctx, "c1"), modifyTo(id, 200, 100)); errinfo.Reason(err) != gatewayv1.Reason_REASON_IDEMPOTENCY_CONFLICT {
		t.Fatalf("a cancel's key reused for a modify: %v", err)
	}
}
