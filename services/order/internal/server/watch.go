package server

import (
	"context"
	"slices"
	"strconv"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/limits"
)

// WatchTrades is StreamTradePushes for one internal tool: only the accounts its key
// may see, narrowed to req's acc_ids. The authn interceptor ends it when the key
// expires or is revoked.
func (s *Server) WatchTrades(req *gatewayv1.WatchTradesRequest, stream gatewayv1.OrderService_WatchTradesServer) error {
	p, err := authn.FromContext(stream.Context())
	if err != nil {
		return err
	}
	pol := limits.PolicyFrom(p.Owner(), p.Scopes, p.Limits)
	for _, acc := range req.GetAccIds() {
		if !pol.AccountAllowed(strconv.FormatUint(acc, 10)) {
			return errinfo.Newf(codes.PermissionDenied, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED,
				"account %d is not in this key's allowed_acc_ids", acc)
		}
	}
	want := req.GetAccIds()
	return s.relayTrades(stream.Context(), stream, func(m *gatewayv1.TradePush) bool {
		return pol.AccountAllowed(strconv.FormatUint(m.GetAccId(), 10)) &&
			(len(want) == 0 || slices.Contains(want, m.GetAccId()))
	})
}

// relayTrades sends the hub's pushes that keep accepts until ctx ends. A subscriber
// that cannot keep up is cut off (never thinned) and the stream ends with why.
func (s *Server) relayTrades(ctx context.Context, stream grpc.ServerStreamingServer[gatewayv1.TradePush], keep func(*gatewayv1.TradePush) bool) error {
	sub := s.d.Hub.Subscribe()
	defer s.d.Hub.Unsubscribe(sub)
	send := func(p *gatewayv1.TradePush) error {
		if !keep(p) {
			return nil
		}
		return stream.Send(p)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case p := <-sub.C:
			if err := send(p); err != nil {
				return err
			}
		case <-sub.Done():
			// Deliver what was queued before the cut, then end with the reason.
			for {
				select {
				case p := <-sub.C:
					if err := send(p); err != nil {
						return err
					}
				default:
					return streamCut(sub.Err())
				}
			}
		}
	}
}
