package limits

import (
	"errors"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/keypolicy"
)

func f64(v float64) *float64 { return &v }
func i32(v int32) *int32     { return &v }

func TestCheckKeyReasonsInOrder(t *testing.T) {
	hk := time.FixedZone("HKT", 8*3600)
	at := func(h, m int) time.Time { return time.Date(2026, 3, 2, h, m, 0, 0, hk) }
	sim := Order{AccID: 1001, Market: "HK", SecKey: "HK.00700", Side: "BUY", Price: 100, Qty: 100}
	real := sim
	real.Real = true
	full := Policy{Scopes: []string{keypolicy.ScopeTradeSimulate, keypolicy.ScopeTradeReal}}
	tests := []struct {
		name string
		p    Policy
		o    Order
		now  time.Time
		want gatewayv1.Reason // unspecified = allowed
	}{
		{"unlimited", full, sim, at(10, 0), gatewayv1.Reason_REASON_UNSPECIFIED},
		{"simulate needs trade:simulate", Policy{Scopes: []string{keypolicy.ScopeTradeReal}}, sim, at(10, 0), gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"real needs trade:real", Policy{Scopes: []string{keypolicy.ScopeTradeSimulate}}, real, at(10, 0), gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"account", Policy{Scopes: full.Scopes, AllowedAccIDs: []string{"2001"}}, sim, at(10, 0), gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED},
		{"account listed", Policy{Scopes: full.Scopes, AllowedAccIDs: []string{"1001"}}, sim, at(10, 0), gatewayv1.Reason_REASON_UNSPECIFIED},
		{"market", Policy{Scopes: full.Scopes, AllowedMarkets: []string{"US"}}, sim, at(10, 0), gatewayv1.Reason_REASON_MARKET_NOT_ALLOWED},
		{"market case-insensitive", Policy{Scopes: full.Scopes, AllowedMarkets: []string{"hk"}}, sim, at(10, 0), gatewayv1.Reason_REASON_UNSPECIFIED},
		{"symbol", Policy{Scopes: full.Scopes, AllowedSymbols: []string{"HK.09988"}}, sim, at(10, 0), gatewayv1.Reason_REASON_SYMBOL_NOT_ALLOWED},
		{"side", Policy{Scopes: full.Scopes, AllowedSides: []string{"SELL"}}, sim, at(10, 0), gatewayv1.Reason_REASON_SIDE_NOT_ALLOWED},
		{"hours inside", Policy{Scopes: full.Scopes, HoursWindow: "09:30-16:00"}, sim, at(9, 30), gatewayv1.Reason_REASON_UNSPECIFIED},
		{"hours end exclusive", Policy{Scopes: full.Scopes, HoursWindow: "09:30-16:00"}, sim, at(16, 0), gatewayv1.Reason_REASON_OUTSIDE_HOURS_WINDOW},
		{"hours before", Policy{Scopes: full.Scopes, HoursWindow: "09:30-16:00"}, sim, at(9, 29), gatewayv1.Reason_REASON_OUTSIDE_HOURS_WINDOW},
		{"hours malformed fails closed", Policy{Scopes: full.Scopes, HoursWindow: "9-5"}, sim, at(10, 0), gatewayv1.Reason_REASON_OUTSIDE_HOURS_WINDOW},
		// Order of checks: the scope refusal wins over every later one.
		{"scope first", Policy{AllowedAccIDs: []string{"9"}, AllowedSides: []string{"SELL"}}, sim, at(10, 0), gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"account before market", Policy{Scopes: full.Scopes, AllowedAccIDs: []string{"9"}, AllowedMarkets: []string{"US"}}, sim, at(10, 0), gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED},
		{"symbol before side", Policy{Scopes: full.Scopes, AllowedSymbols: []string{"X"}, AllowedSides: []string{"SELL"}}, sim, at(10, 0), gatewayv1.Reason_REASON_SYMBOL_NOT_ALLOWED},
		{"side before hours", Policy{Scopes: full.Scopes, AllowedSides: []string{"SELL"}, HoursWindow: "01:00-02:00"}, sim, at(10, 0), gatewayv1.Reason_REASON_SIDE_NOT_ALLOWED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckKey(tt.p, tt.o, tt.now, hk)
			assertReason(t, err, tt.want)
		})
	}
}

