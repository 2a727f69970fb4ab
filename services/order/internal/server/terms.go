package server

import (
	"errors"
	"fmt"
	"math"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// Order types (Trd_Common.OrderType) the gateway places: what each needs.
type typeInfo struct {
	limit    bool // carries a limit price (price)
	aux      bool // carries a trigger price (aux_price)
	trailing bool // its trigger follows the market (trail_type, trail_value)
}

var orderTypes = map[int32]typeInfo{
	int32(gatewayv1.OrderType_ORDER_TYPE_NORMAL):              {limit: true},
	int32(gatewayv1.OrderType_ORDER_TYPE_MARKET):              {},
	int32(gatewayv1.OrderType_ORDER_TYPE_STOP):                {aux: true},
	int32(gatewayv1.OrderType_ORDER_TYPE_STOP_LIMIT):          {limit: true, aux: true},
	int32(gatewayv1.OrderType_ORDER_TYPE_MARKET_IF_TOUCHED):   {aux: true},
	int32(gatewayv1.OrderType_ORDER_TYPE_LIMIT_IF_TOUCHED):    {limit: true, aux: true},
	int32(gatewayv1.OrderType_ORDER_TYPE_TRAILING_STOP):       {trailing: true},
	int32(gatewayv1.OrderType_ORDER_TYPE_TRAILING_STOP_LIMIT): {trailing: true},
}

// hasLimit reports whether an order of type typ is valued at (and checked for) its
// own limit price. A trailing stop limit's limit price follows its stop, so it is
// valued like the market-like types.
func hasLimit(typ int32) bool {
	t, ok := orderTypes[typ]
	return !ok || t.limit // an unknown type is refused at the input step
}

// terms are an order's type and trigger terms: what max_order_value values it at.
type terms struct {
	typ         int32
	aux         float64
	trailType   int32
	trailValue  float64
	trailSpread float64
}

// check refuses terms the order type lacks or does not take.
func (t terms) check() error {
	info, ok := orderTypes[t.typ]
	if !ok {
		return fmt.Errorf("order_type must be 1 NORMAL (limit), 2 MARKET, 10 STOP, 11 STOP_LIMIT, 12 MARKET_IF_TOUCHED, 13 LIMIT_IF_TOUCHED, 14 TRAILING_STOP or 15 TRAILING_STOP_LIMIT, got %d", t.typ)
	}
	bad := func(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }
	if bad(t.aux) || bad(t.trailValue) || bad(t.trailSpread) {
		return errors.New("aux_price, trail_value and trail_spread must be numbers")
	}
	switch {
	case info.aux && !(t.aux > 0):
		return errors.New("this order_type needs a positive aux_price (its trigger price)")
	case !info.aux && t.aux != 0:
		return errors.New("aux_price applies to STOP, STOP_LIMIT, MARKET_IF_TOUCHED and LIMIT_IF_TOUCHED only")
	case info.trailing && t.trailType != int32(gatewayv1.TrailType_TRAIL_TYPE_RATIO) && t.trailType != int32(gatewayv1.TrailType_TRAIL_TYPE_AMOUNT):
		return fmt.Errorf("a trailing order needs trail_type 1 RATIO or 2 AMOUNT, got %d", t.trailType)
	case info.trailing && !(t.trailValue > 0):
		return errors.New("a trailing order needs a positive trail_value")
	case info.trailing && t.trailType == int32(gatewayv1.TrailType_TRAIL_TYPE_RATIO) && t.trailValue >= 100:
		return errors.New("a RATIO trail_value is a percentage below 100")
	case !info.trailing && (t.trailType != 0 || t.trailValue != 0 || t.trailSpread != 0):
		return errors.New("trail_type, trail_value and trail_spread apply to TRAILING_STOP and TRAILING_STOP_LIMIT only")
	case t.trailSpread < 0 || (t.trailSpread != 0 && t.typ != int32(gatewayv1.OrderType_ORDER_TYPE_TRAILING_STOP_LIMIT)):
		return errors.New("trail_spread is a TRAILING_STOP_LIMIT's non-negative distance of its limit beyond its stop")
	}
	return nil
}

// fillPrice is the price a market-like order (no limit price of its own) is valued
// at, given the live price (live > 0 when known): the highest price it could fill at
// were it to work now.
//
//	MARKET                 the live price
//	STOP, MARKET_IF_TOUCHED the higher of the trigger and the live price (the trigger
//	                        alone when there is no live price)
//	TRAILING_STOP          the live price plus the trail (the first stop of a buy)
//	TRAILING_STOP_LIMIT    that plus trail_spread (the limit price the stop would set)
//
// ok is false when a live price is needed and there is none.
func (t terms) fillPrice(live float64, haveLive bool) (float64, bool) {
	info := orderTypes[t.typ]
	switch {
	case info.aux:
		if !haveLive {
			return t.aux, true
		}
		return math.Max(t.aux, live), true
	case info.trailing:
		if !haveLive {
			return 0, false
		}
		trail := t.trailValue
		if t.trailType == int32(gatewayv1.TrailType_TRAIL_TYPE_RATIO) {
			trail = live * t.trailValue / 100
		}
		return live + trail + t.trailSpread, true
	}
	return live, haveLive
}
