package trade

import (
	"math"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/opend/sim/market"
)

// setTerms reads and checks what o's order type needs from a place request:
// the limit price, the trigger price, the trailing terms, the time in force
// and fillOutsideRTH. cur is the current price. A refusal leaves o unusable.
func setTerms(o *order, c2s *trdplaceorder.C2S, cur float64) error {
	k := o.kind()
	o.tif = c2s.GetTimeInForce()
	if o.tif != tifDay && o.tif != tifGTC {
		return refuse(codeUnsupported, "unsupported timeInForce %d (the simulator takes 0 DAY and 1 GTC)", o.tif)
	}
	if o.typ == typeMarket && o.tif != tifDay {
		return refuse(codeInvalidRequest, "market orders are DAY orders only; timeInForce %d refused", o.tif)
	}
	// fillOutsideRTH is a US notion; OpenD ignores it elsewhere.
	o.outsideRTH = c2s.GetFillOutsideRTH() && o.inst.Market == market.MarketUS
	if k.limit && o.typ != typeTrailingStopLimit {
		if err := checkPrice(o.inst, c2s.GetPrice()); err != nil {
			return err
		}
		o.price = c2s.GetPrice()
	}
	if k.aux {
		if err := o.setAux(c2s.GetAuxPrice(), cur); err != nil {
			return err
		}
	}
	if k.trailing {
		return o.setTrail(c2s.GetTrailType(), c2s.GetTrailValue(), c2s.GetTrailSpread(), cur)
	}
	return nil
}

// setAux sets the trigger price, refusing one the market has already reached:
// the order would fire at once, which is a plain market or limit order.
func (o *order) setAux(aux, cur float64) error {
	if !(aux > 0) {
		return refuse(codePrice, "%s orders need a positive auxPrice (trigger price), got %g", o.kind().name, aux)
	}
	if !market.ValidPrice(o.inst.Market, aux) {
		return refuse(codePrice, "auxPrice %g is not on the tick grid of %s (tick %g)",
			aux, o.inst.Key(), market.TickSize(o.inst.Market, aux))
	}
	old := o.aux
	o.aux = aux
	if o.fires(cur) {
		o.aux = old
		where := "above"
		if o.kind().stopLike != o.buying() {
			where = "below"
		}
		return refuse(codePrice, "auxPrice %g of a %s %s order must be %s the current price %g",
			aux, sideName(o.side), o.kind().name, where, cur)
	}
	return nil
}

// setTrail sets a trailing order's terms and its first stop.
func (o *order) setTrail(typ int32, value, spread, cur float64) error {
	switch typ {
	case trailRatio:
		if !(value > 0) || value >= 100 {
			return refuse(codeInvalidRequest, "trailValue %g: a ratio trail is a percentage above 0 and below 100", value)
		}
	case trailAmount:
		if !(value > 0) || math.IsInf(value, 0) {
			return refuse(codeInvalidRequest, "trailValue %g: an amount trail must be positive", value)
		}
	default:
		return refuse(codeInvalidRequest, "invalid trailType %d (1 Ratio, 2 Amount)", typ)
	}
	if o.typ == typeTrailingStopLimit && (!(spread >= 0) || math.IsInf(spread, 0)) {
		return refuse(codeInvalidRequest, "trailSpread %g must not be negative", spread)
	}
	o.trailType, o.trailValue, o.trailSpread = typ, value, spread
	o.extreme = 0
	o.follow(cur)
	return nil
}

// refPrice is the price a buy is funded at before it fills: its limit, its
// trigger (or the market, if higher) for stop and touched market orders.
func (o *order) refPrice(cur float64) float64 {
	k := o.kind()
	switch {
	case o.typ == typeTrailingStopLimit:
		return o.aux + o.trailSpread
	case k.limit:
		return o.price
	case k.conditional():
		return math.Max(o.aux, cur)
	}
	return cur
}

func sideName(side int32) string {
	switch side {
	case sideBuy:
		return "Buy"
	case sideSell:
		return "Sell"
	case sideSellShort:
		return "SellShort"
	case sideBuyBack:
		return "BuyBack"
	}
	return "unknown"
}
