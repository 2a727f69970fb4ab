package server

import (
	"context"
	"errors"
	"strconv"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"github.com/futugw/gateway/services/order/internal/tradefanout"
	"google.golang.org/grpc/codes"
)

// accountRequest is what every account-scoped request carries.
type accountRequest interface {
	GetTrdEnv() gatewayv1.TrdEnv
	GetAccId() uint64
	GetTrdMarket() gatewayv1.TrdMarket
}

// callerAccount is every account-scoped handler's preamble: the caller's principal
// and the header of the account it may use (trade scope checked when trade is set).
func callerAccount(ctx context.Context, req accountRequest, trade bool) (*authn.Principal, placer.Header, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, placer.Header{}, err
	}
	h, err := account(p, req.GetTrdEnv(), req.GetAccId(), req.GetTrdMarket(), trade)
	if err != nil {
		return nil, placer.Header{}, toStatus(err)
	}
	return p, h, nil
}

// account checks that p may use the account of (env, acc) — trade scope for the env
// when trade is set, and the allowed_acc_ids list — and returns its header.
func account(p *authn.Principal, env gatewayv1.TrdEnv, acc uint64, mkt gatewayv1.TrdMarket, trade bool) (placer.Header, error) {
	if env != gatewayv1.TrdEnv_TRD_ENV_SIMULATE && env != gatewayv1.TrdEnv_TRD_ENV_REAL {
		return placer.Header{}, invalid("trd_env must be 0 (simulate) or 1 (real), got %d", int32(env))
	}
	pol := limits.PolicyFrom(p.Owner(), p.Scopes, p.Limits)
	if trade {
		need := keypolicy.TradeScope(env == gatewayv1.TrdEnv_TRD_ENV_REAL)
		if !p.Has(need) {
			return placer.Header{}, errinfo.Newf(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "this account needs the %s scope", need)
		}
	}
	if !pol.AccountAllowed(strconv.FormatUint(acc, 10)) {
		return placer.Header{}, errinfo.Newf(codes.PermissionDenied, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED, "account %d is not in this key's allowed_acc_ids", acc)
	}
	if acc == 0 || mkt == gatewayv1.TrdMarket_TRD_MARKET_UNKNOWN {
		return placer.Header{}, invalid("acc_id and trd_market are required")
	}
	return placer.Header{Env: int32(env), AccID: acc, Market: int32(mkt)}, nil
}

// CancelOrder cancels an order; with an Idempotency-Key it runs once (once).
func (s *Server) CancelOrder(ctx context.Context, req *gatewayv1.CancelOrderRequest) (*gatewayv1.ModifyOrderResponse, error) {
	p, h, err := callerAccount(ctx, req, true)
	if err != nil {
		return nil, err
	}
	id, replayed, err := s.once(ctx, p.Owner(), "cancel", req, func() (string, error) {
		id, err := s.d.Placer.Modify(ctx, h, req.GetOrderId(), placer.ModifyCancel, 0, 0)
		s.auditModify(ctx, p, "order_cancel", req.GetAccId(), req.GetOrderId(), err)
		if err != nil {
			return "", err
		}
		return strconv.FormatUint(id, 10), nil
	})
	if replayed {
		s.auditReplay(ctx, p, "order_cancel", req.GetAccId(), req.GetOrderId())
	}
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.ModifyOrderResponse{OrderId: id}, nil
}

// ListOrders returns today's orders of an account.
func (s *Server) ListOrders(ctx context.Context, req *gatewayv1.ListOrdersRequest) (*gatewayv1.ListOrdersResponse, error) {
	_, h, err := callerAccount(ctx, req, false)
	if err != nil {
		return nil, err
	}
	list, err := s.d.Placer.Orders(ctx, h)
	if err != nil {
		return nil, toStatus(err)
	}
	out := &gatewayv1.ListOrdersResponse{Orders: make([]*gatewayv1.Order, 0, len(list))}
	for _, o := range list {
		out.Orders = append(out.Orders, orderOut(o))
	}
	return out, nil
}

