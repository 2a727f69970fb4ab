package server

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/services/order/internal/limits"
)

// ListAccounts returns the accounts this key may see: those in its allowed_acc_ids
// (all when unlimited) that trade in at least one of its allowed_markets.
func (s *Server) ListAccounts(ctx context.Context, _ *gatewayv1.ListAccountsRequest) (*gatewayv1.ListAccountsResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	pol := limits.PolicyFrom(p.Owner(), p.Scopes, p.Limits)
	out := &gatewayv1.ListAccountsResponse{}
	for _, a := range s.d.Placer.Accounts() {
		if !pol.AccountAllowed(strconv.FormatUint(a.ID, 10)) {
			continue
		}
		acc := &gatewayv1.Account{AccId: a.ID, TrdEnv: gatewayv1.TrdEnv(a.Env), AccType: a.AccType}
		for _, m := range a.Markets {
			tm := gatewayv1.TrdMarket(m)
			if pol.MarketAllowed(enumName(gatewayv1.TrdMarket_name[m], "TRD_MARKET_", m)) {
				acc.TrdMarkets = append(acc.TrdMarkets, tm)
			}
		}
		if len(acc.TrdMarkets) == 0 && len(a.Markets) > 0 {
			continue
		}
		out.Accounts = append(out.Accounts, acc)
	}
	slices.SortFunc(out.Accounts, func(x, y *gatewayv1.Account) int { return cmp.Compare(x.AccId, y.AccId) })
	return out, nil
}

// GetFunds returns an account's funds.
func (s *Server) GetFunds(ctx context.Context, req *gatewayv1.GetFundsRequest) (*gatewayv1.GetFundsResponse, error) {
	_, h, err := callerAccount(ctx, req, false)
	if err != nil {
		return nil, err
	}
	f, err := s.d.Placer.Funds(ctx, h)
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.GetFundsResponse{Power: f.GetPower(), TotalAssets: f.GetTotalAssets(), Cash: f.GetCash(),
		MarketVal: f.GetMarketVal(), FrozenCash: f.GetFrozenCash(), Currency: f.GetCurrency()}, nil
}

// GetPositions returns an account's positions.
func (s *Server) GetPositions(ctx context.Context, req *gatewayv1.GetPositionsRequest) (*gatewayv1.GetPositionsResponse, error) {
	_, h, err := callerAccount(ctx, req, false)
	if err != nil {
		return nil, err
	}
	list, err := s.d.Placer.Positions(ctx, h)
	if err != nil {
		return nil, toStatus(err)
	}
	out := &gatewayv1.GetPositionsResponse{}
	for _, x := range list {
		out.Positions = append(out.Positions, &gatewayv1.Position{Code: x.GetCode(), Name: x.GetName(), Qty: x.GetQty(),
			CanSellQty: x.GetCanSellQty(), Price: x.GetPrice(), CostPrice: x.GetCostPrice(), Val: x.GetVal(),
			PlVal: x.GetPlVal(), SecMarket: x.GetSecMarket()})
	}
	return out, nil
}
