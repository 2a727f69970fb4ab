package server

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func f64(v float64) *float64 { return &v }
func i32(v int32) *int32     { return &v }

func withIdem(ctx context.Context, key string) context.Context {
	return metadata.NewIncomingContext(ctx, metadata.Pairs(IdempotencyHeader, key))
}

func TestPlaceOrderPlacesInTheSimulator(t *testing.T) {
	e := newEnv(t)
	resp, err := e.srv.PlaceOrder(ctxFor("k-ok", nil), limitOrder())
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetOrderId() == "" || e.orderCount(t, 1001, 1) != 1 {
		t.Fatalf("order id %q, orders %d", resp.GetOrderId(), e.orderCount(t, 1001, 1))
	}
	entries, err := audit.New(e.rdb, 0).List(context.Background(), 10)
	if err != nil || len(entries) != 1 || entries[0].Fields["opend_order_id"] != resp.GetOrderId() ||
		entries[0].Fields["result"] != "placed" || entries[0].KeyID != "k-ok" {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
}

// TestRefusals checks every refusal reason, and that a refusal leaves the limits,
// the idempotency records and the simulator's order list untouched.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	mod := func(f func(r *gatewayv1.PlaceOrderRequest)) *gatewayv1.PlaceOrderRequest {
		r := limitOrder()
		f(r)
		return r
	}
	counted := func(l *gatewayv1.KeyLimits) *gatewayv1.KeyLimits {
		l.MaxOrdersPerMinute, l.MaxDailyValue = i32(100), f64(1e9)
		return l
	}
	simOnly := []string{keypolicy.ScopeTradeSimulate}
	tests := []struct {
		name   string
		scopes []string
		limits *gatewayv1.KeyLimits
		req    *gatewayv1.PlaceOrderRequest
		code   codes.Code
		reason gatewayv1.Reason
	}{
		{"scope simulate", []string{keypolicy.ScopeTradeReal}, nil, limitOrder(), codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"scope real", simOnly, nil, mod(func(r *gatewayv1.PlaceOrderRequest) { r.TrdEnv, r.AccId = 1, 2001 }), codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"account", nil, counted(&gatewayv1.KeyLimits{AllowedAccIds: []string{"1002"}}), limitOrder(), codes.PermissionDenied, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED},
		{"market", nil, counted(&gatewayv1.KeyLimits{AllowedMarkets: []string{"US"}}), limitOrder(), codes.PermissionDenied, gatewayv1.Reason_REASON_MARKET_NOT_ALLOWED},
		{"symbol", nil, counted(&gatewayv1.KeyLimits{AllowedSymbols: []string{"HK.09988"}}), limitOrder(), codes.PermissionDenied, gatewayv1.Reason_REASON_SYMBOL_NOT_ALLOWED},
		{"side", nil, counted(&gatewayv1.KeyLimits{AllowedTrdSides: []string{"SELL"}}), limitOrder(), codes.PermissionDenied, gatewayv1.Reason_REASON_SIDE_NOT_ALLOWED},
		{"hours", nil, counted(&gatewayv1.KeyLimits{HoursWindow: proto.String("11:00-12:00")}), limitOrder(), codes.PermissionDenied, gatewayv1.Reason_REASON_OUTSIDE_HOURS_WINDOW},
		{"qty zero", nil, counted(&gatewayv1.KeyLimits{}), mod(func(r *gatewayv1.PlaceOrderRequest) { r.Qty = 0 }), codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"lot", nil, counted(&gatewayv1.KeyLimits{}), mod(func(r *gatewayv1.PlaceOrderRequest) { r.Qty = 150 }), codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"price", nil, counted(&gatewayv1.KeyLimits{}), mod(func(r *gatewayv1.PlaceOrderRequest) { r.Price = 0 }), codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"tick", nil, counted(&gatewayv1.KeyLimits{}), mod(func(r *gatewayv1.PlaceOrderRequest) { r.Price = 100.01 }), codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"unknown side", nil, counted(&gatewayv1.KeyLimits{}), mod(func(r *gatewayv1.PlaceOrderRequest) { r.TrdSide = 9 }), codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER},
		{"order value", nil, counted(&gatewayv1.KeyLimits{MaxOrderValue: f64(9999.99)}), limitOrder(), codes.ResourceExhausted, gatewayv1.Reason_REASON_MAX_ORDER_VALUE},
		{"market order value", nil, counted(&gatewayv1.KeyLimits{MaxOrderValue: f64(1000)}), mod(func(r *gatewayv1.PlaceOrderRequest) {
			r.OrderType, r.Price = gatewayv1.OrderType_ORDER_TYPE_MARKET, 0
		}), codes.ResourceExhausted, gatewayv1.Reason_REASON_MAX_ORDER_VALUE},
		{"per minute", nil, &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(0)}, limitOrder(), codes.ResourceExhausted, gatewayv1.Reason_REASON_MAX_ORDERS_PER_MINUTE},
		{"daily", nil, &gatewayv1.KeyLimits{MaxDailyValue: f64(9999)}, limitOrder(), codes.ResourceExhausted, gatewayv1.Reason_REASON_MAX_DAILY_VALUE},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprint("refuse-", i)
			scopes := tt.scopes
			if scopes == nil {
				scopes = []string{keypolicy.ScopeTradeSimulate, keypolicy.ScopeTradeReal}
			}
			ctx := authn.NewContext(withIdem(context.Background(), "idem-"+key), &authn.Principal{KeyID: key, Scopes: scopes, Limits: tt.limits})
			_, err := e.srv.PlaceOrder(ctx, tt.req)
			if status.Code(err) != tt.code || errinfo.Reason(err) != tt.reason {
				t.Fatalf("err = %v (reason %q), want %v %s", err, errinfo.Reason(err), tt.code, tt.reason)
			}
			if n, v, _ := e.counter.Usage(context.Background(), key, *e.now.Load()); n != 0 || v != 0 {
				t.Fatalf("limits changed: %d attempts, %v value", n, v)
			}
			if keys, _ := e.rdb.Keys(context.Background(), "futugw:{"+key+"}:idem:*").Result(); len(keys) != 0 {
				t.Fatalf("idempotency records left: %v", keys)
			}
		})
	}
	if n := e.orderCount(t, 1001, 1) + e.orderCount(t, 2001, 1); n != 0 {
		t.Fatalf("refusals placed %d orders", n)
	}
	entries, _ := audit.New(e.rdb, 0).List(context.Background(), 100)
	if len(entries) != len(tests) {
		t.Fatalf("audited %d attempts, want %d", len(entries), len(tests))
	}
}

