package server

import (
	"context"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
)

// verdict is what the checks said at one moment: the gate that books the order's
// counted limits, or why the order may not go.
type verdict struct {
	id   string       // the attempt's id: the claim's and the window entry's
	gate *limits.Gate // set when the checks passed
	err  error        // the checks' refusal (or failure)
}

// judge runs every check before the counted limits, in the documented order, and
// prepares the gate that books them.
func (s *Server) judge(ctx context.Context, o *placement, at *attempt) verdict {
	v := verdict{id: newAttemptID()}
	now := s.d.Now()
	at.value, _, v.err = s.precheck(ctx, o.pol, o.n, now)
	if v.err == nil {
		v.err = s.d.Placer.Unlocked(o.n.order.Real)
	}
	if v.err == nil {
		v.gate, v.err = s.d.Counter.Gate(o.pol, v.id, at.value, now)
	}
	return v
}

// precheck runs the checks of a new order that book nothing, in the documented
// order: the key's (scope for the account's environment, account, market, symbol,
// side, hours window at now), the request's structure, then checkOrder's. It returns
// checkOrder's value and quote. PlaceOrder and EstimateOrderFee share it, so an
// estimate is refused exactly as the order would be.
func (s *Server) precheck(ctx context.Context, pol limits.Policy, n normalized, now time.Time) (value, quote float64, err error) {
	if err := limits.CheckKey(pol, n.order, now, s.d.HoursTZ); err != nil {
		return 0, 0, err
	}
	if n.problem != nil {
		return 0, 0, n.problem
	}
	return s.checkOrder(ctx, pol, n.order, n.terms, n.qotMarket, n.code)
}

// checkOrder runs the input checks (lot, tick) on o and values it against
// max_order_value at the price that can fill: a limit type at its limit price, a
// market-like type at t.fillPrice of the current quote (that price is returned). The
// value comes back with the value check's refusal too, for the audit entry.
func (s *Server) checkOrder(ctx context.Context, pol limits.Policy, o limits.Order, t terms, qotMarket int32, code string) (value, quote float64, err error) {
	lot, err := s.d.Placer.LotSize(ctx, qotMarket, code)
	if err != nil {
		return 0, 0, err
	}
	if err := limits.CheckInput(o, lot); err != nil {
		return 0, 0, err
	}
	ok := true
	if o.IsMarket {
		if quote, ok, err = s.d.Quoter.Price(ctx, o.SecKey, qotMarket, code); err != nil {
			ok = false
		}
		quote, ok = t.fillPrice(quote, ok && quote > 0)
	}
	value, err = limits.CheckValue(pol, o, quote, ok)
	return value, quote, err
}

// isRefusal tells a refusal (the order may not go) from a failure (something the
// gateway depends on did not answer), for the audit's result.
func isRefusal(err error) bool {
	if r, ok := limits.AsRefusal(err); ok {
		return r.Kind != limits.KindUnavailable || r.Reason == gatewayv1.Reason_REASON_NO_QUOTE
	}
	if e, ok := placer.AsError(err); ok {
		return e.Kind != placer.KindUnavailable && e.Kind != placer.KindUnknown
	}
	return false
}
