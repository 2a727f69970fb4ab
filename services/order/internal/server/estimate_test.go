package server

import (
	"context"
	"fmt"
	"slices"
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/getdelaystatistics"
	"github.com/futugw/gateway/opend/fees"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// realOrder is limitOrder on real HK account 2001.
func realOrder() *gatewayv1.PlaceOrderRequest {
	r := limitOrder()
	r.TrdEnv, r.AccId = gatewayv1.TrdEnv_TRD_ENV_REAL, 2001
	return r
}

// wantItems is the schedule's answer for x, as the response carries it.
func wantItems(t *testing.T, x fees.Execution) ([]*gatewayv1.FeeEstimateItem, float64, string) {
	t.Helper()
	items, cur, ok := fees.For(x)
	if !ok || len(items) == 0 {
		t.Fatalf("no schedule for %+v", x)
	}
	out := []*gatewayv1.FeeEstimateItem{}
	for _, it := range items {
		out = append(out, &gatewayv1.FeeEstimateItem{Title: it.Title, Value: it.Value})
	}
	return out, fees.Total(items), cur
}

func sameItems(a, b []*gatewayv1.FeeEstimateItem) bool {
	return slices.EqualFunc(a, b, func(x, y *gatewayv1.FeeEstimateItem) bool { return proto.Equal(x, y) })
}

func TestEstimateOrderFeeSchedules(t *testing.T) {
	e := newEnv(t)
	ctx := ctxFor("k-est", nil)

	t.Run("real HK buy", func(t *testing.T) {
		resp, err := e.srv.EstimateOrderFee(ctx, realOrder())
		if err != nil {
			t.Fatal(err)
		}
		items, total, cur := wantItems(t, fees.Execution{Market: fees.MarketHK, Shares: 100, Value: 10_000})
		if resp.GetBasis() != gatewayv1.FeeBasis_FEE_BASIS_STANDARD_SCHEDULE || resp.GetCurrency() != cur || cur != "HKD" ||
			resp.GetFeeAmount() != total || !sameItems(resp.GetFeeList(), items) || resp.GetOrderValue() != 10_000 || resp.GetPrice() != 100 {
			t.Fatalf("estimate = %v, want %v total %v", resp, items, total)
		}
		// By hand, 10,000: commission 3 (minimum), platform 15, stamp 10, trading
		// 0.565 and FRC 0.015 half up to 0.57 and 0.02, SFC 0.27, settlement 2.
		if resp.GetFeeAmount() != 30.86 {
			t.Fatalf("fee_amount %v, want 30.86", resp.GetFeeAmount())
		}
	})

	t.Run("real US sell", func(t *testing.T) {
		r := &gatewayv1.PlaceOrderRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_REAL, AccId: 2002, TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_US,
			Code: "US.AAPL", TrdSide: gatewayv1.TrdSide_TRD_SIDE_SELL, OrderType: gatewayv1.OrderType_ORDER_TYPE_NORMAL, Price: 200, Qty: 1_000}
		resp, err := e.srv.EstimateOrderFee(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		items, total, _ := wantItems(t, fees.Execution{Market: fees.MarketUS, Sell: true, Shares: 1_000, Value: 200_000})
		if resp.GetBasis() != gatewayv1.FeeBasis_FEE_BASIS_STANDARD_SCHEDULE || resp.GetCurrency() != "USD" ||
			resp.GetFeeAmount() != total || !sameItems(resp.GetFeeList(), items) || resp.GetOrderValue() != 200_000 {
			t.Fatalf("estimate = %v, want %v total %v", resp, items, total)
		}
		titles := []string{}
		for _, it := range resp.GetFeeList() {
			titles = append(titles, it.GetTitle())
		}
		if !slices.Contains(titles, fees.SECFees) || !slices.Contains(titles, fees.TAF) {
			t.Fatalf("a US sell without SEC fee or TAF: %v", titles)
		}
	})

	t.Run("simulated account trades free", func(t *testing.T) {
		resp, err := e.srv.EstimateOrderFee(ctx, limitOrder())
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetBasis() != gatewayv1.FeeBasis_FEE_BASIS_SIMULATED || resp.GetFeeAmount() != 0 || len(resp.GetFeeList()) != 0 ||
			resp.GetOrderValue() != 10_000 || resp.GetPrice() != 100 || resp.GetCurrency() != "HKD" {
			t.Fatalf("estimate = %v", resp)
		}
	})

	t.Run("market order valued at the quote", func(t *testing.T) {
		r := realOrder()
		r.OrderType, r.Price = gatewayv1.OrderType_ORDER_TYPE_MARKET, 0
		snap, err := e.placer.Snapshot(context.Background(), 1, "00700")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := e.srv.EstimateOrderFee(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		// The simulator's price stands still here (no pushes within the test).
		items, total, _ := wantItems(t, fees.Execution{Market: fees.MarketHK, Shares: 100, Value: 100 * snap.CurPrice})
		if resp.GetPrice() != snap.CurPrice || resp.GetOrderValue() != 100*snap.CurPrice ||
			resp.GetFeeAmount() != total || !sameItems(resp.GetFeeList(), items) {
			t.Fatalf("estimate = %v, want price %v, fees %v", resp, snap.CurPrice, items)
		}
	})
}

// TestEstimateOrderFeeRefusesAsPlaceOrder sends each refused order as an estimate,
// then as an order: the same status, reason and message, and the estimate changed
// nothing the order's refusal would not have.
func TestEstimateOrderFeeRefusesAsPlaceOrder(t *testing.T) {
	e := newEnv(t)
	mod := func(f func(r *gatewayv1.PlaceOrderRequest)) *gatewayv1.PlaceOrderRequest {
		r := realOrder()
		f(r)
		return r
	}
	both := []string{keypolicy.ScopeTradeSimulate, keypolicy.ScopeTradeReal}
	tests := []struct {
		name   string
		scopes []string
		limits *gatewayv1.KeyLimits
		req    *gatewayv1.PlaceOrderRequest
		code   codes.Code
		reason gatewayv1.Reason
	}{
		{"scope real", []string{keypolicy.ScopeTradeSimulate}, nil, realOrder(), codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"scope simulate", []string{keypolicy.ScopeTradeReal}, nil, limitOrder(), codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"account", both, &gatewayv1.KeyLimits{AllowedAccIds: []string{"2002"}}, realOrder(), codes.PermissionDenied, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED},
		{"lot", both, nil, mod(func(r *gatewayv1.PlaceOrderRequest) { r.Qty = 150 }), codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"tick", both, nil, mod(func(r *gatewayv1.PlaceOrderRequest) { r.Price = 100.01 }), codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"order value", both, &gatewayv1.KeyLimits{MaxOrderValue: f64(9999.99)}, realOrder(), codes.ResourceExhausted, gatewayv1.Reason_REASON_MAX_ORDER_VALUE},
		{"market order value", both, &gatewayv1.KeyLimits{MaxOrderValue: f64(1000)}, mod(func(r *gatewayv1.PlaceOrderRequest) {
			r.OrderType, r.Price = gatewayv1.OrderType_ORDER_TYPE_MARKET, 0
		}), codes.ResourceExhausted, gatewayv1.Reason_REASON_MAX_ORDER_VALUE},
	}
	d := newDirectLister(t, e)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprint("est-refuse-", i)
			ctx := authn.NewContext(withIdem(context.Background(), "idem-"+key), &authn.Principal{KeyID: key, Scopes: tt.scopes, Limits: tt.limits})
			frames := d.placeFrames(t)
			_, estErr := e.srv.EstimateOrderFee(ctx, tt.req)
			if status.Code(estErr) != tt.code || errinfo.Reason(estErr) != tt.reason {
				t.Fatalf("estimate err = %v (reason %q), want %v %s", estErr, errinfo.Reason(estErr), tt.code, tt.reason)
			}
			e.assertUntouched(t, key, i, frames, d) // each earlier case's order was audited
			_, placeErr := e.srv.PlaceOrder(ctx, tt.req)
			if status.Code(placeErr) != status.Code(estErr) || errinfo.Reason(placeErr) != errinfo.Reason(estErr) ||
				status.Convert(placeErr).Message() != status.Convert(estErr).Message() {
				t.Fatalf("PlaceOrder err = %v, estimate err = %v", placeErr, estErr)
			}
		})
	}
}