func assertReason(t *testing.T, err error, want gatewayv1.Reason) {
	t.Helper()
	if want == gatewayv1.Reason_REASON_UNSPECIFIED {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	r, ok := AsRefusal(err)
	if !ok || r.Reason != want {
		t.Fatalf("err = %v, want reason %s", err, want)
	}
}

func TestCheckInput(t *testing.T) {
	base := Order{SecKey: "HK.00700", Price: 480.2, Qty: 200}
	mk := func(f func(*Order)) Order { o := base; f(&o); return o }
	tests := []struct {
		name string
		o    Order
		lot  int32
		ok   bool
	}{
		{"valid", base, 100, true},
		{"qty zero", mk(func(o *Order) { o.Qty = 0 }), 100, false},
		{"qty negative", mk(func(o *Order) { o.Qty = -100 }), 100, false},
		{"odd lot", mk(func(o *Order) { o.Qty = 150 }), 100, false},
		{"fractional", mk(func(o *Order) { o.Qty = 100.5 }), 1, false},
		{"price zero", mk(func(o *Order) { o.Price = 0 }), 100, false},
		{"off tick", mk(func(o *Order) { o.Price = 480.1 }), 100, false},
		{"band edge 500 tick 0.2", mk(func(o *Order) { o.Price = 500 }), 100, true},
		{"above 500 tick 0.5", mk(func(o *Order) { o.Price = 500.2 }), 100, false},
		{"market order needs no price", mk(func(o *Order) { o.IsMarket = true; o.Price = 0 }), 100, true},
		{"US cent", Order{SecKey: "US.AAPL", Price: 230.01, Qty: 1}, 1, true},
		{"US sub-cent", Order{SecKey: "US.AAPL", Price: 230.005, Qty: 1}, 1, false},
		{"penny stock sub-cent", Order{SecKey: "US.X", Price: 0.5001, Qty: 1}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckInput(tt.o, tt.lot)
			if tt.ok {
				assertReason(t, err, gatewayv1.Reason_REASON_UNSPECIFIED)
			} else {
				assertReason(t, err, gatewayv1.Reason_REASON_INVALID_ORDER)
			}
		})
	}
}

func TestValueArithmetic(t *testing.T) {
	p := Policy{MaxOrderValue: f64(48020)}
	limit := Order{SecKey: "HK.00700", Price: 480.2, Qty: 100}
	if v, err := CheckValue(p, limit, 0, false); err != nil || v != 48020 {
		t.Fatalf("limit at cap: %v %v", v, err)
	}
	over := limit
	over.Qty = 200
	if _, err := CheckValue(p, over, 0, false); err == nil {
		t.Fatal("over cap accepted")
	} else {
		assertReason(t, err, gatewayv1.Reason_REASON_MAX_ORDER_VALUE)
	}
	mkt := Order{SecKey: "HK.00700", IsMarket: true, Qty: 100, Price: 1} // price ignored
	if v, err := CheckValue(p, mkt, 400.4, true); err != nil || v != 40040 {
		t.Fatalf("market: %v %v", v, err)
	}
	_, err := CheckValue(p, mkt, 0, false)
	assertReason(t, err, gatewayv1.Reason_REASON_NO_QUOTE)
	_, err = CheckValue(p, mkt, 0, true)
	assertReason(t, err, gatewayv1.Reason_REASON_NO_QUOTE)
	// 0.1 x 3 style float noise must not push a value at the cap over it.
	if _, err := CheckValue(Policy{MaxOrderValue: f64(0.3)}, Order{Price: 0.1, Qty: 3}, 0, false); err != nil {
		t.Fatalf("float noise refused: %v", err)
	}
	var r *Refusal
	if !errors.As(error(&Refusal{Reason: gatewayv1.Reason_REASON_NO_QUOTE}), &r) {
		t.Fatal("Refusal is not an error")
	}
}