func orderOut(o *trdcommon.Order) *gatewayv1.Order {
	return &gatewayv1.Order{
		OrderId: strconv.FormatUint(o.GetOrderID(), 10), Code: o.GetCode(), Name: o.GetName(),
		TrdSide: gatewayv1.TrdSide(o.GetTrdSide()), OrderType: gatewayv1.OrderType(o.GetOrderType()),
		OrderStatus: orderStatusOut(o.GetOrderStatus()), Qty: o.GetQty(), Price: o.GetPrice(),
		FillQty: o.GetFillQty(), FillAvgPrice: o.GetFillAvgPrice(),
		CreateTime: o.GetCreateTime(), UpdateTime: o.GetUpdateTime(), LastErrMsg: o.GetLastErrMsg(), Remark: o.GetRemark(),
		AuxPrice: o.GetAuxPrice(), TrailType: gatewayv1.TrailType(o.GetTrailType()), TrailValue: o.GetTrailValue(),
		TrailSpread: o.GetTrailSpread(), TimeInForce: gatewayv1.TimeInForce(o.GetTimeInForce()),
		FillOutsideRth: o.GetFillOutsideRTH(),
	}
}

// orderStatusOut names OpenD's Trd_Common.OrderStatus number: the API's enum has
// Futu's numbers, and a number it lacks (a status newer than this gateway) becomes
// ORDER_STATUS_UNKNOWN, so REST always answers a name.
func orderStatusOut(n int32) gatewayv1.OrderStatus {
	if _, ok := gatewayv1.OrderStatus_name[n]; !ok {
		return gatewayv1.OrderStatus_ORDER_STATUS_UNKNOWN
	}
	return gatewayv1.OrderStatus(n)
}

// ListOrderFills returns today's fills of an account.
func (s *Server) ListOrderFills(ctx context.Context, req *gatewayv1.ListOrderFillsRequest) (*gatewayv1.ListOrderFillsResponse, error) {
	_, h, err := callerAccount(ctx, req, false)
	if err != nil {
		return nil, err
	}
	list, err := s.d.Placer.Fills(ctx, h)
	if err != nil {
		return nil, toStatus(err)
	}
	out := &gatewayv1.ListOrderFillsResponse{Fills: make([]*gatewayv1.OrderFill, 0, len(list))}
	for _, f := range list {
		out.Fills = append(out.Fills, &gatewayv1.OrderFill{
			FillId: strconv.FormatUint(f.GetFillID(), 10), OrderId: strconv.FormatUint(f.GetOrderID(), 10),
			Code: f.GetCode(), Name: f.GetName(), TrdSide: gatewayv1.TrdSide(f.GetTrdSide()),
			Qty: f.GetQty(), Price: f.GetPrice(), CreateTime: f.GetCreateTime(),
		})
	}
	return out, nil
}

// StreamTradePushes sends every 2208/2218 push until the client leaves; a stream
// that cannot keep up is closed (never thinned), and the edge reconnects.
func (s *Server) StreamTradePushes(_ *gatewayv1.StreamTradePushesRequest, stream gatewayv1.OrderService_StreamTradePushesServer) error {
	return s.relayTrades(stream.Context(), stream, func(*gatewayv1.TradePush) bool { return true })
}

func (s *Server) auditModify(ctx context.Context, p *authn.Principal, action string, acc uint64, orderID string, err error) {
	result := "ok"
	if err != nil {
		result = "refused"
	}
	s.d.Metrics.orders.WithLabelValues(action+"_"+result, reasonOf(err)).Inc()
	s.audit(ctx, p, action, reasonOf(err), map[string]string{
		"result": result, "acc_id": strconv.FormatUint(acc, 10), "opend_order_id": truncate(orderID, 32),
	})
}

// auditReplay records a modify or cancel answered from its idempotency record.
func (s *Server) auditReplay(ctx context.Context, p *authn.Principal, action string, acc uint64, orderID string) {
	s.d.Metrics.orders.WithLabelValues(action+"_replayed", "").Inc()
	s.audit(ctx, p, action, "", map[string]string{
		"result": "replayed", "acc_id": strconv.FormatUint(acc, 10), "opend_order_id": truncate(orderID, 32),
	})
}

// streamCut is the status a trade push stream ends with when the hub cut it off: a
// subscriber too slow for the pushes, or every subscriber after OpenD reconnected (the
// edge reconnects either way and its sockets reload what they show).
func streamCut(err error) error {
	if errors.Is(err, tradefanout.ErrSlow) {
		return errinfo.New(codes.ResourceExhausted, gatewayv1.Reason_REASON_RATE_LIMITED, err.Error())
	}
	return errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_OPEND_UNAVAILABLE, err.Error())
}
