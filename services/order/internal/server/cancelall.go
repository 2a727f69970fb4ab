package server

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// cancelAllAnswer is what a finished cancel-all's idempotency record holds (OpenD
// answers a cancel-all with no order id).
const cancelAllAnswer = "all"

// CancelAllOrder cancels every open or disabled order of the account, optionally of
// one market (Trd_ModifyOrder forAll). It needs the trade scope of the account's
// environment and the account in allowed_acc_ids; it takes a slot of the key's
// per-minute order window (a full window refuses it, and it refuses the next order
// as a placement would); it is audited (order_cancel_all). With an Idempotency-Key it
// runs once: a retry with the same body answers the first result without sending,
// and a retry after an unknown outcome sends again (cancelling all is harmless twice)
// on the first attempt's booking.
func (s *Server) CancelAllOrder(ctx context.Context, req *gatewayv1.CancelAllOrderRequest) (*gatewayv1.CancelAllOrderResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	result := "refused"
	h, err := account(p, req.GetTrdEnv(), req.GetAccId(), req.GetTrdMarket(), true)
	only := int32(req.GetOnlyTrdMarket())
	if err == nil && only != 0 && gatewayv1.TrdMarket_name[only] == "" {
		err = invalid("only_trd_market must be 1 HK, 2 US, 3 CN or 4 HKCC, got %d", only)
	}
	if err == nil {
		result, err = s.cancelAll(ctx, limits.PolicyFrom(p.Owner(), p.Scopes, p.Limits), h, only, req)
	}
	s.d.Metrics.orders.WithLabelValues("cancel_all_"+result, reasonOf(err)).Inc()
	fields := map[string]string{
		"result":          result,
		"trd_env":         strconv.Itoa(int(req.GetTrdEnv())),
		"acc_id":          strconv.FormatUint(req.GetAccId(), 10),
		"trd_market":      strconv.Itoa(int(req.GetTrdMarket())),
		"only_trd_market": strconv.Itoa(int(only)),
	}
	if err != nil {
		fields["message"] = truncate(err.Error(), 256)
	}
	s.audit(ctx, p, "order_cancel_all", reasonOf(err), fields)
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.CancelAllOrderResponse{}, nil
}

// cancelAll admits the cancel-all (its idempotency claim and its window slot, in one
// script when keyed) and sends it; it returns the audit's result.
func (s *Server) cancelAll(ctx context.Context, pol limits.Policy, h placer.Header, only int32, req *gatewayv1.CancelAllOrderRequest) (string, error) {
	key := ""
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(IdempotencyHeader); len(v) > 0 {
			key = strings.TrimSpace(v[0])
		}
	}
	if len(key) > idem.MaxKeyLen {
		return "refused", invalid("idempotency key longer than %d bytes", idem.MaxKeyLen)
	}
	var claim *idem.Claim
	var booked limits.Reservation
	if key == "" {
		id := newAttemptID()
		g, err := s.d.Counter.Gate(pol, id, 0, s.d.Now())
		if err == nil {
			booked, err = s.d.Counter.Book(ctx, g)
		}
		if err != nil {
			return resultOf(err), err
		}
	} else {
		b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(req)
		hash := idem.BodyHash(append([]byte("cancel-all\x00"), b...))
		var wait *idem.Waiter
		for claim == nil {
			id := newAttemptID()
			g, err := s.d.Counter.Gate(pol, id, 0, s.d.Now())
			if err != nil {
				return resultOf(err), err
			}
			a := idem.Attempt{KeyID: pol.KeyID, Key: key, BodyHash: hash, ID: id}
			if g.Counts() {
				a.Gate = g
			}
			start := time.Now()
			out, err := s.d.Idem.Claim(ctx, a)
			if err != nil {
				if !errors.Is(err, idem.ErrConflict) { // it may have claimed without answering
					bctx, cancel := detached(ctx)
					_ = s.d.Idem.ReleaseAttempt(bctx, pol.KeyID, key, id)
					cancel()
				}
				return resultOf(err), idemError(err)
			}
			switch out.State {
			case idem.Replay:
				return "replayed", nil
			case idem.Resume:
				claim = out.Claim
				booked = limits.Reservation{KeyID: pol.KeyID, Day: claim.PriorDay, Micros: claim.PriorMicros}
				if claim.PriorState != idem.StateUnknown { // the vanished owner may not have booked
					if booked, err = s.d.Counter.Book(ctx, g); err != nil {
						s.releaseClaim(ctx, claim)
						return resultOf(err), err
					}
				}
			case idem.Fresh:
				if booked, err = g.Settle(out.Gate, nil, time.Since(start)); err != nil {
					s.releaseClaim(ctx, out.Claim)
					return resultOf(err), err
				}
				claim = out.Claim
			case idem.Wait:
				if wait == nil {
					wait = s.d.Idem.Waiter()
				}
				if err := wait.Await(ctx, pol.KeyID, key); err != nil {
					return "failed", idemError(err)
				}
			}
		}
	}
	err := s.d.Placer.CancelAll(ctx, h, only)
	if err == nil {
		s.markDone(ctx, claim, cancelAllAnswer)
		return "cancelled", nil
	}
	if e, ok := placer.AsError(err); ok && !e.Definite() {
		s.keepUnknown(ctx, claim, booked.Day, booked.Micros)
		return "unknown", err
	}
	// OpenD said no (or was never reached): the record is freed; the slot stays in the
	// per-minute window, as a placement OpenD refused keeps its own.
	s.releaseClaim(ctx, claim)
	return resultOf(err), err
}

// resultOf is the audit's result of a cancel-all that did not go.
func resultOf(err error) string {
	if isRefusal(err) || errors.Is(err, idem.ErrConflict) {
		return "refused"
	}
	return "failed"
}
