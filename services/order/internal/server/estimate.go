package server

import (
	"context"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/fees"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/services/order/internal/limits"
)

// EstimateOrderFee prices the order a PlaceOrder body describes, as if it filled in
// full at the price its value is checked at, by Futu's published schedule (package
// fees). It runs PlaceOrder's checks that book nothing (precheck, then whether real
// trading is unlocked) and nothing else:
// no counted limit, no idempotency record, nothing to OpenD's trade side, no audit
// entry; a fee quote is not an order.
func (s *Server) EstimateOrderFee(ctx context.Context, req *gatewayv1.PlaceOrderRequest) (*gatewayv1.EstimateOrderFeeResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := s.estimate(ctx, p, req)
	result := "estimated"
	switch {
	case err == nil:
	case isRefusal(err):
		result = "refused"
	default:
		result = "failed"
	}
	reason := reasonOf(err)
	s.d.Metrics.estimates.WithLabelValues(result, reason).Inc()
	s.d.Logger.Debug("order fee estimate", "key_id", p.KeyID, "result", result, "reason", reason)
	if err != nil {
		return nil, toStatus(err)
	}
	return resp, nil
}

func (s *Server) estimate(ctx context.Context, p *authn.Principal, req *gatewayv1.PlaceOrderRequest) (*gatewayv1.EstimateOrderFeeResponse, error) {
	n, err := normalize(req)
	if err != nil {
		return nil, err
	}
	pol := limits.PolicyFrom(p.Owner(), p.Scopes, p.Limits)
	value, quote, err := s.precheck(ctx, pol, n, s.d.Now())
	if err != nil {
		return nil, err
	}
	// A real order with real trading locked would be refused: so is its estimate.
	if err := s.d.Placer.Unlocked(n.order.Real); err != nil {
		return nil, err
	}
	price := n.order.Price
	if n.order.IsMarket {
		price = quote
	}
	resp := &gatewayv1.EstimateOrderFeeResponse{OrderValue: value, Price: price, FeeList: []*gatewayv1.FeeEstimateItem{}}
	side := req.GetTrdSide()
	items, currency, ok := fees.For(fees.Execution{Market: n.qotMarket, Shares: n.order.Qty, Value: value,
		Sell: side == gatewayv1.TrdSide_TRD_SIDE_SELL || side == gatewayv1.TrdSide_TRD_SIDE_SELL_SHORT})
	resp.Currency = currency
	switch {
	case !n.order.Real: // paper trading is free, as the simulator and Futu charge it
		resp.Basis = gatewayv1.FeeBasis_FEE_BASIS_SIMULATED
	case !ok:
		resp.Basis = gatewayv1.FeeBasis_FEE_BASIS_NO_SCHEDULE
	default:
		resp.Basis = gatewayv1.FeeBasis_FEE_BASIS_STANDARD_SCHEDULE
		resp.FeeAmount = fees.Total(items)
		for _, it := range items {
			resp.FeeList = append(resp.FeeList, &gatewayv1.FeeEstimateItem{Title: it.Title, Value: it.Value})
		}
	}
	return resp, nil
}