// TestEstimateOrderFeeChangesNothing: an estimate books no counted limit, writes no
// idempotency record, sends nothing to OpenD and is not audited; its Idempotency-Key
// is not seen by the order placed with it afterwards.
func TestEstimateOrderFeeChangesNothing(t *testing.T) {
	e := newEnv(t)
	d := newDirectLister(t, e)
	const key = "k-est-quiet"
	ctx := authn.NewContext(withIdem(context.Background(), "idem-shared"), &authn.Principal{KeyID: key,
		Scopes: []string{keypolicy.ScopeTradeSimulate}, Limits: &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(1), MaxDailyValue: f64(10_000)}})
	frames := d.placeFrames(t)
	for range 3 { // more than the per-minute window would allow orders
		if _, err := e.srv.EstimateOrderFee(ctx, limitOrder()); err != nil {
			t.Fatal(err)
		}
	}
	tooBig := limitOrder()
	tooBig.Qty = 1_000
	if _, err := e.srv.EstimateOrderFee(ctx, tooBig); err != nil { // beyond the daily value, which an estimate does not book
		t.Fatalf("estimate beyond the daily value: %v", err)
	}
	refused := limitOrder()
	refused.Qty = 150
	if _, err := e.srv.EstimateOrderFee(ctx, refused); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("refused estimate: %v", err)
	}
	e.assertUntouched(t, key, 0, frames, d)

	// The order with the same Idempotency-Key is a fresh one, placed once.
	resp, err := e.srv.PlaceOrder(ctx, limitOrder())
	if err != nil {
		t.Fatal(err)
	}
	entries, err := audit.New(e.rdb, 0).List(context.Background(), 10)
	if err != nil || len(entries) != 1 || entries[0].Fields["result"] != "placed" || entries[0].Fields["opend_order_id"] != resp.GetOrderId() {
		t.Fatalf("audit after the order = %+v, %v", entries, err)
	}
	if n := d.placeFrames(t); n != frames+1 {
		t.Fatalf("Trd_PlaceOrder frames %d, want %d", n, frames+1)
	}
	if n, v, _ := e.counter.Usage(context.Background(), key, *e.now.Load()); n != 1 || v != 10_000 {
		t.Fatalf("after the order: %d attempts, %v value", n, v)
	}
}

