// Package app wires the quote service: configuration in, the OpenD connection, the
// subscription registry, the fan-out hub and the QuoteService handlers (behind the
// authn interceptors) running until shutdown.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/futugw/gateway/platform/grpclink"

	"google.golang.org/grpc"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/services/quote/internal/fanout"
	"github.com/futugw/gateway/services/quote/internal/server"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/futugw/gateway/services/quote/internal/substore"
	"github.com/futugw/gateway/services/quote/internal/upstream"
)

// Name is the service name used in metric names and logs.
const Name = "quote"

// Config is everything the quote service is started with.
type Config struct {
	GRPCAddr        string
	AdminAddr       string
	OpenDAddr       string
	AuthAddr        string
	Redis           redisx.Options
	SubQuota        int           // upper bound of upstream subscriptions; OpenD's own figure wins when lower
	MinSubHold      time.Duration // OpenD's minimum subscription age before a release
	QuoteFresh      time.Duration // how old a pushed quote may be for GetBasicQuote
	PersistSubs     bool          // save sessions' subscriptions in Redis and restore them at start
	Pprof           bool
	ShutdownTimeout time.Duration // gRPC grace period and HTTP drain deadline
}

// Service is a built, not yet running quote service.
type Service struct {
	svc *run.Service
	reg *subs.Registry
	hub *fanout.Hub
	up  *upstream.Client
}

