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
	value, err := s.vet(ctx, o.pol, o.n, now, at)
	if err == nil {
		v.gate, err = s.d.Counter.Gate(o.pol, v.id, value, now)
	}
	v.err = err
	return v
}

// vet runs every check before the counted limits, in the documented order, and
// returns the order's value.
func (s *Server) vet(ctx context.Context, pol limits.Policy, n normalized, now time.Time, at *attempt) (float64, error) {
	if err := limits.CheckKey(pol, n.order, now, s.d.HoursTZ); err != nil {
		return 0, err
	}
	if n.problem != nil {
		return 0, n.problem
	}
	v, _, err := s.checkOrder(ctx, pol, n.order, n.qotMarket, n.code)
	at.value = v
	if err != nil {
		return 0, err
	}
	if n.order.Real && !s.d.Placer.TradingUnlocked() {
		return 0, &placer.Error{Kind: placer.KindLocked, Reason: gatewayv1.Reason_REASON_TRADING_LOCKED,
			Msg: "real trading is locked: the order service has no (valid) trade password"}
	}
	return v, nil
}

// checkOrder runs the input checks (lot, tick) on o and values it, a market order at
// the current quote (also returned), against max_order_value. The value comes back
// with the value check's refusal too, for the audit entry.
func (s *Server) checkOrder(ctx context.Context, pol limits.Policy, o limits.Order, qotMarket int32, code string) (value, quote float64, err error) {
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
