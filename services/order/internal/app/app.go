// Package app wires the order service: configuration in, servers running until
// shutdown. Redis (limits, idempotency, audit, revocations), the auth service (key
// validation), the quote service (market order valuation) and OpenD (placement)
// are its dependencies.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/futugw/gateway/platform/grpclink"
	"github.com/futugw/gateway/platform/secret"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"github.com/futugw/gateway/services/order/internal/server"
	"github.com/futugw/gateway/services/order/internal/tradefanout"
	"google.golang.org/grpc"
)

// Name is the service name used in metric names and logs.
const Name = "order"

// Config is everything the order service is started with.
type Config struct {
	GRPCAddr        string
	AdminAddr       string
	OpenDAddr       string
	Redis           redisx.Options
	AuthAddr        string
	QuoteAddr       string // "" = value market orders with OpenD's snapshot instead
	ServiceKeyFile  string // the order service's own key for QuoteService.GetBasicQuote
	TradePassword   string // from a file or env, never a flag; "" = real trading locked
	HoursTZ         string // time zone of the keys' hours windows
	Pprof           bool
	ShutdownTimeout time.Duration // gRPC grace period and HTTP drain deadline
	// RedisMinReplicas > 0 makes every limit reservation and idempotency record write
	// wait until that many replicas acknowledged it (WAIT), failing closed otherwise,
	// so a Sentinel failover cannot lose them. 0 = off (single Redis).
	RedisMinReplicas int
}

// Run builds the service and serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, cfg Config, log *slog.Logger) (err error) {
	reg := obs.NewRegistry()
	if err := obs.RegisterBuildInfo(reg, Name); err != nil {
		return err
	}
	loc, err := time.LoadLocation(cfg.HoursTZ)
	if err != nil {
		return fmt.Errorf("order: hours time zone %q: %w", cfg.HoursTZ, err)
	}
	if cfg.RedisMinReplicas < 0 {
		return fmt.Errorf("order: redis min replicas %d is negative", cfg.RedisMinReplicas)
	}
	log.Info("config", "grpc_addr", cfg.GRPCAddr, "admin_addr", cfg.AdminAddr,
		"opend_addr", cfg.OpenDAddr, "redis_addrs", cfg.Redis.Addrs, "auth_addr", cfg.AuthAddr,
		"quote_addr", cfg.QuoteAddr, "hours_tz", loc.String(), "trade_password_set", cfg.TradePassword != "",
		"pprof", cfg.Pprof, "shutdown_timeout", cfg.ShutdownTimeout.String(), "redis_min_replicas", cfg.RedisMinReplicas)

	// What is started below stops in reverse order: at shutdown, after the servers
	// stopped (so "shutdown complete" stays the last word), or at once when a later
	// step fails.
	life := run.NewGroup(log)
	defer life.StopOnError(&err)
	rdb, err := redisx.New(cfg.Redis)
	if err != nil {
		return err
	}
	life.Defer("redis", func(context.Context) error { return rdb.Close() })
	authConn, err := grpc.NewClient(cfg.AuthAddr, grpclink.DialOptions()...)
	if err != nil {
		return fmt.Errorf("order: auth client for %q: %w", cfg.AuthAddr, err)
	}
	life.Defer("auth", func(context.Context) error { return authConn.Close() })
	cache := authn.NewCache(authn.NewGRPCValidator(authConn), authn.CacheOptions{Metrics: reg})

	hub := tradefanout.NewHub(0)
	pl := placer.Start(placer.Config{Addr: cfg.OpenDAddr, TradePassword: cfg.TradePassword, Hub: hub, Logger: log})
	life.Defer("opend", func(context.Context) error { return pl.Close() })

	quoter, err := newQuoter(cfg, pl, life)
	if err != nil {
		return err
	}

	// Order audit entries are written off the request path; Close (after the gRPC
	// server stopped, before Redis closes) writes out what is queued.
	aw := audit.NewWriter(audit.New(rdb, 0), 0, log)
	life.Defer("audit", aw.Close)

	m := server.NewMetrics(reg)
	srv := server.New(server.Deps{
		Placer:  pl,
		Counter: limits.NewCounter(rdb, limits.Options{Observe: m.ObserveScript, MinReplicas: cfg.RedisMinReplicas}),
		Idem:    idem.New(rdb, idem.Options{MinReplicas: cfg.RedisMinReplicas}),
		Audit:   aw,
		Quoter:  quoter,
		Hub:     hub,
		Metrics: m,
		HoursTZ: loc,
		Logger:  log,
		Redis:   rdb,
	})
	life.Go("revocations", func(ctx context.Context) error {
		return authn.WatchRevocations(ctx, rdb, cache, log)
	})

	health := obs.NewHealth(0)
	health.Add("opend", func(context.Context) error {
		if !pl.Connected() {
			return fmt.Errorf("opend %s not connected", cfg.OpenDAddr)
		}
		return nil
	})
	health.Add("redis", redisx.Check(rdb))

	svc := run.New(run.Options{
		Name: Name, Logger: log, Health: health, Metrics: reg, Group: life,
		AdminAddr: cfg.AdminAddr, GRPCAddr: cfg.GRPCAddr, Pprof: cfg.Pprof,
		GracePeriod: cfg.ShutdownTimeout, DrainTimeout: cfg.ShutdownTimeout,
		GRPCOptions: []grpc.ServerOption{
			grpc.ChainUnaryInterceptor(authn.UnaryServerInterceptor(cache, log), errinfo.UnaryServerInterceptor(log)),
			grpc.ChainStreamInterceptor(authn.StreamServerInterceptor(cache, log), errinfo.StreamServerInterceptor(log)),
		},
	})
	gatewayv1.RegisterOrderServiceServer(svc.GRPC(), srv)
	gatewayv1.RegisterAccountServiceServer(svc.GRPC(), srv)
	catalog.Register(svc.GRPC(), catalog.Account, srv.Catalog)
	// Trade push streams last as long as an edge listens: end them before the graceful
	// stop, which then only waits for in-flight orders. The edges reconnect elsewhere.
	svc.AddDrainer("trade-pushes", func(context.Context) error { hub.CloseAll(errors.New("shutting down")); return nil })
	return svc.Run(ctx)
}

// newQuoter values market orders with the quote service when one is configured, else
// with OpenD's snapshot; a quote client it opens closes with life.
func newQuoter(cfg Config, pl *placer.Placer, life *run.Group) (server.Quoter, error) {
	if cfg.QuoteAddr == "" {
		return server.SnapshotQuoter{P: pl}, nil
	}
	if cfg.ServiceKeyFile == "" {
		return nil, errors.New("order: -quote-addr needs -service-key-file (the order service's own service key)")
	}
	key, err := secret.ReadFile(cfg.ServiceKeyFile)
	if err != nil {
		return nil, fmt.Errorf("order: service key: %w", err)
	}
	qc, err := grpc.NewClient(cfg.QuoteAddr, grpclink.DialOptions()...)
	if err != nil {
		return nil, fmt.Errorf("order: quote client for %q: %w", cfg.QuoteAddr, err)
	}
	life.Defer("quote", func(context.Context) error { return qc.Close() })
	return server.NewQuoteServiceQuoter(qc, key), nil
}
