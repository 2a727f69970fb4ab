package substore

import (
	"context"
	"errors"
	"fmt"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// Restore reads every saved session back into reg (its pairs) and sessions (its keys,
// so it still ends with them), in session order, and returns how many it restored.
// Run it at start-up, before the first OpenD connection (whose Restore subscribes
// the pairs) and before serving, so edges re-hosting their sessions get them back.
// A session whose pairs no longer fit the quota is dropped and so is one whose keys
// all ended; either record is deleted, logged and counted. An error means the records
// could not be read (Redis unreachable): the service runs without them.
func (s *Store) Restore(ctx context.Context, reg *subs.Registry, sessions *subs.Lifetimes) (int, error) {
	recs, err := s.Load(ctx)
	if err != nil {
		s.o.Metrics.RestoreErrors.Inc()
		return 0, err
	}
	now := s.o.Now()
	n := 0
	for _, r := range recs {
		if until, never := r.until(s.o.Grace); !never && !until.After(now) {
			// Redis would have forgotten it by now; a clock step may have kept it.
			s.o.Metrics.restore(resultExpired)
			s.o.Logger.Info("saved session ended while the service was down; deleted", "session", r.Session)
			_ = s.Delete(ctx, r.Session)
			continue
		}
		if err := reg.Load(r.Session, r.Pairs); err != nil {
			var qe *subs.QuotaError
			if !errors.As(err, &qe) {
				return n, fmt.Errorf("restore session %s: %w", r.Session, err)
			}
			s.o.Metrics.restore(resultOverQuota)
			s.o.Logger.Warn("saved session dropped: its subscriptions no longer fit the quota",
				"session", r.Session, "pairs", len(r.Pairs), obs.Err(err))
			if err := s.Delete(ctx, r.Session); err != nil {
				s.o.Logger.Warn("deleting a dropped session's record failed; it expires with its keys",
					"session", r.Session, obs.Err(err))
			}
			continue
		}
		for h, exp := range r.Keys {
			sessions.Seen(r.Session, h, exp)
		}
		s.o.Metrics.restore(resultRestored)
		n++
	}
	return n, nil
}
