// Package app wires the auth service: configuration in, the Redis key store, the
// AuthService behind the shared authn interceptors, the revocation watcher, and the
// servers running until shutdown.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"google.golang.org/grpc"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/manage"
	"github.com/futugw/gateway/services/auth/internal/server"
	"github.com/futugw/gateway/services/auth/internal/store"
)

// Name is the service name used in metric names and logs.
const Name = "auth"

// Config is everything the auth service is started with.
type Config struct {
	GRPCAddr        string
	AdminAddr       string
	Redis           redisx.Options
	Pprof           bool
	ShutdownTimeout time.Duration // gRPC grace period and HTTP drain deadline

	BootstrapAdminFile string // "" = no bootstrap
	// BootstrapServiceFile receives a key with the service scope, which edges use to
	// open the quote and trade push streams; "" = none.
	BootstrapServiceFile string
	BootstrapAdminTTL    time.Duration // life of a bootstrap admin key
	CacheTTL             time.Duration // validation cache; 0 = authn default
}

// Run builds the service and serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, cfg Config, log *slog.Logger) (err error) {
	if cfg.BootstrapAdminTTL <= 0 {
		cfg.BootstrapAdminTTL = DefaultBootstrapAdminTTL
	}
	reg := obs.NewRegistry()
	if err := obs.RegisterBuildInfo(reg, Name); err != nil {
		return err
	}
	log.Info("config", "grpc_addr", cfg.GRPCAddr, "admin_addr", cfg.AdminAddr,
		"redis_addr", cfg.Redis.Addrs, "redis_master", cfg.Redis.MasterName,
		"bootstrap_admin_file", cfg.BootstrapAdminFile,
		"pprof", cfg.Pprof, "shutdown_timeout", cfg.ShutdownTimeout.String())

	// What is started below stops in reverse order: at shutdown, or at once when a
	// later step fails (the bootstrap, say).
	life := run.NewGroup(log)
	defer life.StopOnError(&err)
	rdb, err := redisx.New(cfg.Redis)
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	life.Defer("redis", func(context.Context) error { return rdb.Close() })
	al := audit.New(rdb, 0)
	st := store.New(rdb, store.Options{Audit: al, Logger: log, Metrics: store.NewMetrics(reg)})
	cache := authn.NewCache(st, authn.CacheOptions{TTL: cfg.CacheTTL, Metrics: reg})
	mgr := manage.New(manage.Options{Store: st, Policy: keys.DefaultPolicy(), Audit: al, Logger: log,
		Metrics: reg, OnRevoke: cache.Invalidate})
	// The watcher keeps this process's cache in step with revocations made by any
	// auth process.
	life.Go("revocations", func(ctx context.Context) error {
		return authn.WatchRevocations(ctx, rdb, cache, log)
	})

	kept, err := bootstrapAll(ctx, cfg, st, mgr, log)
	if err != nil {
		return err
	}
	life.Go("bootstrap key renewal", func(ctx context.Context) error {
		keepRenewing(ctx, kept, cfg.BootstrapAdminTTL, renewCheck, st, mgr, log)
		return nil
	})

	health := obs.NewHealth(0)
	health.Add("redis", redisx.Check(rdb))
	svc := run.New(run.Options{
		Name:      Name,
		Logger:    log,
		Metrics:   reg,
		Health:    health,
		Group:     life,
		AdminAddr: cfg.AdminAddr,
		GRPCAddr:  cfg.GRPCAddr,
		GRPCOptions: []grpc.ServerOption{
			grpc.ChainUnaryInterceptor(authn.UnaryServerInterceptor(cache, log), errinfo.UnaryServerInterceptor(log)),
			grpc.ChainStreamInterceptor(authn.StreamServerInterceptor(cache, log), errinfo.StreamServerInterceptor(log)),
		},
		Pprof:        cfg.Pprof,
		GracePeriod:  cfg.ShutdownTimeout,
		DrainTimeout: cfg.ShutdownTimeout,
	})
	gatewayv1.RegisterAuthServiceServer(svc.GRPC(), server.New(mgr, st, al))
	return svc.Run(ctx)
}

// bootstrapAll makes sure each configured bootstrap key file holds a valid key and
// returns those to keep renewing.
func bootstrapAll(ctx context.Context, cfg Config, st *store.Store, mgr *manage.Manager, log *slog.Logger) ([]bootstrapKey, error) {
	boot := []bootstrapKey{
		{Path: cfg.BootstrapAdminFile, Scope: keypolicy.ScopeAdmin, Kind: "admin"},
		{Path: cfg.BootstrapServiceFile, Scope: keypolicy.ScopeService, Kind: "service"},
	}
	var kept []bootstrapKey
	for _, k := range boot {
		if k.Path == "" {
			continue
		}
		bctx, cancel := context.WithTimeout(ctx, bootstrapTimeout)
		err := bootstrap(bctx, k, cfg.BootstrapAdminTTL, st, mgr, log)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("bootstrap %s key: %w", k.Kind, err)
		}
		kept = append(kept, k)
	}
	return kept, nil
}
