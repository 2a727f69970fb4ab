package server

import (
	"context"
	"strconv"
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"google.golang.org/grpc/codes"
)

// ModifyOrder changes an order's qty and price. The order as modified passes the
// key's checks as a new order would (market, symbol, side, hours window, lot and
// tick, max_order_value), and what it adds to the order's value is booked against
// max_daily_value, so a modify can never take an order where placing it could not
// have. A refusal changes nothing; if OpenD refuses the modify, the booking is given
// back.
func (s *Server) ModifyOrder(ctx context.Context, req *gatewayv1.ModifyOrderRequest) (*gatewayv1.ModifyOrderResponse, error) {
	p, h, err := callerAccount(ctx, req, true)
	if err != nil {
		return nil, err
	}
	pol := limits.PolicyFrom(p.Owner(), p.Scopes, p.Limits)
	r, err := s.vetModify(ctx, pol, h, req)
	var id uint64
	if err == nil {
		id, err = s.d.Placer.Modify(ctx, h, req.GetOrderId(), placer.ModifyNormal, req.GetQty(), req.GetPrice())
		if e, ok := placer.AsError(err); ok && e.Definite() {
			s.releaseBooking(ctx, r)
		}
	}
	s.auditModify(ctx, p, "order_modify", req.GetAccId(), req.GetOrderId(), err)
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.ModifyOrderResponse{OrderId: strconv.FormatUint(id, 10)}, nil
}

// vetModify runs the placement checks on the order as req would leave it and books
// the value it adds against the day's cap.
func (s *Server) vetModify(ctx context.Context, pol limits.Policy, h placer.Header, req *gatewayv1.ModifyOrderRequest) (limits.Reservation, error) {
	none := limits.Reservation{KeyID: pol.KeyID}
	if !(req.GetQty() > 0) || !(req.GetPrice() > 0) {
		return none, invalid("qty and price must be positive")
	}
	old, err := s.findOrder(ctx, h, req.GetOrderId())
	if err != nil {
		return none, err
	}
	o, qotMarket, code, err := modifiedOrder(h, old, req.GetQty(), req.GetPrice())
	if err != nil {
		return none, err
	}
	if err := limits.CheckKey(pol, o, s.d.Now(), s.d.HoursTZ); err != nil {
		return none, err
	}
	v, quote, err := s.checkOrder(ctx, pol, o, qotMarket, code)
	if err != nil {
		return none, err
	}
	was := o
	was.Qty, was.Price = old.GetQty(), old.GetPrice()
	added := v - limits.Value(was, quote)
	if pol.MaxDailyValue == nil || added <= 0 {
		return none, nil // a smaller order gives nothing back: the day's total only grows
	}
	pol.MaxPerMinute = nil // a modify is not a new order in the per-minute window
	return s.d.Counter.Reserve(ctx, pol, newAttemptID(), added, s.d.Now())
}

// findOrder is the account's order orderID from OpenD's list of today's orders.
func (s *Server) findOrder(ctx context.Context, h placer.Header, orderID string) (*trdcommon.Order, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(orderID), 10, 64)
	if err != nil {
		return nil, invalid("order_id must be OpenD's numeric order id")
	}
	list, err := s.d.Placer.Orders(ctx, h)
	if err != nil {
		return nil, err
	}
	for _, o := range list {
		if o.GetOrderID() == id {
			return o, nil
		}
	}
	return nil, errinfo.Newf(codes.NotFound, gatewayv1.Reason_REASON_NOT_FOUND, "no order %d among this account's orders of today", id)
}

// modifiedOrder is old, as the checks see it, with qty and price changed; and the
// quote side's market and code of its security.
func modifiedOrder(h placer.Header, old *trdcommon.Order, qty, price float64) (limits.Order, int32, string, error) {
	secMarket := old.GetSecMarket()
	if secMarket == 0 {
		secMarket = defaultSecMarket(gatewayv1.TrdMarket(h.Market))
	}
	info, ok := secMarketOf(secMarket)
	if !ok {
		return limits.Order{}, 0, "", invalid("the order's sec_market %d is not supported", secMarket)
	}
	code := strings.ToUpper(old.GetCode())
	side := old.GetTrdSide()
	return limits.Order{
		Real:     h.Env == int32(gatewayv1.TrdEnv_TRD_ENV_REAL),
		AccID:    h.AccID,
		Market:   enumName(gatewayv1.TrdMarket_name[h.Market], "TRD_MARKET_", h.Market),
		SecKey:   info.prefix + "." + code,
		Side:     enumName(gatewayv1.TrdSide_name[side], "TRD_SIDE_", side),
		IsMarket: old.GetOrderType() == int32(gatewayv1.OrderType_ORDER_TYPE_MARKET),
		Price:    price,
		Qty:      qty,
	}, info.qotMarket, code, nil
}
