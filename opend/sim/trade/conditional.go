package trade

import (
	"math"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/opend/sim/market"
)

// cond is the trigger and lifetime terms of an order, beyond price and qty.
type cond struct {
	aux         float64 // trigger price (auxPrice); for trailing orders the current stop
	trailType   int32
	trailValue  float64
	trailSpread float64
	tif         int32
	outsideRTH  bool    // US: may fill and live in pre-market and after hours
	triggered   bool    // a conditional order has fired and now works as a limit or market order
	extreme     float64 // trailing orders: best price since placement (highest for sells, lowest for buys)
}

func (o *order) kind() orderKind { return orderKinds[o.typ] }

// waiting reports whether o still waits for its trigger.
func (o *order) waiting() bool { return o.kind().conditional() && !o.triggered }

// limited reports whether o, once working, fills only at its limit or better.
func (o *order) limited() bool { return o.kind().limit }

// buying reports whether o adds to the long side (Buy, BuyBack).
func (o *order) buying() bool { return o.side == sideBuy || o.side == sideBuyBack }

// trail is the trailing distance at reference price ref.
func (o *order) trail(ref float64) float64 {
	if o.trailType == trailRatio {
		return ref * o.trailValue / 100
	}
	return o.trailValue
}

// follow moves a trailing order's stop with the market: a sell stop rises
// with new highs, a buy stop falls with new lows; it never moves back.
func (o *order) follow(cur float64) {
	if !o.kind().trailing {
		return
	}
	m := o.inst.Market
	if o.buying() {
		if o.extreme == 0 || cur < o.extreme {
			o.extreme = cur
			o.aux = market.Snap(m, cur+o.trail(cur))
		}
		return
	}
	if cur > o.extreme {
		o.extreme = cur
		o.aux = market.Snap(m, math.Max(cur-o.trail(cur), market.TickSize(m, cur)))
	}
}

// fires reports whether the price cur reaches o's trigger. Stop-like orders
// trigger when the market moves against the position (a buy stop at or above
// its trigger, a sell stop at or below); touched orders when it moves in the
// order's favour.
func (o *order) fires(cur float64) bool {
	up := cur >= o.aux
	down := cur <= o.aux
	if o.kind().stopLike == o.buying() {
		return up
	}
	return down
}

// trigger checks a waiting order against cur and arms it when it fires; a
// trailing stop limit then takes its limit price at the stop, the spread
// beyond it. Reports whether o is now working. Callers hold mu.
func (o *order) trigger(cur float64) bool {
	if !o.waiting() {
		return true
	}
	o.follow(cur)
	if !o.fires(cur) {
		return false
	}
	o.triggered = true
	if o.typ == typeTrailingStopLimit {
		spread := o.trailSpread
		if !o.buying() {
			spread = -spread
		}
		o.price = market.Snap(o.inst.Market, math.Max(o.aux+spread, market.TickSize(o.inst.Market, o.aux)))
	}
	return true
}

// reaches reports whether a working limit order is marketable at cur.
func (o *order) reaches(cur float64) bool {
	if o.buying() {
		return cur <= o.price
	}
	return cur >= o.price
}

// condProto adds the trigger and trailing terms of a conditional order.
func (o *order) condProto(po *trdcommon.Order) {
	k := o.kind()
	if k.conditional() {
		po.AuxPrice = proto.Float64(o.aux)
	}
	if k.trailing {
		po.TrailType = proto.Int32(o.trailType)
		po.TrailValue = proto.Float64(o.trailValue)
		if o.typ == typeTrailingStopLimit {
			po.TrailSpread = proto.Float64(o.trailSpread)
		}
	}
}
