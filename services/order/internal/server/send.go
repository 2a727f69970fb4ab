package server

import (
	"context"
	"strconv"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
)

// send is the only path from placement to OpenD: it places an admitted order once,
// then settles its record and booking by the outcome before answering. The placed
// order's result is written (and, with -redis-min-replicas, acknowledged) before its
// answer leaves, so a retry after the answer always finds it.
func (s *Server) send(ctx context.Context, o *placement, a admission, at *attempt) (string, error) {
	id, err := s.d.Placer.Place(ctx, o.n.tagged(a.claim, o.req).place)
	if err == nil {
		oid := strconv.FormatUint(id, 10)
		s.markDone(ctx, a.claim, oid)
		at.result, at.orderID = "placed", oid
		return oid, nil
	}
	if e, ok := placer.AsError(err); ok && !e.Definite() {
		// Maybe placed: keep the booking and leave the record "unknown" so the next
		// retry looks for the order before sending again.
		s.keepUnknown(ctx, a.claim, a.booked.Day, a.booked.Micros)
		at.result = "unknown"
		return "", err
	}
	// OpenD said no (or was never reached): nothing was placed.
	s.releaseBooking(ctx, a.booked)
	s.releaseClaim(ctx, a.claim)
	if isRefusal(err) {
		at.result = "refused"
	} else {
		at.result = "failed"
	}
	return "", err
}

// markDone records the placed order as the key's result. If the write fails the
// order still stands and is answered: the record stays pending under its lease, and
// the retry that takes it over finds the order by its remark tag.
func (s *Server) markDone(ctx context.Context, c *idem.Claim, orderID string) {
	s.settle(ctx, "recording idempotent result", func(ctx context.Context) error { return s.d.Idem.Done(ctx, c, orderID) }, "order_id", orderID)
}

// keepUnknown and abandon may fail: the lease still runs out, and the next retry then
// takes over and looks first.
func (s *Server) keepUnknown(ctx context.Context, c *idem.Claim, day string, micros int64) {
	s.settle(ctx, "recording unknown outcome", func(ctx context.Context) error { return s.d.Idem.Unknown(ctx, c, day, micros) })
}

func (s *Server) abandon(ctx context.Context, c *idem.Claim) {
	s.settle(ctx, "abandoning idempotency claim", func(ctx context.Context) error { return s.d.Idem.Abandon(ctx, c) })
}

func (s *Server) releaseClaim(ctx context.Context, c *idem.Claim) {
	s.settle(ctx, "releasing idempotency claim", func(ctx context.Context) error { return s.d.Idem.Release(ctx, c) })
}

// releaseBooking gives back a daily value booking after OpenD refused the order or
// the modify it was made for.
func (s *Server) releaseBooking(ctx context.Context, r limits.Reservation) {
	s.settle(ctx, "releasing daily value reservation", func(ctx context.Context) error { return s.d.Counter.Release(ctx, r) }, "key_id", r.KeyID)
}

// settle runs a bookkeeping write detached from the caller, logging its failure.
func (s *Server) settle(ctx context.Context, what string, write func(context.Context) error, attrs ...any) {
	bctx, cancel := detached(ctx)
	defer cancel()
	if err := write(bctx); err != nil {
		s.d.Logger.Error(what, append(attrs, obs.Err(err))...)
	}
}
