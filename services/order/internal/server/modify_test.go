package server

import (
	"context"
	"fmt"
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/placer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// modifyTo asks to change order id (account 1001, HK) to qty at price.
func modifyTo(id string, qty, price float64) *gatewayv1.ModifyOrderRequest {
	return &gatewayv1.ModifyOrderRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE, AccId: 1001,
		TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK, OrderId: id, Qty: qty, Price: price}
}

// simOrder is the simulator's qty and price of order id.
func (e *env) simOrder(t *testing.T, id string) (qty, price float64) {
	t.Helper()
	list, err := e.placer.Orders(context.Background(), placer.Header{AccID: 1001, Market: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list {
		if fmt.Sprint(o.GetOrderID()) == id {
			return o.GetQty(), o.GetPrice()
		}
	}
	t.Fatalf("order %s is not in the simulator", id)
	return 0, 0
}

// TestModifyRefusals: a modify passes the checks a new order would, each refusal
// with its own reason, and a refused modify leaves the order and the key's counters
// as they were. The order (100 HK.00700 at 100, worth 10,000) is placed by the same
// key, or by an unrestricted one when the key could not have placed it.
func TestModifyRefusals(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name       string
		limits     *gatewayv1.KeyLimits
		byOther    bool // placed by an unrestricted key
		qty, price float64
		code       codes.Code
		reason     gatewayv1.Reason
	}{
		{"order value", &gatewayv1.KeyLimits{MaxOrderValue: f64(15000)}, false, 200, 100, codes.ResourceExhausted, gatewayv1.Reason_REASON_MAX_ORDER_VALUE},
		{"daily value", &gatewayv1.KeyLimits{MaxDailyValue: f64(15000)}, false, 200, 100, codes.ResourceExhausted, gatewayv1.Reason_REASON_MAX_DAILY_VALUE},
		{"lot", nil, false, 150, 100, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"tick", nil, false, 100, 100.03, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"qty zero", nil, false, 0, 100, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"symbol", &gatewayv1.KeyLimits{AllowedSymbols: []string{"HK.09988"}}, true, 100, 101, codes.PermissionDenied, gatewayv1.Reason_REASON_SYMBOL_NOT_ALLOWED},
		{"side", &gatewayv1.KeyLimits{AllowedTrdSides: []string{"SELL"}}, true, 100, 101, codes.PermissionDenied, gatewayv1.Reason_REASON_SIDE_NOT_ALLOWED},
		{"hours", &gatewayv1.KeyLimits{HoursWindow: proto.String("11:00-12:00")}, true, 100, 101, codes.PermissionDenied, gatewayv1.Reason_REASON_OUTSIDE_HOURS_WINDOW},
		{"market", &gatewayv1.KeyLimits{AllowedMarkets: []string{"US"}}, true, 100, 101, codes.PermissionDenied, gatewayv1.Reason_REASON_MARKET_NOT_ALLOWED},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprint("modify-", i)
			ctx := ctxFor(key, tt.limits)
			placeCtx := ctx
			if tt.byOther {
				placeCtx = ctxFor(key+"-other", nil)
			}
			placed, err := e.srv.PlaceOrder(placeCtx, limitOrder())
			if err != nil {
				t.Fatal(err)
			}
			_, usedBefore, _ := e.counter.Usage(context.Background(), key, *e.now.Load())
			_, err = e.srv.ModifyOrder(ctx, modifyTo(placed.GetOrderId(), tt.qty, tt.price))
			if status.Code(err) != tt.code || errinfo.Reason(err) != tt.reason {
				t.Fatalf("err = %v (reason %q), want %v %s", err, errinfo.Reason(err), tt.code, tt.reason)
			}
			if q, p := e.simOrder(t, placed.GetOrderId()); q != 100 || p != 100 {
				t.Fatalf("the refused modify changed the order to %v at %v", q, p)
			}
			if _, used, _ := e.counter.Usage(context.Background(), key, *e.now.Load()); used != usedBefore {
				t.Fatalf("the day's value went from %v to %v", usedBefore, used)
			}
		})
	}

	_, err := e.srv.ModifyOrder(ctxFor("modify-missing", nil), modifyTo("987654321", 100, 100))
	if status.Code(err) != codes.NotFound || errinfo.Reason(err) != gatewayv1.Reason_REASON_NOT_FOUND {
		t.Fatalf("an unknown order: %v", err)
	}
}