// assertUntouched checks that key has no attempts in its window, no daily value and
// no idempotency records, that nothing was audited beyond audited entries, and that
// the simulator saw no Trd_PlaceOrder since frames.
func (e *env) assertUntouched(t *testing.T, key string, audited int, frames int64, d *directLister) {
	t.Helper()
	if n, v, err := e.counter.Usage(context.Background(), key, *e.now.Load()); err != nil || n != 0 || v != 0 {
		t.Fatalf("limits changed: %d attempts, %v value (%v)", n, v, err)
	}
	if keys, _ := e.rdb.Keys(context.Background(), "futugw:{"+key+"}:idem:*").Result(); len(keys) != 0 {
		t.Fatalf("idempotency records: %v", keys)
	}
	if entries, _ := audit.New(e.rdb, 0).List(context.Background(), 100); len(entries) != audited {
		t.Fatalf("audited %d entries, want %d: %+v", len(entries), audited, entries)
	}
	if n := d.placeFrames(t); n != frames {
		t.Fatalf("Trd_PlaceOrder frames %d, want %d", n, frames)
	}
}

// placeFrames is how many Trd_PlaceOrder requests the simulator has answered, from
// its GetDelayStatistics over the binary protocol.
func (d *directLister) placeFrames(t testing.TB) int64 {
	t.Helper()
	var resp getdelaystatistics.Response
	typ := int32(getdelaystatistics.DelayStatisticsType_DelayStatisticsType_ReqReply)
	err := d.c.Call(context.Background(), protoid.GetDelayStatistics, &getdelaystatistics.Request{C2S: &getdelaystatistics.C2S{
		TypeList: []int32{typ}}}, &resp)
	if err != nil || resp.GetRetType() != 0 {
		t.Fatalf("GetDelayStatistics: %v %v", err, resp.GetRetMsg())
	}
	for _, it := range resp.GetS2C().GetReqReplyStatisticsList() {
		if uint32(it.GetProtoID()) == protoid.TrdPlaceOrder {
			return int64(it.GetCount())
		}
	}
	return 0
}
