// Package app wires the auth service: configuration in, the Redis key store, the
// AuthService behind the shared authn interceptors, the revocation watcher, and the
// servers running until shutdown.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
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
	GRPCAddr          string
	AdminAddr         string
	RedisAddr         string // comma-separated: one = single, several = Cluster (or Sentinels)
	RedisMaster       string // Sentinel master name
	RedisPasswordFile string
	Pprof             bool
	ShutdownTimeout   time.Duration // gRPC grace period and HTTP drain deadline

	BootstrapAdminFile string // "" = no bootstrap
	// BootstrapServiceFile receives a key with the service scope, which edges use to
	// open the quote and trade push streams; "" = none.
	BootstrapServiceFile string
	BootstrapAdminTTL    time.Duration // life of a bootstrap admin key
	CacheTTL             time.Duration // validation cache; 0 = authn default
}

// Run builds the service and serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	reg := obs.NewRegistry()
	if err := obs.RegisterBuildInfo(reg, Name); err != nil {
		return err
	}
	log.Info("config", "grpc_addr", cfg.GRPCAddr, "admin_addr", cfg.AdminAddr,
		"redis_addr", cfg.RedisAddr, "redis_master", cfg.RedisMaster,
		"bootstrap_admin_file", cfg.BootstrapAdminFile,
		"pprof", cfg.Pprof, "shutdown_timeout", cfg.ShutdownTimeout.String())

	password, err := readSecret(cfg.RedisPasswordFile)
	if err != nil {
		return err
	}
	rdb, err := redisx.New(redisx.Options{Addrs: cfg.RedisAddr, MasterName: cfg.RedisMaster, Password: password})
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	al := audit.New(rdb, 0)
	st := store.New(rdb, store.Options{Audit: al, Logger: log, Metrics: store.NewMetrics(reg)})
	cache := authn.NewCache(st, authn.CacheOptions{TTL: cfg.CacheTTL, Metrics: reg})
	mgr := manage.New(manage.Options{Store: st, Policy: keys.DefaultPolicy(), Audit: al, Logger: log,
		Metrics: reg, OnRevoke: cache.Invalidate})

	health := obs.NewHealth(0)
	health.Add("redis", redisx.Check(rdb))
	svc := run.New(run.Options{
		Name:      Name,
		Logger:    log,
		Metrics:   reg,
		Health:    health,
		AdminAddr: cfg.AdminAddr,
		GRPCAddr:  cfg.GRPCAddr,
		GRPCOptions: []grpc.ServerOption{
			grpc.ChainUnaryInterceptor(authn.UnaryServerInterceptor(cache, log)),
			grpc.ChainStreamInterceptor(authn.StreamServerInterceptor(cache, log)),
		},
		Pprof:        cfg.Pprof,
		GracePeriod:  cfg.ShutdownTimeout,
		DrainTimeout: cfg.ShutdownTimeout,
	})
	gatewayv1.RegisterAuthServiceServer(svc.GRPC(), server.New(mgr, st, al))

	// The watcher keeps this process's cache in step with revocations made by any
	// auth process; it stops before Redis closes (closers run in reverse order).
	watchCtx, stopWatch := context.WithCancel(context.Background())
	var watching sync.WaitGroup
	watching.Go(func() {
		if err := authn.WatchRevocations(watchCtx, rdb, cache, log); err != nil {
			log.Error("revocation watcher stopped", "error", err.Error())
		}
	})
	var closeOnce sync.Once
	closeAll := func(context.Context) error {
		var err error
		closeOnce.Do(func() {
			stopWatch()
			watching.Wait()
			err = rdb.Close()
		})
		return err
	}
	defer closeAll(context.Background()) // when Run fails before its closers run
	svc.AddCloser("redis", closeAll)

	boot := []bootstrapKey{
		{Path: cfg.BootstrapAdminFile, Scope: keys.ScopeAdmin, Kind: "admin"},
		{Path: cfg.BootstrapServiceFile, Scope: keys.ScopeService, Kind: "service"},
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
			return fmt.Errorf("bootstrap %s key: %w", k.Kind, err)
		}
		kept = append(kept, k)
	}
	rctx, stopRenew := context.WithCancel(ctx)
	var renewing sync.WaitGroup
	renewing.Go(func() { keepRenewing(rctx, kept, cfg.BootstrapAdminTTL, renewCheck, st, mgr, log) })
	endRenew := func(context.Context) error { stopRenew(); renewing.Wait(); return nil }
	defer endRenew(context.Background())             // when Run fails before its closers run
	svc.AddCloser("bootstrap key renewal", endRenew) // runs before Redis closes
	return svc.Run(ctx)
}

// readSecret reads a one-line secret file; "" means none.
func readSecret(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("redis password file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
