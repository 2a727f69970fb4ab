package server

import (
	"context"
	"errors"
	"fmt"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/services/quote/internal/quotefanout"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// Subscribe adds pairs to the caller's session.
func (s *Server) Subscribe(ctx context.Context, req *gatewayv1.SubscribeRequest) (*gatewayv1.SubscribeResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := subs.Pairs(securities(req.GetSecurityList()), req.GetSubTypeList())
	if err != nil {
		return nil, invalid(err.Error())
	}
	s.seen(p)
	ctx, cancel := context.WithTimeout(ctx, s.o.CallTimeout)
	defer cancel()
	if err := s.o.Registry.Subscribe(ctx, p.Session(), ps); err != nil {
		var qe *subs.QuotaError
		if errors.As(err, &qe) {
			// The panel shows it even when the REST caller drops the error.
			s.o.Hub.NotifySession(p.Session(), quotefanout.EventQuotaExceeded, quotaMessage(qe))
		}
		return nil, toStatus(err)
	}
	s.saved(ctx, p.Session())
	return &gatewayv1.SubscribeResponse{}, nil
}

// Unsubscribe removes pairs (or everything) from the caller's session. Upstream
// releases happen later, once OpenD's minimum hold allows.
func (s *Server) Unsubscribe(ctx context.Context, req *gatewayv1.UnsubscribeRequest) (*gatewayv1.UnsubscribeResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	s.seen(p)
	if req.GetUnsubscribeAll() {
		s.o.Registry.UnsubscribeAll(p.Session())
	} else {
		ps, err := subs.Pairs(securities(req.GetSecurityList()), req.GetSubTypeList())
		if err != nil {
			return nil, invalid(err.Error())
		}
		s.o.Registry.Unsubscribe(p.Session(), ps)
	}
	ctx, cancel := context.WithTimeout(ctx, s.o.CallTimeout)
	defer cancel()
	s.saved(ctx, p.Session())
	return &gatewayv1.UnsubscribeResponse{}, nil
}

// ListSubscriptions returns the caller's session's pairs and the service's quota use.
func (s *Server) ListSubscriptions(ctx context.Context, _ *gatewayv1.ListSubscriptionsRequest) (*gatewayv1.ListSubscriptionsResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	s.seen(p)
	resp := &gatewayv1.ListSubscriptionsResponse{}
	for _, pr := range s.o.Registry.Session(p.Session()) {
		resp.Subscriptions = append(resp.Subscriptions, &gatewayv1.Subscription{
			Security: &gatewayv1.Security{Market: pr.Sec.Market, Code: pr.Sec.Code},
			SecKey:   pr.Sec.Key(), SubType: pr.SubType,
		})
	}
	used, quota := s.o.Registry.Quota()
	resp.UsedQuota, resp.RemainQuota = int32(used), int32(max(quota-used, 0))
	return resp, nil
}

// quotaMessage explains a quota refusal to a person.
func quotaMessage(qe *subs.QuotaError) string {
	return fmt.Sprintf("Subscription refused: the quote service's OpenD subscription quota is full "+
		"(%d of %d slots in use, the request needed %d more). Nothing was subscribed; "+
		"unsubscribe from something first.", qe.Used, qe.Quota, qe.Want)
}

func securities(in []*gatewayv1.Security) []subs.Security {
	out := make([]subs.Security, len(in))
	for i, s := range in {
		out[i] = subs.Security{Market: s.GetMarket(), Code: s.GetCode()}
	}
	return out
}

// validSecurities checks a quote request's list.
func validSecurities(in []*gatewayv1.Security) ([]subs.Security, error) {
	secs := securities(in)
	if len(secs) == 0 {
		return nil, invalid("security_list is empty")
	}
	if len(secs) > subs.MaxSecuritiesPerCall {
		return nil, invalid("security_list is too long: at most 50 per call")
	}
	for _, sec := range secs {
		if err := subs.ValidateSecurity(sec); err != nil {
			return nil, invalid("security_list: " + err.Error())
		}
	}
	return secs, nil
}
