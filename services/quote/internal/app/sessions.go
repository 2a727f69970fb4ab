package app

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/quote/internal/quotefanout"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/futugw/gateway/services/quote/internal/substore"
)

// sessions is the subscription state: which session holds which pairs (the
// registry), until when its keys live (the lifetimes), and the writer saving both to
// Redis; saves is nil when subscriptions are not persisted.
type sessions struct {
	reg   *subs.Registry
	life  *subs.Lifetimes
	saves *substore.Writer
}

// newSessions builds the subscription state on up (the OpenD side of the registry)
// and, when persisting, restores what the previous process saved. Nothing runs yet:
// the owner starts saves.Run and life.Run.
func newSessions(cfg Config, up subs.Upstream, hub *quotefanout.Hub, rdb redis.UniversalClient,
	m *metrics, reg *prometheus.Registry, log *slog.Logger) *sessions {
	// The registry and the lifetimes report changes before the writer (which reads
	// them) exists; the relay hands them on once it does. Nothing changes until the
	// restore below, so no change is missed.
	changed := &changeRelay{}
	s := &sessions{}
	s.reg = subs.New(subs.Options{
		Upstream: up, Quota: cfg.SubQuota, Hold: cfg.MinSubHold, Logger: log,
		OnSessionChange: func(session string, ps []subs.Pair) {
			hub.SessionChanged(session, ps)
			changed.mark(session)
		},
		OnUpstreamChange: func(n int) { m.upstreamSubs.Set(float64(n)) },
		OnQuotaDrop:      func(string, []subs.Pair) { m.quotaDrops.Inc() },
	})
	// Sessions end with their keys: expired ones at the sweeper's pace, a revoked
	// (logged-out) one at once. Dropping releases the pairs through the normal path.
	s.life = subs.NewLifetimes(subs.LifetimeOptions{
		Keep: hub.Hosted,
		Drop: func(session string) {
			log.Info("session ended; releasing its subscriptions", "session", session)
			s.reg.UnsubscribeAll(session)
		},
		OnChange: changed.mark,
	})
	if !cfg.PersistSubs {
		return s
	}
	// Subscription changes are written through to Redis off the request path: the
	// callbacks above only mark the session.
	store := substore.New(rdb, substore.Options{Logger: log, Metrics: substore.NewMetrics(reg)})
	s.saves = substore.NewWriter(substore.WriterOptions{Store: store, Snapshot: s.record})
	m.watchSaves(reg, s.saves)
	changed.to.Store(s.saves)
	// Before OpenD connects (its Restore subscribes what is loaded) and before
	// serving (edges re-host their sessions and expect their pairs).
	restoreSessions(store, s.reg, s.life, log)
	s.saves.Discard()
	return s
}

// record is what the writer saves for session.
func (s *sessions) record(session string) substore.Record {
	keys, live := s.life.Keys(session)
	if !live {
		return substore.Record{} // ended (or logging out): delete
	}
	return substore.Record{Pairs: s.reg.Session(session), Keys: keys}
}

// changeRelay passes session changes on to the writer once it exists.
type changeRelay struct {
	to atomic.Pointer[substore.Writer]
}

func (r *changeRelay) mark(session string) {
	if w := r.to.Load(); w != nil {
		w.Changed(session)
	}
}

// restoreTimeout bounds reading the saved sessions at start-up.
const restoreTimeout = 15 * time.Second

// restoreSessions loads the sessions saved by the previous process. Without Redis the
// service starts without them (logged and counted): quotes are not worth failing the
// start for, and the panels subscribe again.
func restoreSessions(store *substore.Store, reg *subs.Registry, life *subs.Lifetimes, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), restoreTimeout)
	defer cancel()
	start := time.Now()
	n, err := store.Restore(ctx, reg, life)
	if err != nil {
		log.Error("reading saved session subscriptions from Redis failed; starting without them",
			obs.Err(err), "restored", n)
		return
	}
	used, _ := reg.Quota()
	log.Info("session subscriptions restored", "sessions", n, "pairs", used,
		"took", time.Since(start).Round(time.Millisecond).String())
}