// New builds the service: nothing listens until Listen or Run, but the OpenD
// connection starts dialling at once (in the background).
func New(cfg Config, log *slog.Logger) (*Service, error) {
	reg := obs.NewRegistry()
	if err := obs.RegisterBuildInfo(reg, Name); err != nil {
		return nil, err
	}
	log.Info("config", "grpc_addr", cfg.GRPCAddr, "admin_addr", cfg.AdminAddr,
		"opend_addr", cfg.OpenDAddr, "auth_addr", cfg.AuthAddr, "redis_addrs", cfg.Redis.Addrs,
		"sub_quota", cfg.SubQuota, "min_sub_hold", cfg.MinSubHold.String(), "quote_fresh", cfg.QuoteFresh.String(),
		"persist_subs", cfg.PersistSubs, "pprof", cfg.Pprof, "shutdown_timeout", cfg.ShutdownTimeout.String())

	rdb, err := redisx.New(cfg.Redis)
	if err != nil {
		return nil, err
	}
	authConn, err := grpc.NewClient(cfg.AuthAddr, grpclink.DialOptions()...)
	if err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("quote: auth client for %q: %w", cfg.AuthAddr, err)
	}
	cache := authn.NewCache(authn.NewGRPCValidator(authConn), authn.CacheOptions{Metrics: reg})

	m := newMetrics(reg)
	s := &Service{hub: fanout.New(fanout.Options{})}
	lazy := &lazyUpstream{}
	var lifetimes *subs.Lifetimes

	// Subscription changes are written through to Redis off the request path: the
	// registry's and the lifetimes' callbacks only mark the session.
	var store *substore.Store
	var saves *substore.Writer
	changed := func(string) {}
	if cfg.PersistSubs {
		store = substore.New(rdb, substore.Options{Logger: log, Metrics: substore.NewMetrics(reg)})
		saves = substore.NewWriter(substore.WriterOptions{Store: store,
			Snapshot: func(session string) substore.Record {
				keys, live := lifetimes.Keys(session)
				if !live {
					return substore.Record{} // ended (or logging out): delete
				}
				return substore.Record{Pairs: s.reg.Session(session), Keys: keys}
			}})
		changed = saves.Changed
		m.watchSaves(reg, saves)
	}
	s.reg = subs.New(subs.Options{
		Upstream: lazy, Quota: cfg.SubQuota, Hold: cfg.MinSubHold, Logger: log,
		OnSessionChange: func(session string, ps []subs.Pair) {
			s.hub.SessionChanged(session, ps)
			changed(session)
		},
		OnUpstreamChange: func(n int) { m.upstreamSubs.Set(float64(n)) },
		OnQuotaDrop:      func(string, []subs.Pair) { m.quotaDrops.Inc() },
	})
	// Sessions end with their keys: expired ones at the sweeper's pace, a revoked
	// (logged-out) one at once. Dropping releases the pairs through the normal path.
	lifetimes = subs.NewLifetimes(subs.LifetimeOptions{
		Keep: s.hub.Hosted,
		Drop: func(session string) {
			log.Info("session ended; releasing its subscriptions", "session", session)
			s.reg.UnsubscribeAll(session)
		},
		OnChange: changed,
	})
	if store != nil {
		// Before OpenD connects (its Restore subscribes what is loaded) and before
		// serving (edges re-host their sessions and expect their pairs).
		restoreSessions(store, s.reg, lifetimes, log)
		saves.Discard()
	}

	s.up = upstream.Start(upstream.Config{
		Addr: cfg.OpenDAddr, Logger: log,
		OnConnect: func(ctx context.Context, c *upstream.Client) error {
			lazy.c.Store(c)
			return s.onConnect(ctx, c, cfg.SubQuota, log)
		},
		OnState: stateNotifier(s.hub, log),
		OnPush: func(protoID uint32, body []byte, recv int64) {
			m.pushes.WithLabelValues(fmt.Sprint(protoID)).Inc()
			s.onPush(protoID, body, recv, log)
		},
	})
	m.watch(reg, s.hub, s.reg)

	srvOpts := server.Options{Registry: s.reg, Hub: s.hub, OpenD: s.up, Sessions: lifetimes,
		Fresh: cfg.QuoteFresh, Logger: log}
	if saves != nil {
		srvOpts.Saves = saves
	}
	srv := server.New(srvOpts)
	health := obs.NewHealth(0)
	health.Add("opend", func(context.Context) error {
		if !s.up.Connected() {
			return fmt.Errorf("opend %s not connected", cfg.OpenDAddr)
		}
		return nil
	})
	health.Add("auth", grpcHealth(authConn))

	s.svc = run.New(run.Options{
		Name: Name, Logger: log, Health: health, Metrics: reg,
		AdminAddr: cfg.AdminAddr, GRPCAddr: cfg.GRPCAddr, Pprof: cfg.Pprof,
		GracePeriod: cfg.ShutdownTimeout, DrainTimeout: cfg.ShutdownTimeout,
		GRPCOptions: []grpc.ServerOption{
			grpc.ChainUnaryInterceptor(authn.UnaryServerInterceptor(cache, log)),
			grpc.ChainStreamInterceptor(authn.StreamServerInterceptor(cache, log)),
		},
	})
	gatewayv1.RegisterQuoteServiceServer(s.svc.GRPC(), srv)

	watchCtx, stopWatch := context.WithCancel(context.Background())
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		_ = authn.WatchRevocations(watchCtx, rdb, cache, log, authn.OnRevoked(lifetimes.Revoked))
	}()
	sweepCtx, stopSweep := context.WithCancel(context.Background())
	sweepDone := make(chan struct{})
	go func() {
		defer close(sweepDone)
		lifetimes.Run(sweepCtx)
	}()
	savesCtx, stopSaves := context.WithCancel(context.Background())
	savesDone := make(chan struct{})
	go func() {
		defer close(savesDone)
		if saves != nil {
			saves.Run(savesCtx) // its last attempt saves what is pending at the stop
		}
	}()
	// Closers run in reverse: streams are gone with the gRPC server; then the session
	// sweeper stops, the registry stops its timers, OpenD closes, revocation watching
	// stops, pending session saves are written, Redis and auth close. Nothing of this
	// deletes a saved session: the next start restores them.
	// Edge feeds last as long as the edge listens: end them before the graceful stop.
	s.svc.AddDrainer("edge-streams", func(context.Context) error { s.hub.CloseAll(); return nil })
	s.svc.AddCloser("auth", func(context.Context) error { return authConn.Close() })
	s.svc.AddCloser("redis", func(context.Context) error { return rdb.Close() })
	s.svc.AddCloser("session-saves", func(context.Context) error { stopSaves(); <-savesDone; return nil })
	s.svc.AddCloser("revocations", func(context.Context) error { stopWatch(); <-watchDone; return nil })
	s.svc.AddCloser("opend", func(context.Context) error { return s.up.Close() })
	s.svc.AddCloser("registry", func(context.Context) error { s.reg.Close(); return nil })
	s.svc.AddCloser("sessions", func(context.Context) error { stopSweep(); <-sweepDone; return nil })
	return s, nil
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
			"error", err.Error(), "restored", n)
		return
	}
	used, _ := reg.Quota()
	log.Info("session subscriptions restored", "sessions", n, "pairs", used,
		"took", time.Since(start).Round(time.Millisecond).String())
}

