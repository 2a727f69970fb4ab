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
	if c == nil {
		return
	}
	bctx, cancel := detached(ctx)
	defer cancel()
	if err := s.d.Idem.Done(bctx, c, orderID); err != nil {
		s.d.Logger.Error("recording idempotent result", "order_id", orderID, obs.Err(err))
	}
}

func (s *Server) keepUnknown(ctx context.Context, c *idem.Claim, day string, micros int64) {
	if c == nil {
		return
	}
	bctx, cancel := detached(ctx)
	defer cancel()
	if err := s.d.Idem.Unknown(bctx, c, day, micros); err != nil {
		// The lease still runs out, and the next retry then takes over and looks first.
		s.d.Logger.Error("recording unknown outcome", obs.Err(err))
	}
}

// releaseBooking gives back a daily value booking after OpenD refused the order or
// the modify it was made for.
func (s *Server) releaseBooking(ctx context.Context, r limits.Reservation) {
	bctx, cancel := detached(ctx)
	defer cancel()
	if err := s.d.Counter.Release(bctx, r); err != nil {
		s.d.Logger.Error("releasing daily value reservation", "key_id", r.KeyID, obs.Err(err))
	}
}

func (s *Server) abandon(ctx context.Context, c *idem.Claim) {
	bctx, cancel := detached(ctx)
	defer cancel()
	if err := s.d.Idem.Abandon(bctx, c); err != nil {
		// The lease still runs out, and the next retry then takes over and looks first.
		s.d.Logger.Error("abandoning idempotency claim", obs.Err(err))
	}
}

func (s *Server) releaseClaim(ctx context.Context, c *idem.Claim) {
	if c == nil {
		return
	}
	bctx, cancel := detached(ctx)
	defer cancel()
	if err := s.d.Idem.Release(bctx, c); err != nil {
		s.d.Logger.Error("releasing idempotency claim", obs.Err(err))
	}
}
