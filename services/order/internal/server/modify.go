package server

import (
	"context"
	"strconv"
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"google.golang.org/grpc/codes"
)

// ModifyOrder performs one ModifyOrderOp on an order (absent = NORMAL).
//
// NORMAL changes qty and price (and a waiting conditional order's trigger terms,
// absent ones kept): the order as modified passes the key's checks as a new order
// would (market, symbol, side, hours window, lot and tick, max_order_value), and what
// it adds to the order's value is booked against max_daily_value, so a modify can
// never take an order where placing it could not have. ENABLE puts a disabled order
// back in the market, so it passes the same checks as it stands (its value was booked
// when it was placed). CANCEL, DISABLE and DELETE take an order out and need only the
// trade scope and the account. A refusal changes nothing; if OpenD refuses the
// modify, the booking is given back. With an Idempotency-Key it runs once (once).
func (s *Server) ModifyOrder(ctx context.Context, req *gatewayv1.ModifyOrderRequest) (*gatewayv1.ModifyOrderResponse, error) {
	p, h, err := callerAccount(ctx, req, true)
	if err != nil {
		return nil, err
	}
	op := int32(req.GetModifyOrderOp())
	if op == 0 {
		op = placer.ModifyNormal
	}
	id, replayed, err := s.once(ctx, p.Owner(), "modify", req, func() (string, error) { return s.modify(ctx, p, h, op, req) })
	if replayed {
		s.auditReplay(ctx, p, modifyAction(op), req.GetAccId(), req.GetOrderId())
	}
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.ModifyOrderResponse{OrderId: id}, nil
}

// modify runs the checks of op and sends it; it audits the attempt.
func (s *Server) modify(ctx context.Context, p *authn.Principal, h placer.Header, op int32, req *gatewayv1.ModifyOrderRequest) (string, error) {
	var err error
	pol := limits.PolicyFrom(p.Owner(), p.Scopes, p.Limits)
	var r limits.Reservation
	var t placer.Terms
	switch op {
	case placer.ModifyNormal:
		r, t, err = s.vetModify(ctx, pol, h, req)
	case placer.ModifyEnable:
		err = s.vetEnable(ctx, pol, h, req.GetOrderId())
	case placer.ModifyCancel, placer.ModifyDisable, placer.ModifyDelete:
		if req.GetQty() != 0 || req.GetPrice() != 0 || req.GetAuxPrice() != 0 || req.GetTrailType() != 0 || req.GetTrailValue() != 0 || req.GetTrailSpread() != 0 {
			err = invalid("modify_order_op %d takes no qty, price or trigger terms", op)
		}
	default:
		err = invalid("modify_order_op must be 1 NORMAL, 2 CANCEL, 3 DISABLE, 4 ENABLE or 5 DELETE, got %d", op)
	}
	var id uint64
	if err == nil {
		id, err = s.d.Placer.ModifyTerms(ctx, h, req.GetOrderId(), op, req.GetQty(), req.GetPrice(), t)
		if e, ok := placer.AsError(err); ok && e.Definite() {
			s.releaseBooking(ctx, r)
		}
	}
	s.auditModify(ctx, p, modifyAction(op), req.GetAccId(), req.GetOrderId(), err)
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(id, 10), nil
}

// modifyAction names a modify op in the audit log; NORMAL keeps its old name.
func modifyAction(op int32) string {
	switch op {
	case placer.ModifyCancel:
		return "order_cancel"
	case placer.ModifyDisable:
		return "order_disable"
	case placer.ModifyEnable:
		return "order_enable"
	case placer.ModifyDelete:
		return "order_delete"
	}
	return "order_modify"
}

// vetModify runs the placement checks on the order as req would leave it and books
// the value it adds against the day's cap. It returns the trigger terms to send: a
// waiting conditional order's, with absent ones kept.
func (s *Server) vetModify(ctx context.Context, pol limits.Policy, h placer.Header, req *gatewayv1.ModifyOrderRequest) (limits.Reservation, placer.Terms, error) {
	none := limits.Reservation{KeyID: pol.KeyID}
	old, err := s.findOrder(ctx, h, req.GetOrderId())
	if err != nil {
		return none, placer.Terms{}, err
	}
	t := termsOf(old)
	if req.GetAuxPrice() != 0 {
		t.aux = req.GetAuxPrice()
	}
	if req.GetTrailType() != 0 {
		t.trailType = int32(req.GetTrailType())
	}
	if req.GetTrailValue() != 0 {
		t.trailValue = req.GetTrailValue()
	}
	if req.GetTrailSpread() != 0 {
		t.trailSpread = req.GetTrailSpread()
	}
	if !(req.GetQty() > 0) || (hasLimit(t.typ) && !(req.GetPrice() > 0)) {
		return none, placer.Terms{}, invalid("qty and price must be positive")
	}
	if err := t.check(); err != nil {
		return none, placer.Terms{}, invalid("%s", err.Error())
	}
	o, qotMarket, code, err := modifiedOrder(h, old, req.GetQty(), req.GetPrice())
	if err != nil {
		return none, placer.Terms{}, err
	}
	if err := limits.CheckKey(pol, o, s.d.Now(), s.d.HoursTZ); err != nil {
		return none, placer.Terms{}, err
	}
	v, quote, err := s.checkOrder(ctx, pol, o, t, qotMarket, code)
	if err != nil {
		return none, placer.Terms{}, err
	}
	send := placer.Terms{AuxPrice: t.aux, TrailType: t.trailType, TrailValue: t.trailValue, TrailSpread: t.trailSpread}
	was := o
	was.Qty, was.Price = old.GetQty(), old.GetPrice()
	added := v - limits.Value(was, quote)
	if pol.MaxDailyValue == nil || added <= 0 {
		return none, send, nil // a smaller order gives nothing back: the day's total only grows
	}
	pol.MaxPerMinute = nil // a modify is not a new order in the per-minute window
	r, err := s.d.Counter.Reserve(ctx, pol, newAttemptID(), added, s.d.Now())
	return r, send, err
}

// vetEnable runs the placement checks (not the counted limits: the order's value was
// booked when it was placed) on a disabled order about to go back to the market.
func (s *Server) vetEnable(ctx context.Context, pol limits.Policy, h placer.Header, orderID string) error {
	old, err := s.findOrder(ctx, h, orderID)
	if err != nil {
		return err
	}
	o, qotMarket, code, err := modifiedOrder(h, old, old.GetQty(), old.GetPrice())
	if err != nil {
		return err
	}
	if err := limits.CheckKey(pol, o, s.d.Now(), s.d.HoursTZ); err != nil {
		return err
	}
	_, _, err = s.checkOrder(ctx, pol, o, termsOf(old), qotMarket, code)
	return err
}

// termsOf is an order's type and trigger terms as OpenD lists them. A trailing
// order's listed aux_price is where its stop stands now, moved by OpenD with the
// market: not a term of the order, so it is neither checked nor sent back.
func termsOf(o *trdcommon.Order) terms {
	t := terms{typ: o.GetOrderType(), aux: o.GetAuxPrice(), trailType: o.GetTrailType(),
		trailValue: o.GetTrailValue(), trailSpread: o.GetTrailSpread()}
	if orderTypes[t.typ].trailing {
		t.aux = 0
	}
	return t
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
		IsMarket: !hasLimit(old.GetOrderType()),
		Price:    price,
		Qty:      qty,
	}, info.qotMarket, code, nil
}
