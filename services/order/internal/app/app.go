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
	"os"
	"strings"
	"time"

	"github.com/futugw/gateway/platform/grpclink"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/services/order/internal/fanout"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"github.com/futugw/gateway/services/order/internal/server"
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

// ReadSecret returns the first line of file, else the env value (a trade password
// must never be a flag value: flags show in process listings).
func ReadSecret(file, envValue string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("reading secret file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimSpace(line), nil
	}
	return envValue, nil
}

// Run builds the service and serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
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

	// closers run at shutdown (as service closers, after the servers stopped, so
	// "shutdown complete" stays the last word) or at once if wiring fails.
	var closers []closer
	fail := func(err error) error {
		for i := len(closers) - 1; i >= 0; i-- {
			_ = closers[i].fn(context.Background())
		}
		return err
	}
	rdb, err := redisx.New(cfg.Redis)
	if err != nil {
		return err
	}
	closers = append(closers, closer{"redis", func(context.Context) error { return rdb.Close() }})
	authConn, err := grpc.NewClient(cfg.AuthAddr, grpclink.DialOptions()...)
	if err != nil {
		return fail(fmt.Errorf("order: auth client for %q: %w", cfg.AuthAddr, err))
	}
	closers = append(closers, closer{"auth", func(context.Context) error { return authConn.Close() }})
	cache := authn.NewCache(authn.NewGRPCValidator(authConn), authn.CacheOptions{Metrics: reg})

	hub := fanout.NewHub(0)
	pl := placer.Start(placer.Config{Addr: cfg.OpenDAddr, TradePassword: cfg.TradePassword, Hub: hub, Logger: log})
	closers = append(closers, closer{"opend", func(context.Context) error { return pl.Close() }})

	var quoter server.Quoter = server.SnapshotQuoter{P: pl}
	if cfg.QuoteAddr != "" {
		key, err := ReadSecret(cfg.ServiceKeyFile, "")
		if err != nil {
			return fail(err)
		}
		if key == "" {
			return fail(errors.New("order: -quote-addr needs -service-key-file (the order service's own service key)"))
		}
		qc, err := grpc.NewClient(cfg.QuoteAddr, grpclink.DialOptions()...)
		if err != nil {
			return fail(fmt.Errorf("order: quote client for %q: %w", cfg.QuoteAddr, err))
		}
		closers = append(closers, closer{"quote", func(context.Context) error { return qc.Close() }})
		quoter = server.NewQuoteServiceQuoter(qc, key)
	}

	// Order audit entries are written off the request path; Close (after the gRPC
	// server stopped, before Redis closes) writes out what is queued.
	aw := audit.NewWriter(audit.New(rdb, 0), 0, log)
	closers = append(closers, closer{"audit", aw.Close})

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
		Name: Name, Logger: log, Health: health, Metrics: reg,
		AdminAddr: cfg.AdminAddr, GRPCAddr: cfg.GRPCAddr, Pprof: cfg.Pprof,
		GracePeriod: cfg.ShutdownTimeout, DrainTimeout: cfg.ShutdownTimeout,
		GRPCOptions: []grpc.ServerOption{
			grpc.ChainUnaryInterceptor(authn.UnaryServerInterceptor(cache, log)),
			grpc.ChainStreamInterceptor(authn.StreamServerInterceptor(cache, log)),
		},
	})
	// Closers run last first: idempotency results still being recorded are written
	// before the audit queue is flushed and Redis closes.
	closers = append(closers, closer{"idempotency results", srv.Wait})
	gatewayv1.RegisterOrderServiceServer(svc.GRPC(), srv)
	gatewayv1.RegisterAccountServiceServer(svc.GRPC(), srv)

	watchCtx, stopWatch := context.WithCancel(context.Background())
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		_ = authn.WatchRevocations(watchCtx, rdb, cache, log)
	}()
	closers = append(closers,
		closer{"revocations", func(context.Context) error { stopWatch(); <-watchDone; return nil }})
	for _, c := range closers {
		svc.AddCloser(c.name, c.fn)
	}
	// Trade push streams last as long as an edge listens: end them before the graceful
	// stop, which then only waits for in-flight orders. The edges reconnect elsewhere.
	svc.AddDrainer("trade-pushes", func(context.Context) error { hub.CloseAll(errors.New("shutting down")); return nil })
	return svc.Run(ctx)
}

type closer struct {
	name string
	fn   func(context.Context) error
}