// TestModifyBooksAddedValue: raising an order's value books the difference against
// max_daily_value (lowering it gives nothing back), and a modify OpenD refuses gives
// its booking back.
func TestModifyBooksAddedValue(t *testing.T) {
	e := newEnv(t)
	lim := &gatewayv1.KeyLimits{MaxDailyValue: f64(15000)}
	ctx := ctxFor("modify-books", lim)
	placed, err := e.srv.PlaceOrder(ctx, limitOrder()) // 10,000
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.ModifyOrder(ctx, modifyTo(placed.GetOrderId(), 100, 140)); err != nil { // +4,000
		t.Fatal(err)
	}
	if q, p := e.simOrder(t, placed.GetOrderId()); q != 100 || p != 140 {
		t.Fatalf("modified order: %v at %v", q, p)
	}
	if _, used, _ := e.counter.Usage(context.Background(), "modify-books", *e.now.Load()); used != 14000 {
		t.Fatalf("day's value %v after the modify, want 14000", used)
	}
	if _, err := e.srv.ModifyOrder(ctx, modifyTo(placed.GetOrderId(), 100, 100)); err != nil { // back to 10,000
		t.Fatal(err)
	}
	if _, used, _ := e.counter.Usage(context.Background(), "modify-books", *e.now.Load()); used != 14000 {
		t.Fatalf("day's value %v after lowering the order, want 14000 still", used)
	}

	// OpenD refuses to modify a cancelled order: its booking is given back.
	ctx2 := ctxFor("modify-refused", lim)
	placed, err = e.srv.PlaceOrder(ctx2, limitOrder())
	if err != nil {
		t.Fatal(err)
	}
	cancelReq := &gatewayv1.CancelOrderRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE, AccId: 1001,
		TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK, OrderId: placed.GetOrderId()}
	if _, err := e.srv.CancelOrder(ctx2, cancelReq); err != nil {
		t.Fatal(err)
	}
	_, err = e.srv.ModifyOrder(ctx2, modifyTo(placed.GetOrderId(), 100, 140))
	if errinfo.Reason(err) != gatewayv1.Reason_REASON_OPEND_REJECTED {
		t.Fatalf("modifying a cancelled order: %v", err)
	}
	if _, used, _ := e.counter.Usage(context.Background(), "modify-refused", *e.now.Load()); used != 10000 {
		t.Fatalf("day's value %v after OpenD refused the modify, want 10000", used)
	}
}

// TestModifyTrailingOrder: a waiting trailing stop's trail and qty can be changed
// (OpenD lists its moving stop as aux_price, which is not sent back), and a qty-only
// modify keeps its trail.
func TestModifyTrailingOrder(t *testing.T) {
	e := newEnv(t)
	ctx := ctxFor("modify-trail", nil)
	trail := limitOrder()
	trail.OrderType, trail.Price = gatewayv1.OrderType_ORDER_TYPE_TRAILING_STOP, 0
	trail.TrailType, trail.TrailValue = gatewayv1.TrailType_TRAIL_TYPE_RATIO, 5
	placed, err := e.srv.PlaceOrder(ctx, trail)
	if err != nil {
		t.Fatal(err)
	}
	id := placed.GetOrderId()
	listed := func() *gatewayv1.Order {
		t.Helper()
		list, err := e.srv.ListOrders(ctx, &gatewayv1.ListOrdersRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE,
			AccId: 1001, TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range list.GetOrders() {
			if o.GetOrderId() == id {
				return o
			}
		}
		t.Fatalf("order %s not listed", id)
		return nil
	}
	if o := listed(); !(o.GetAuxPrice() > 0) {
		t.Fatalf("the simulator lists no stop for the trailing order: %v", o)
	}
	req := &gatewayv1.ModifyOrderRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE, AccId: 1001,
		TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK, OrderId: id, Qty: 200,
		TrailType: gatewayv1.TrailType_TRAIL_TYPE_AMOUNT, TrailValue: 6}
	if _, err := e.srv.ModifyOrder(ctx, req); err != nil {
		t.Fatalf("modify the trail: %v", err)
	}
	if o := listed(); o.GetQty() != 200 || o.GetTrailType() != gatewayv1.TrailType_TRAIL_TYPE_AMOUNT || o.GetTrailValue() != 6 {
		t.Fatalf("after the trail modify: %v", o)
	}
	qtyOnly := &gatewayv1.ModifyOrderRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE, AccId: 1001,
		TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK, OrderId: id, Qty: 100}
	if _, err := e.srv.ModifyOrder(ctx, qtyOnly); err != nil {
		t.Fatalf("modify the qty alone: %v", err)
	}
	if o := listed(); o.GetQty() != 100 || o.GetTrailType() != gatewayv1.TrailType_TRAIL_TYPE_AMOUNT || o.GetTrailValue() != 6 {
		t.Fatalf("after the qty modify: %v", o)
	}
	// A trigger is still not a trailing order's term to set.
	bad := &gatewayv1.ModifyOrderRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE, AccId: 1001,
		TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK, OrderId: id, Qty: 100, AuxPrice: 500}
	if _, err := e.srv.ModifyOrder(ctx, bad); errinfo.Reason(err) != gatewayv1.Reason_REASON_INVALID_ORDER {
		t.Fatalf("aux_price on a trailing order: %v", err)
	}
}
