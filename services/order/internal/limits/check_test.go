package limits

import (
	"errors"
	"testing"
	"time"
)

func f64(v float64) *float64 { return &v }
func i32(v int32) *int32     { return &v }

func TestCheckKeyReasonsInOrder(t *testing.T) {
	hk := time.FixedZone("HKT", 8*3600)
	at := func(h, m int) time.Time { return time.Date(2026, 3, 2, h, m, 0, 0, hk) }
	sim := Order{AccID: 1001, Market: "HK", SecKey: "HK.00700", Side: "BUY", Price: 100, Qty: 100}
	real := sim
	real.Real = true
	full := Policy{Scopes: []string{ScopeTradeSimulate, ScopeTradeReal}}
	tests := []struct {
		name string
		p    Policy
		o    Order
		now  time.Time
		want string // "" = allowed
	}{
		{"unlimited", full, sim, at(10, 0), ""},
		{"simulate needs trade:simulate", Policy{Scopes: []string{ScopeTradeReal}}, sim, at(10, 0), ReasonScope},
		{"real needs trade:real", Policy{Scopes: []string{ScopeTradeSimulate}}, real, at(10, 0), ReasonScope},
		{"account", Policy{Scopes: full.Scopes, AllowedAccIDs: []string{"2001"}}, sim, at(10, 0), ReasonAccount},
		{"account listed", Policy{Scopes: full.Scopes, AllowedAccIDs: []string{"1001"}}, sim, at(10, 0), ""},
		{"market", Policy{Scopes: full.Scopes, AllowedMarkets: []string{"US"}}, sim, at(10, 0), ReasonMarket},
		{"market case-insensitive", Policy{Scopes: full.Scopes, AllowedMarkets: []string{"hk"}}, sim, at(10, 0), ""},
		{"symbol", Policy{Scopes: full.Scopes, AllowedSymbols: []string{"HK.09988"}}, sim, at(10, 0), ReasonSymbol},
		{"side", Policy{Scopes: full.Scopes, AllowedSides: []string{"SELL"}}, sim, at(10, 0), ReasonSide},
		{"hours inside", Policy{Scopes: full.Scopes, HoursWindow: "09:30-16:00"}, sim, at(9, 30), ""},
		{"hours end exclusive", Policy{Scopes: full.Scopes, HoursWindow: "09:30-16:00"}, sim, at(16, 0), ReasonHours},
		{"hours before", Policy{Scopes: full.Scopes, HoursWindow: "09:30-16:00"}, sim, at(9, 29), ReasonHours},
		{"hours malformed fails closed", Policy{Scopes: full.Scopes, HoursWindow: "9-5"}, sim, at(10, 0), ReasonHours},
		// Order of checks: the scope refusal wins over every later one.
		{"scope first", Policy{AllowedAccIDs: []string{"9"}, AllowedSides: []string{"SELL"}}, sim, at(10, 0), ReasonScope},
		{"account before market", Policy{Scopes: full.Scopes, AllowedAccIDs: []string{"9"}, AllowedMarkets: []string{"US"}}, sim, at(10, 0), ReasonAccount},
		{"symbol before side", Policy{Scopes: full.Scopes, AllowedSymbols: []string{"X"}, AllowedSides: []string{"SELL"}}, sim, at(10, 0), ReasonSymbol},
		{"side before hours", Policy{Scopes: full.Scopes, AllowedSides: []string{"SELL"}, HoursWindow: "01:00-02:00"}, sim, at(10, 0), ReasonSide},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckKey(tt.p, tt.o, tt.now, hk)
			assertReason(t, err, tt.want)
		})
	}
}

func assertReason(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
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

func TestHoursWindowAcrossMidnight(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata")
	}
	w, err := ParseWindow("22:00-02:30")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		h, m int
		in   bool
	}{{21, 59, false}, {22, 0, true}, {23, 59, true}, {0, 0, true}, {2, 29, true}, {2, 30, false}, {12, 0, false}} {
		at := time.Date(2026, 7, 1, tt.h, tt.m, 0, 0, ny)
		if got := w.Contains(at.UTC(), ny); got != tt.in {
			t.Errorf("%02d:%02d in %v: got %v want %v", tt.h, tt.m, w, got, tt.in)
		}
	}
	for _, bad := range []string{"", "10:00", "10:00-10:00", "24:00-01:00", "10:60-11:00", "1:00-02:00", "aa:bb-cc:dd"} {
		if _, err := ParseWindow(bad); err == nil {
			t.Errorf("ParseWindow(%q) accepted", bad)
		}
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
				assertReason(t, err, "")
			} else {
				assertReason(t, err, ReasonInvalid)
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
		assertReason(t, err, ReasonOrderValue)
	}
	mkt := Order{SecKey: "HK.00700", IsMarket: true, Qty: 100, Price: 1} // price ignored
	if v, err := CheckValue(p, mkt, 400.4, true); err != nil || v != 40040 {
		t.Fatalf("market: %v %v", v, err)
	}
	_, err := CheckValue(p, mkt, 0, false)
	assertReason(t, err, ReasonNoQuote)
	_, err = CheckValue(p, mkt, 0, true)
	assertReason(t, err, ReasonNoQuote)
	// 0.1 x 3 style float noise must not push a value at the cap over it.
	if _, err := CheckValue(Policy{MaxOrderValue: f64(0.3)}, Order{Price: 0.1, Qty: 3}, 0, false); err != nil {
		t.Fatalf("float noise refused: %v", err)
	}
	var r *Refusal
	if !errors.As(error(&Refusal{Reason: "x"}), &r) {
		t.Fatal("Refusal is not an error")
	}
}
