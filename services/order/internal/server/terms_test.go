package server

import (
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

func TestTermsFillPrice(t *testing.T) {
	const (
		stop = int32(gatewayv1.OrderType_ORDER_TYPE_STOP)
		mit  = int32(gatewayv1.OrderType_ORDER_TYPE_MARKET_IF_TOUCHED)
		ts   = int32(gatewayv1.OrderType_ORDER_TYPE_TRAILING_STOP)
		tsl  = int32(gatewayv1.OrderType_ORDER_TYPE_TRAILING_STOP_LIMIT)
		mkt  = int32(gatewayv1.OrderType_ORDER_TYPE_MARKET)
	)
	ratio, amount := int32(gatewayv1.TrailType_TRAIL_TYPE_RATIO), int32(gatewayv1.TrailType_TRAIL_TYPE_AMOUNT)
	tests := []struct {
		name     string
		t        terms
		live     float64
		haveLive bool
		want     float64
		ok       bool
	}{
		{"market", terms{typ: mkt}, 100, true, 100, true},
		{"market without a quote", terms{typ: mkt}, 0, false, 0, false},
		{"stop above the market: its trigger", terms{typ: stop, aux: 110}, 100, true, 110, true},
		{"touched below the market: the market", terms{typ: mit, aux: 90}, 100, true, 100, true},
		{"stop without a quote: its trigger", terms{typ: stop, aux: 110}, 0, false, 110, true},
		{"trailing ratio", terms{typ: ts, trailType: ratio, trailValue: 10}, 100, true, 110, true},
		{"trailing amount", terms{typ: ts, trailType: amount, trailValue: 5}, 100, true, 105, true},
		{"trailing stop limit adds its spread", terms{typ: tsl, trailType: amount, trailValue: 5, trailSpread: 1}, 100, true, 106, true},
		{"trailing without a quote", terms{typ: ts, trailType: amount, trailValue: 5}, 0, false, 0, false},
	}
	for _, tt := range tests {
		got, ok := tt.t.fillPrice(tt.live, tt.haveLive)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("%s: %v %v, want %v %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTermsCheck(t *testing.T) {
	ok := []terms{
		{typ: 1}, {typ: 2}, {typ: 10, aux: 1}, {typ: 11, aux: 1}, {typ: 12, aux: 1}, {typ: 13, aux: 1},
		{typ: 14, trailType: 1, trailValue: 5}, {typ: 15, trailType: 2, trailValue: 0.5, trailSpread: 0.1},
	}
	for _, tt := range ok {
		if err := tt.check(); err != nil {
			t.Errorf("%+v: %v", tt, err)
		}
	}
	bad := []terms{
		{typ: 0}, {typ: 5}, {typ: 10}, {typ: 1, aux: 1}, {typ: 14, trailValue: 5}, {typ: 14, trailType: 1},
		{typ: 14, trailType: 1, trailValue: 100}, {typ: 14, trailType: 2, trailValue: 1, trailSpread: 1},
		{typ: 1, trailType: 1}, {typ: 15, trailType: 2, trailValue: 1, trailSpread: -1},
	}
	for _, tt := range bad {
		if err := tt.check(); err == nil {
			t.Errorf("%+v accepted", tt)
		}
	}
}
