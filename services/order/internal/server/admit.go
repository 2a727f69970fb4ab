package server

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
)

// admission is what admit decided: an answer known without sending (an earlier
// attempt's order), or an attempt cleared to send once, with the record it holds
// (nil without an idempotency key) and the limits it booked.
type admission struct {
	answer string
	claim  *idem.Claim
	booked limits.Reservation
}

// admit is placement's state machine. Without an idempotency key the attempt is
// fresh at once. With one, each round judges the order now (the checks; they
// prepare the limits' gate) and claims the key in one script, which says how to go
// on:
//
//	replay  a finished record: answer with its order.
//	resume  a record whose send may have happened: find the order, else send.
//	fresh   the key was free: claimed with the limits booked by the gate in the same
//	        script, or nothing written when the checks or the gate refused.
//	wait    another attempt holds the key: wait for it, bounded by the caller's
//	        deadline and the store's, then judge and claim again.
//
// An earlier attempt's result wins over today's checks: a refused order only looks
// at the key (a claim that writes nothing when it is free).
func (s *Server) admit(ctx context.Context, o *placement, at *attempt) (admission, error) {
	if o.key == "" {
		return s.book(ctx, o, s.judge(ctx, o, at), nil, at)
	}
	var wait *idem.Waiter
	for {
		v := s.judge(ctx, o, at)
		start := time.Now()
		out, err := s.claim(ctx, o, v)
		if err != nil {
			return admission{}, err
		}
		switch out.State {
		case idem.Replay:
			at.result, at.orderID = "replayed", out.OrderID
			return admission{answer: out.OrderID}, nil
		case idem.Resume:
			at.tag = out.Claim.Tag
			return s.resume(ctx, o, v, out.Claim, at)
		case idem.Fresh:
			return s.fresh(ctx, o, v, out, time.Since(start), at)
		case idem.Wait:
			if wait == nil {
				wait = s.d.Idem.Waiter()
			}
			if err := wait.Await(ctx, o.pol.KeyID, o.key); err != nil {
				return admission{}, idemError(err)
			}
		}
	}
}

// claim runs one claim of o's key: behind v's gate when the checks passed, looking
// only when they refused.
func (s *Server) claim(ctx context.Context, o *placement, v verdict) (idem.Outcome, error) {
	a := idem.Attempt{KeyID: o.pol.KeyID, Key: o.key, BodyHash: o.hash, ID: v.id, LookOnly: v.err != nil}
	if v.gate != nil && v.gate.Counts() {
		a.Gate = v.gate
	}
	out, err := s.d.Idem.Claim(ctx, a)
	if err != nil && !errors.Is(err, idem.ErrConflict) {
		// The script may have claimed the key without answering: free it so a retry
		// need not wait for the lease. Its booking, if any, stays (fail closed: a slot
		// without an order, never an order past a limit).
		bctx, cancel := detached(ctx)
		_ = s.d.Idem.ReleaseAttempt(bctx, o.pol.KeyID, o.key, v.id)
		cancel()
	}
	if err != nil {
		return out, idemError(err)
	}
	return out, nil
}

// fresh settles a claim of a free key: the checks' refusal (nothing was written), the
// gate's (nothing was written either), or the claim with its limits booked.
func (s *Server) fresh(ctx context.Context, o *placement, v verdict, out idem.Outcome, elapsed time.Duration, at *attempt) (admission, error) {
	if v.err != nil {
		return admission{}, refused(v.err, at)
	}
	r, err := v.gate.Settle(out.Gate, nil, elapsed)
	if err != nil {
		s.releaseClaim(ctx, out.Claim) // only when the reply was unreadable
		return admission{}, refused(err, at)
	}
	at.tag = out.Claim.Tag
	return admission{claim: out.Claim, booked: r}, nil
}

// resume continues an attempt whose outcome is unknown: if OpenD has the order
// (found by its remark tag), that is the answer; if not, it is sent now, on the
// earlier booking when the earlier attempt got that far, else on its own.
func (s *Server) resume(ctx context.Context, o *placement, v verdict, c *idem.Claim, at *attempt) (admission, error) {
	id, found, err := s.d.Placer.FindByRemark(ctx, o.n.place.Header, c.Tag)
	if err != nil {
		// Back to what the record was: a pending one must not become unknown, which
		// would let the next retry send without its checks.
		s.abandon(ctx, c)
		at.result = "failed"
		return admission{}, err
	}
	if found {
		oid := strconv.FormatUint(id, 10)
		s.markDone(ctx, c, oid)
		at.result, at.orderID = "replayed", oid
		return admission{answer: oid}, nil
	}
	if c.PriorState != idem.StateUnknown { // the vanished owner may not have booked
		return s.book(ctx, o, v, c, at)
	}
	return admission{claim: c, booked: limits.Reservation{KeyID: o.pol.KeyID, Day: c.PriorDay, Micros: c.PriorMicros}}, nil
}

// book books v's counted limits on their own script, for an attempt holding c (nil
// without a key); a refusal gives c back.
func (s *Server) book(ctx context.Context, o *placement, v verdict, c *idem.Claim, at *attempt) (admission, error) {
	err := v.err
	var r limits.Reservation
	if err == nil {
		r, err = s.d.Counter.Book(ctx, v.gate)
	}
	if err != nil {
		s.releaseClaim(ctx, c)
		return admission{}, refused(err, at)
	}
	return admission{claim: c, booked: r}, nil
}

// refused notes in at whether err is a refusal or a failure, and returns it.
func refused(err error, at *attempt) error {
	if !isRefusal(err) {
		at.result = "failed"
	}
	return err
}

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
