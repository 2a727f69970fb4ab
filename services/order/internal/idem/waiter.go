package idem

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Waiter waits for the attempt holding a key, over one caller's successive claims:
// its bound (Options.Wait) and its poll interval run from its creation.
type Waiter struct {
	s     *Store
	until time.Time // real time: the wait sleeps on real timers; only leases use s.now
	poll  time.Duration
}

// Waiter starts a wait bounded by the Store's Wait.
func (s *Store) Waiter() *Waiter {
	return &Waiter{s: s, until: time.Now().Add(s.wait), poll: minPoll}
}

// Await returns once the record of (keyID, idemKey) is no longer held by a live
// attempt (done, unknown, gone, or its lease run out), for the caller to claim
// again. It only reads. ErrPending: the Store's Wait has passed; ctx's error: the
// caller's deadline came first.
func (w *Waiter) Await(ctx context.Context, keyID, idemKey string) error {
	key := recordKey(keyID, idemKey)
	for {
		left := time.Until(w.until)
		if left <= 0 {
			return ErrPending
		}
		t := time.NewTimer(min(w.poll, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		w.poll = min(w.poll*2, maxPoll)
		h, err := w.s.rdb.HMGet(ctx, key, "state", "lease").Result()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("idempotency record: %w", err)
		}
		if !held(h, w.s.now()) {
			return nil
		}
	}
}

// held reports whether a record's (state, lease) is a pending attempt within its lease.
func held(h []any, now time.Time) bool {
	state, _ := h[0].(string)
	lease, _ := h[1].(string)
	until, _ := strconv.ParseInt(lease, 10, 64)
	return state == StatePending && until > now.UnixMilli()
}
