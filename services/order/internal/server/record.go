package server

import (
	"context"
	"strconv"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
)

// record audits one attempt and counts it.
func (s *Server) record(ctx context.Context, p *authn.Principal, req *gatewayv1.PlaceOrderRequest, at *attempt, err error) {
	reason := reasonOf(err)
	s.d.Metrics.orders.WithLabelValues(at.result, reason).Inc()
	fields := map[string]string{
		"result":     at.result,
		"trd_env":    strconv.Itoa(int(req.GetTrdEnv())),
		"acc_id":     strconv.FormatUint(req.GetAccId(), 10),
		"trd_market": strconv.Itoa(int(req.GetTrdMarket())),
		"code":       truncate(req.GetCode(), 32),
		"sec_market": strconv.Itoa(int(req.GetSecMarket())),
		"trd_side":   strconv.Itoa(int(req.GetTrdSide())),
		"order_type": strconv.Itoa(int(req.GetOrderType())),
		"price":      strconv.FormatFloat(req.GetPrice(), 'g', -1, 64),
		"qty":        strconv.FormatFloat(req.GetQty(), 'g', -1, 64),
		"value":      strconv.FormatFloat(at.value, 'f', 2, 64),
	}
	if at.orderID != "" {
		fields["opend_order_id"] = at.orderID
	}
	if at.tag != "" {
		fields["idempotency_tag"] = at.tag
	}
	if err != nil {
		fields["message"] = truncate(err.Error(), 256)
	}
	s.audit(ctx, p, "order_place", reason, fields)
}

// audit appends one audit entry, detached from the caller (nothing when not configured).
func (s *Server) audit(ctx context.Context, p *authn.Principal, action, reason string, fields map[string]string) {
	if s.d.Audit == nil {
		return
	}
	e := audit.Entry{Action: action, KeyID: p.KeyID, Client: authn.ClientAddr(ctx), Reason: reason, Fields: fields}
	s.settle(ctx, "audit", func(ctx context.Context) error { return s.d.Audit.Append(ctx, e) }, "action", action, "key_id", p.KeyID)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