// onConnect learns the quota and restores every live subscription on the fresh
// connection.
func (s *Service) onConnect(ctx context.Context, c *upstream.Client, limit int, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if used, remain, err := c.SubInfo(ctx); err == nil {
		q := used + remain
		if limit > 0 && limit < q {
			q = limit
		}
		s.reg.SetQuota(q)
		log.Info("opend subscription quota", "used", used, "remain", remain, "effective_quota", q)
	} else {
		log.Warn("opend Qot_GetSubInfo failed; keeping the configured quota", "err", err)
	}
	return s.reg.Restore(ctx)
}

func (s *Service) onPush(protoID uint32, body []byte, recv int64, log *slog.Logger) {
	if protoID == upstream.ProtoNotify {
		if msg, ok := describeNotify(body); ok {
			s.hub.Notify(fanout.EventOpenD, msg)
		}
		return
	}
	if err := s.hub.Publish(protoID, body, recv); err != nil {
		log.Warn("bad push from opend", "proto_id", protoID, "err", err)
	}
}

// stateNotifier tells every edge stream about OpenD going away and coming back (not
// about the first connection).
func stateNotifier(hub *fanout.Hub, log *slog.Logger) func(bool, error) {
	lost := false
	return func(up bool, err error) {
		switch {
		case !up:
			lost = true
			log.Warn("opend disconnected", "err", err)
			hub.Notify(fanout.EventDisconnected, "OpenD connection lost; quotes paused, reconnecting")
		case lost:
			lost = false
			log.Info("opend reconnected; subscriptions restored")
			hub.Notify(fanout.EventReconnected, "OpenD connection restored; subscriptions restored, quotes resume")
		}
	}
}

// lazyUpstream lets the registry exist before the OpenD client does: the client is
// set at its first connect.
type lazyUpstream struct {
	c atomic.Pointer[upstream.Client]
}

func (l *lazyUpstream) Subscribe(ctx context.Context, ps []subs.Pair) ([]subs.Pair, error) {
	c := l.c.Load()
	if c == nil {
		return nil, upstream.ErrUnavailable
	}
	return c.Subscribe(ctx, ps)
}

func (l *lazyUpstream) Unsubscribe(ctx context.Context, ps []subs.Pair) error {
	c := l.c.Load()
	if c == nil {
		return upstream.ErrUnavailable
	}
	return c.Unsubscribe(ctx, ps)
}

// Listen binds the listeners, so the addresses are known before Run.
func (s *Service) Listen() error { return s.svc.Listen() }

// GRPCAddr is the bound gRPC address, nil before Listen.
func (s *Service) GRPCAddr() net.Addr { return s.svc.GRPCAddr() }

// AdminAddr is the bound admin address, nil before Listen.
func (s *Service) AdminAddr() net.Addr { return s.svc.AdminAddr() }

// Registry exposes the subscription registry (tests compare it with OpenD).
func (s *Service) Registry() *subs.Registry { return s.reg }

// Run serves until ctx ends or SIGINT/SIGTERM arrives.
func (s *Service) Run(ctx context.Context) error { return s.svc.Run(ctx) }

// Run builds the service and serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	s, err := New(cfg, log)
	if err != nil {
		return fmt.Errorf("quote: %w", err)
	}
	return s.Run(ctx)
}
