package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// IdempotencyHeader is the gRPC metadata key the edge forwards the HTTP
// Idempotency-Key header as.
const IdempotencyHeader = "idempotency-key"

// attempt collects what one PlaceOrder did, for the audit entry and metrics.
type attempt struct {
	result  string // placed, refused, replayed, unknown, failed
	value   float64
	orderID string
	tag     string
}

// placement is one PlaceOrder request, prepared for the checks, the claim and OpenD.
type placement struct {
	pol  limits.Policy
	n    normalized
	req  *gatewayv1.PlaceOrderRequest
	key  string // the idempotency key; "" = none
	hash string // the body a retry must repeat (keyed only)
}

// PlaceOrder runs the checks in order, books the counted limits and places the order
// through OpenD; with an idempotency key, retries get the first result.
func (s *Server) PlaceOrder(ctx context.Context, req *gatewayv1.PlaceOrderRequest) (*gatewayv1.PlaceOrderResponse, error) {
	start := time.Now()
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	var at attempt
	id, err := s.place(ctx, p, req, &at)
	if err == nil && at.result == "placed" {
		s.d.Metrics.placement.Observe(time.Since(start).Seconds())
	}
	s.record(ctx, p, req, &at, err)
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.PlaceOrderResponse{OrderId: id}, nil
}

// place admits the attempt (admit: the claim's state machine) and, if it is cleared
// to, sends it (send: the only way to OpenD).
func (s *Server) place(ctx context.Context, p *authn.Principal, req *gatewayv1.PlaceOrderRequest, at *attempt) (string, error) {
	at.result = "refused"
	n, err := normalize(req)
	if err != nil {
		return "", err
	}
	key, err := idempotencyKey(ctx, req)
	if err != nil {
		return "", err
	}
	o := &placement{pol: limits.PolicyFrom(p.Owner(), p.Scopes, p.Limits), n: n, req: req, key: key}
	if key != "" {
		o.hash = bodyHash(req)
	}
	a, err := s.admit(ctx, o, at)
	if err != nil || a.answer != "" {
		return a.answer, err
	}
	return s.send(ctx, o, a, at)
}

func idemError(err error) error {
	if errors.Is(err, idem.ErrConflict) || errors.Is(err, idem.ErrPending) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err // the caller's deadline ran out while waiting: not Redis' fault
	}
	return errinfo.Fault(codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, redisDownText, err)
}

// tagged is n with the claim's tag in its remark, so a retry can find the order.
func (n normalized) tagged(c *idem.Claim, req *gatewayv1.PlaceOrderRequest) normalized {
	if c != nil {
		n.place.Remark = remarkWith(c.Tag, req.GetRemark())
	}
	return n
}

// idempotencyKey is the Idempotency-Key the edge forwarded, else client_order_id.
func idempotencyKey(ctx context.Context, req *gatewayv1.PlaceOrderRequest) (string, error) {
	k := ""
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(IdempotencyHeader); len(v) > 0 {
			k = strings.TrimSpace(v[0])
		}
	}
	if k == "" {
		k = strings.TrimSpace(req.GetClientOrderId())
	}
	if len(k) > idem.MaxKeyLen {
		return "", invalid("idempotency key longer than %d bytes", idem.MaxKeyLen)
	}
	return k, nil
}

// bodyHash hashes the request as retries must repeat it: every field except
// client_order_id (which may be the key itself).
func bodyHash(req *gatewayv1.PlaceOrderRequest) string {
	c := proto.Clone(req).(*gatewayv1.PlaceOrderRequest)
	c.ClientOrderId = ""
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	return idem.BodyHash(b)
}

func newAttemptID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

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
