// Package app wires the quote service: configuration in, the OpenD connection, the
// subscription registry, the fan-out hub and the QuoteService handlers (behind the
// authn interceptors) running until shutdown.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/grpclink"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/services/quote/internal/quotefanout"
	"github.com/futugw/gateway/services/quote/internal/readguard"
	"github.com/futugw/gateway/services/quote/internal/server"
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
	OpenDReplicas   int           // quote replicas sharing the OpenD; each paces reads to its share of the limits while Redis is down (1 when zero)
	Pprof           bool
	ShutdownTimeout time.Duration // gRPC grace period and HTTP drain deadline
}

// Run builds the service and serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	svc, err := build(cfg, log)
	if err != nil {
		return fmt.Errorf("quote: %w", err)
	}
	return svc.Run(ctx)
}

// build builds the service in dependency order; the OpenD connection starts dialling
// at once (in the background). What it starts stops in reverse order: at shutdown, or
// at once when a later step fails.
func build(cfg Config, log *slog.Logger) (_ *run.Service, err error) {
	reg := obs.NewRegistry()
	if err := obs.RegisterBuildInfo(reg, Name); err != nil {
		return nil, err
	}
	log.Info("config", "grpc_addr", cfg.GRPCAddr, "admin_addr", cfg.AdminAddr,
		"opend_addr", cfg.OpenDAddr, "auth_addr", cfg.AuthAddr, "redis_addrs", cfg.Redis.Addrs,
		"sub_quota", cfg.SubQuota, "min_sub_hold", cfg.MinSubHold.String(), "quote_fresh", cfg.QuoteFresh.String(),
		"persist_subs", cfg.PersistSubs, "pprof", cfg.Pprof, "shutdown_timeout", cfg.ShutdownTimeout.String())

	life := run.NewGroup(log)
	defer life.StopOnError(&err)
	authConn, err := grpc.NewClient(cfg.AuthAddr, grpclink.DialOptions()...)
	if err != nil {
		return nil, fmt.Errorf("quote: auth client for %q: %w", cfg.AuthAddr, err)
	}
	life.Defer("auth", func(context.Context) error { return authConn.Close() })
	rdb, err := redisx.New(cfg.Redis)
	if err != nil {
		return nil, err
	}
	life.Defer("redis", func(context.Context) error { return rdb.Close() })
	cache := authn.NewCache(authn.NewGRPCValidator(authConn), authn.CacheOptions{Metrics: reg})

	m := newMetrics(reg)
	hub := quotefanout.New(quotefanout.Options{})
	link := &lazyUpstream{}
	ss := newSessions(cfg, link, hub, rdb, m, reg, log)
	m.watch(reg, hub, ss.reg)

	// Started so that they stop in the reverse order: the session sweeper first (no
	// session ends while stopping), then the registry's timers, OpenD, revocation
	// watching, and the pending session saves are written last, before Redis and
	// auth close. Nothing of this deletes a saved session: the next start restores
	// them.
	if ss.saves != nil {
		life.Go("session-saves", func(ctx context.Context) error {
			ss.saves.Run(ctx) // its last attempt saves what is pending at the stop
			return nil
		})
	}
	life.Go("revocations", func(ctx context.Context) error {
		return authn.WatchRevocations(ctx, rdb, cache, log, authn.OnRevoked(ss.life.Revoked))
	})
	up := startUpstream(cfg, ss.reg, link, hub, m, log)
	life.Defer("opend", func(context.Context) error { return up.Close() })
	life.Defer("registry", func(context.Context) error { ss.reg.Close(); return nil })
	life.Go("sessions", func(ctx context.Context) error { ss.life.Run(ctx); return nil })

	health := obs.NewHealth(0)
	health.Add("opend", func(context.Context) error {
		if !up.Connected() {
			return fmt.Errorf("opend %s not connected", cfg.OpenDAddr)
		}
		return nil
	})
	health.Add("auth", grpcHealth(authConn))
	svc := run.New(run.Options{
		Name: Name, Logger: log, Health: health, Metrics: reg, Group: life,
		AdminAddr: cfg.AdminAddr, GRPCAddr: cfg.GRPCAddr, Pprof: cfg.Pprof,
		GracePeriod: cfg.ShutdownTimeout, DrainTimeout: cfg.ShutdownTimeout,
		GRPCOptions: []grpc.ServerOption{
			grpc.ChainUnaryInterceptor(authn.UnaryServerInterceptor(cache, log), errinfo.UnaryServerInterceptor(log)),
			grpc.ChainStreamInterceptor(authn.StreamServerInterceptor(cache, log), errinfo.StreamServerInterceptor(log)),
		},
	})
	guard, err := readguard.New(readguard.Options{Redis: rdb, Metrics: reg, Replicas: cfg.OpenDReplicas})
	if err != nil {
		return nil, err
	}
	srv := server.New(server.Options{Registry: ss.reg, Hub: hub, OpenD: up, Guard: guard,
		Sessions: ss.life, Saves: ss.saves, Fresh: cfg.QuoteFresh, Logger: log})
	gatewayv1.RegisterQuoteServiceServer(svc.GRPC(), srv)
	catalog.Register(svc.GRPC(), catalog.Quote, srv.Catalog)
	// Edge feeds last as long as the edge listens: end them before the graceful stop.
	svc.AddDrainer("edge-streams", func(context.Context) error { hub.CloseAll(); return nil })
	return svc, nil
}

// grpcHealth is a readiness check asking a gRPC dependency's health service.
func grpcHealth(cc grpc.ClientConnInterface) obs.Check {
	hc := healthpb.NewHealthClient(cc)
	return func(ctx context.Context) error {
		resp, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return err
		}
		if st := resp.GetStatus(); st != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("health status %s", st)
		}
		return nil
	}
}
