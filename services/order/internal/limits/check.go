package limits

import (
	"errors"
	"fmt"
	"math"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
)

// maxQty bounds quantities so value arithmetic stays exact in float64.
const maxQty = 1e12

// CheckKey runs the key's checks in the documented order: scope for the account's
// environment, account, market, symbol, side, hours window (read in loc at now).
func CheckKey(p Policy, o Order, now time.Time, loc *time.Location) error {
	need, env := keypolicy.TradeScope(o.Real), "simulate"
	if o.Real {
		env = "real"
	}
	if !p.has(need) {
		return refuse(KindDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "a %s account needs the %s scope", env, need)
	}
	if !p.AccountAllowed(o.AccIDString()) {
		return refuse(KindDenied, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED, "account %d is not in this key's allowed_acc_ids", o.AccID)
	}
	if !p.MarketAllowed(o.Market) {
		return refuse(KindDenied, gatewayv1.Reason_REASON_MARKET_NOT_ALLOWED, "market %s is not in this key's allowed_markets", o.Market)
	}
	if len(p.AllowedSymbols) > 0 && !containsFold(p.AllowedSymbols, o.SecKey) {
		return refuse(KindDenied, gatewayv1.Reason_REASON_SYMBOL_NOT_ALLOWED, "%s is not in this key's allowed_symbols", o.SecKey)
	}
	if len(p.AllowedSides) > 0 && !containsFold(p.AllowedSides, o.Side) {
		return refuse(KindDenied, gatewayv1.Reason_REASON_SIDE_NOT_ALLOWED, "side %s is not in this key's allowed_trd_sides", o.Side)
	}
	if p.HoursWindow != "" {
		w, err := keypolicy.ParseHoursWindow(p.HoursWindow)
		if err != nil { // a broken window fails closed
			return refuse(KindDenied, gatewayv1.Reason_REASON_OUTSIDE_HOURS_WINDOW, "%v", err)
		}
		if !w.ContainsTime(now, loc) {
			return refuse(KindDenied, gatewayv1.Reason_REASON_OUTSIDE_HOURS_WINDOW, "orders are allowed only within %s (%s); it is %s there",
				p.HoursWindow, loc, now.In(loc).Format("15:04"))
		}
	}
	return nil
}

// CheckInput checks the order's own validity: qty positive and a whole number of
// lots, and for a limit order a positive price on the tick grid.
func CheckInput(o Order, lotSize int32) error {
	if !(o.Qty > 0) || o.Qty > maxQty || math.IsInf(o.Qty, 0) {
		return refuse(KindInvalid, gatewayv1.Reason_REASON_INVALID_ORDER, "qty must be positive (at most %g), got %g", float64(maxQty), o.Qty)
	}
	if lotSize <= 0 {
		lotSize = 1
	}
	if lots := o.Qty / float64(lotSize); lots != math.Trunc(lots) {
		return refuse(KindInvalid, gatewayv1.Reason_REASON_INVALID_ORDER, "qty %g is not a multiple of the lot size %d of %s", o.Qty, lotSize, o.SecKey)
	}
	if o.IsMarket {
		return nil
	}
	if !(o.Price > 0) || math.IsInf(o.Price, 0) {
		return refuse(KindInvalid, gatewayv1.Reason_REASON_INVALID_ORDER, "a limit order needs a positive price, got %g", o.Price)
	}
	if !OnTick(o.SecMarket(), o.Price) {
		return refuse(KindInvalid, gatewayv1.Reason_REASON_INVALID_ORDER, "price %g is not on the tick grid of %s (tick %g)",
			o.Price, o.SecKey, TickSize(o.SecMarket(), o.Price))
	}
	return nil
}

// Value is what the order is worth in its security's currency: qty x limit price,
// or qty x quote for a market order. quote is ignored for limit orders.
func Value(o Order, quote float64) float64 {
	price := o.Price
	if o.IsMarket {
		price = quote
	}
	return o.Qty * price
}

// CheckValue refuses a market order without a usable quote (ok false or quote not
// positive) and an order worth more than the key's max_order_value. It returns the
// order's value.
func CheckValue(p Policy, o Order, quote float64, ok bool) (float64, error) {
	if o.IsMarket && (!ok || !(quote > 0) || math.IsInf(quote, 0)) {
		return 0, refuse(KindUnavailable, gatewayv1.Reason_REASON_NO_QUOTE, "no current quote for %s to value the market order", o.SecKey)
	}
	v := Value(o, quote)
	if p.MaxOrderValue != nil && v > *p.MaxOrderValue+valueEpsilon {
		return v, refuse(KindExhausted, gatewayv1.Reason_REASON_MAX_ORDER_VALUE, "order value %.2f exceeds this key's max_order_value %.2f", v, *p.MaxOrderValue)
	}
	return v, nil
}

// valueEpsilon absorbs float noise in qty x price (values are money: cents matter,
// millionths do not).
const valueEpsilon = 1e-6

// Kind classifies a refusal so the transport picks the status code.
type Kind int

// Kinds of refusal.
const (
	KindDenied      Kind = iota + 1 // the key may not do this (403)
	KindInvalid                     // the order itself is wrong (400)
	KindExhausted                   // a counted limit or the per-order value (429)
	KindUnavailable                 // a dependency failed; nothing was reserved (503)
)

// Refusal is why an order was refused.
type Refusal struct {
	Kind   Kind
	Reason gatewayv1.Reason
	Msg    string
}

func (r *Refusal) Error() string { return errinfo.Code(r.Reason) + ": " + r.Msg }

func refuse(k Kind, reason gatewayv1.Reason, format string, args ...any) *Refusal {
	return &Refusal{Kind: k, Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

// AsRefusal returns err's *Refusal, if it is one.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}

// hkTick is HKEX's spread table: the tick of prices up to each band's top.
func hkTick(price float64) float64 {
	bands := [...]struct{ upTo, tick float64 }{
		{0.25, 0.001}, {0.5, 0.005}, {10, 0.01}, {20, 0.02}, {100, 0.05}, {200, 0.1},
		{500, 0.2}, {1000, 0.5}, {2000, 1}, {5000, 2},
	}
	for _, b := range bands {
		if price <= b.upTo {
			return b.tick
		}
	}
	return 5
}

// TickSize returns the minimum price step at price in a security market: HKEX's
// spread table for HK, 0.01 for US (0.0001 below one dollar) and others.
func TickSize(secMarket string, price float64) float64 {
	switch secMarket {
	case "HK":
		return hkTick(price)
	case "US":
		if price < 1 {
			return 0.0001
		}
	}
	return 0.01
}

// OnTick reports whether price is positive, finite and on the tick grid.
func OnTick(secMarket string, price float64) bool {
	if !(price > 0) || math.IsInf(price, 0) {
		return false
	}
	n := price / TickSize(secMarket, price)
	return math.Abs(n-math.Round(n)) < 1e-6
}