func TestConcurrentAttemptsRespectPerMinuteLimit(t *testing.T) {
	e := newEnv(t)
	ctx := ctxFor("k-burst", &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(10)})
	var wg sync.WaitGroup
	var mu sync.Mutex
	placed, limited := 0, 0
	for range 500 {
		wg.Go(func() {
			_, err := e.srv.PlaceOrder(ctx, limitOrder())
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				placed++
			case errinfo.Reason(err) == gatewayv1.Reason_REASON_MAX_ORDERS_PER_MINUTE:
				limited++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	wg.Wait()
	if placed != 10 || limited != 490 {
		t.Fatalf("placed %d, limited %d", placed, limited)
	}
	if n := e.orderCount(t, 1001, 1); n != 10 {
		t.Fatalf("simulator has %d orders, want 10", n)
	}
}

func TestConcurrentDailyValueNeverExceedsCap(t *testing.T) {
	e := newEnv(t)
	ctx := ctxFor("k-daily", &gatewayv1.KeyLimits{MaxDailyValue: f64(55000)}) // 5 orders of 10,000 fit
	var wg sync.WaitGroup
	for range 60 {
		wg.Go(func() { _, _ = e.srv.PlaceOrder(ctx, limitOrder()) })
	}
	wg.Wait()
	if n := e.orderCount(t, 1001, 1); n != 5 {
		t.Fatalf("simulator has %d orders, want 5", n)
	}
	if _, v, _ := e.counter.Usage(context.Background(), "k-daily", *e.now.Load()); v != 50000 {
		t.Fatalf("daily value %v, want 50000", v)
	}
}

func TestOpenDRejectionReleasesDailyValueButCountsTheAttempt(t *testing.T) {
	e := newEnv(t)
	ctx := ctxFor("k-rej", &gatewayv1.KeyLimits{MaxDailyValue: f64(1e7), MaxOrdersPerMinute: i32(10)})
	big := limitOrder()
	big.Qty = 100_000 // 10,000,000 HKD: more than the account's cash
	_, err := e.srv.PlaceOrder(ctx, big)
	if status.Code(err) != codes.FailedPrecondition || errinfo.Reason(err) != gatewayv1.Reason_REASON_OPEND_REJECTED {
		t.Fatalf("err = %v", err)
	}
	if n, v, _ := e.counter.Usage(context.Background(), "k-rej", *e.now.Load()); n != 1 || v != 0 {
		t.Fatalf("usage %d attempts, %v value; want 1, 0", n, v)
	}
}

func TestFiftyConcurrentRetriesPlaceOnce(t *testing.T) {
	e := newEnv(t)
	ctx := withIdem(ctxFor("k-idem", nil), "retry-me")
	var wg sync.WaitGroup
	ids := make(chan string, 50)
	for range 50 {
		wg.Go(func() {
			resp, err := e.srv.PlaceOrder(ctx, limitOrder())
			if err != nil {
				t.Errorf("retry failed: %v", err)
				return
			}
			ids <- resp.GetOrderId()
		})
	}
	wg.Wait()
	close(ids)
	first := ""
	for id := range ids {
		if first == "" {
			first = id
		}
		if id != first {
			t.Fatalf("order ids differ: %s vs %s", id, first)
		}
	}
	if n := e.orderCount(t, 1001, 1); n != 1 {
		t.Fatalf("simulator has %d orders, want 1", n)
	}
	// Same key, different body: a conflict.
	other := limitOrder()
	other.Qty = 200
	if _, err := e.srv.PlaceOrder(ctx, other); status.Code(err) != codes.AlreadyExists || errinfo.Reason(err) != gatewayv1.Reason_REASON_IDEMPOTENCY_CONFLICT {
		t.Fatalf("different body: %v", err)
	}
	// client_order_id works as the key too.
	r := limitOrder()
	r.ClientOrderId = "cid-1"
	a, err1 := e.srv.PlaceOrder(ctxFor("k-idem", nil), r)
	b, err2 := e.srv.PlaceOrder(ctxFor("k-idem", nil), r)
	if err1 != nil || err2 != nil || a.GetOrderId() != b.GetOrderId() {
		t.Fatalf("client_order_id retries: %v %v %v %v", a, b, err1, err2)
	}
}

func TestRefusedAttemptFreesTheKeyForFixedInput(t *testing.T) {
	e := newEnv(t)
	ctx := withIdem(ctxFor("k-fix", nil), "fix-me")
	bad := limitOrder()
	bad.Qty = 150
	if _, err := e.srv.PlaceOrder(ctx, bad); errinfo.Reason(err) != gatewayv1.Reason_REASON_INVALID_ORDER {
		t.Fatalf("bad lot: %v", err)
	}
	if _, err := e.srv.PlaceOrder(ctx, limitOrder()); err != nil {
		t.Fatalf("fixed order refused: %v", err)
	}
}

// TestOpenDDiesMidFlight: OpenD takes the order but the connection dies before the
// answer. The caller gets 503; after recovery a retry with the same key returns the
// same order instead of placing a second one.
func TestOpenDDiesMidFlight(t *testing.T) {
	e := newEnv(t)
	ctx := withIdem(ctxFor("k-kill", &gatewayv1.KeyLimits{MaxDailyValue: f64(1e6)}), "mid-flight")
	// Learn the lot size first: with answers swallowed only the order itself may leave.
	if _, err := e.placer.LotSize(context.Background(), 1, "00700"); err != nil {
		t.Fatal(err)
	}
	e.proxy.blackhole.Store(true)
	done := make(chan error, 1)
	go func() {
		_, err := e.srv.PlaceOrder(ctx, limitOrder())
		done <- err
	}()
	// Once the simulator has the order (read on a separate connection), kill the link.
	direct := newDirectLister(t, e)
	testkit.Eventually(t, 20*time.Second, "order reached the simulator", func() bool { return direct.count(t) == 1 })
	e.proxy.Cut()
	err := <-done
	if status.Code(err) != codes.Unavailable || errinfo.Reason(err) != gatewayv1.Reason_REASON_OPEND_UNAVAILABLE {
		t.Fatalf("mid-flight err = %v", err)
	}
	e.proxy.blackhole.Store(false)
	testkit.Eventually(t, 20*time.Second, "placer reconnected", func() bool { return e.placer.Connected() && e.placer.TradingUnlocked() })
	resp, err := e.srv.PlaceOrder(ctx, limitOrder())
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if n := direct.count(t); n != 1 {
		t.Fatalf("simulator has %d orders after the retry, want 1", n)
	}
	again, err := e.srv.PlaceOrder(ctx, limitOrder())
	if err != nil || again.GetOrderId() != resp.GetOrderId() {
		t.Fatalf("second retry: %v %v", again, err)
	}
	// The reservation was kept across the unknown outcome and not taken twice.
	if _, v, _ := e.counter.Usage(context.Background(), "k-kill", *e.now.Load()); v != 10000 {
		t.Fatalf("daily value %v, want 10000", v)
	}
}

func TestOpenDDownFailsFast(t *testing.T) {
	e := newEnv(t)
	e.proxy.ln.Close()
	e.proxy.Cut()
	testkit.Eventually(t, 20*time.Second, "placer disconnected", func() bool { return !e.placer.Connected() })
	_, err := e.srv.PlaceOrder(ctxFor("k-down", &gatewayv1.KeyLimits{MaxDailyValue: f64(1e6)}), limitOrder())
	if status.Code(err) != codes.Unavailable || errinfo.Reason(err) != gatewayv1.Reason_REASON_OPEND_UNAVAILABLE {
		t.Fatalf("err = %v", err)
	}
	if _, v, _ := e.counter.Usage(context.Background(), "k-down", *e.now.Load()); v != 0 {
		t.Fatalf("daily value %v reserved while OpenD was down", v)
	}
}

func formatID(id uint64) string { return fmt.Sprint(id) }

func TestRealOrdersNeedUnlockedTrading(t *testing.T) {
	e := newEnv(t)
	real := limitOrder()
	real.TrdEnv, real.AccId = gatewayv1.TrdEnv_TRD_ENV_REAL, 2001
	if _, err := e.srv.PlaceOrder(ctxFor("k-real", nil), real); err != nil {
		t.Fatalf("unlocked real order: %v", err)
	}
	// A placer without a trade password never unlocks.
	locked := placerWithoutPassword(t, e)
	srv := New(Deps{Placer: locked, Counter: e.counter, Idem: e.srv.d.Idem, Quoter: SnapshotQuoter{P: locked}, Hub: e.hub})
	_, err := srv.PlaceOrder(ctxFor("k-real", &gatewayv1.KeyLimits{MaxDailyValue: f64(1e6)}), real)
	if status.Code(err) != codes.FailedPrecondition || errinfo.Reason(err) != gatewayv1.Reason_REASON_TRADING_LOCKED {
		t.Fatalf("locked: %v", err)
	}
	if _, v, _ := e.counter.Usage(context.Background(), "k-real", *e.now.Load()); v != 0 {
		t.Fatalf("locked refusal reserved %v", v)
	}
	// The fee estimate of that order is refused the same way; a simulated one is not.
	_, err = srv.EstimateOrderFee(ctxFor("k-real", nil), real)
	if status.Code(err) != codes.FailedPrecondition || errinfo.Reason(err) != gatewayv1.Reason_REASON_TRADING_LOCKED {
		t.Fatalf("locked estimate: %v", err)
	}
	if _, err := srv.EstimateOrderFee(ctxFor("k-real", nil), limitOrder()); err != nil {
		t.Fatalf("simulated estimate with real trading locked: %v", err)
	}
}
