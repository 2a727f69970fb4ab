// Command auth serves the AuthService over gRPC: API keys, their scopes and limits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/gcfloor"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/auth/internal/app"
)

func main() { os.Exit(run(os.Args[1:])) }

// run reads the configuration, then hands over to app.Run; it returns the exit code.
func run(args []string) int {
	fs := flag.NewFlagSet("auth", flag.ContinueOnError)
	grpcAddr := config.String(fs, "grpc-addr", "AUTH_GRPC_ADDR", ":50051", "gRPC listen address(es), comma-separated, each host:port or unix:PATH (a Unix socket for callers on this host)")
	adminAddr := config.String(fs, "admin-addr", "AUTH_ADMIN_ADDR", ":9101", "admin HTTP address (/metrics, /healthz, /readyz)")
	redisAddr := config.String(fs, "redis-addr", "REDIS_ADDR", "127.0.0.1:6379", "Redis address(es), comma-separated: one = single Redis, several = Cluster, or Sentinels with -redis-master; unix:PATH = single Redis on this host")
	redisMaster := config.String(fs, "redis-master", "REDIS_MASTER_NAME", "", "Redis Sentinel master name")
	redisPassFile := config.String(fs, "redis-password-file", "REDIS_PASSWORD_FILE", "", "file holding the Redis password")
	bootFile := config.String(fs, "bootstrap-admin-file", "AUTH_BOOTSTRAP_ADMIN_FILE", "", "when set: keep a valid admin key in this file (mode 0600), minting one at start if missing or invalid")
	bootSvcFile := config.String(fs, "bootstrap-service-file", "AUTH_BOOTSTRAP_SERVICE_FILE", "", "when set: keep a valid key with the service scope (for edges' push streams) in this file (mode 0600)")
	bootTTL := config.Duration(fs, "bootstrap-admin-ttl", "AUTH_BOOTSTRAP_ADMIN_TTL", app.DefaultBootstrapAdminTTL, "life of a bootstrap admin or service key")
	cacheTTL := config.Duration(fs, "cache-ttl", "AUTH_CACHE_TTL", 10*time.Second, "how long a successful validation is cached in process")
	pprof := config.Bool(fs, "pprof", "AUTH_PPROF", false, "serve /debug/pprof/ on the admin address")
	shutdown := config.Duration(fs, "shutdown-timeout", "SHUTDOWN_TIMEOUT", 10*time.Second, "deadline for draining gRPC and HTTP on shutdown")
	level := config.String(fs, "log-level", "LOG_LEVEL", "info", "log level: debug, info, warn or error")
	gcFloor := config.Int(fs, "gc-heap-floor-mib", "GC_HEAP_FLOOR_MIB", 64, "keep the GC heap goal at least this many MiB (fewer GC cycles while the live heap is small); 0 disables; GOMEMLIMIT still caps memory")
	if err := config.Parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if _, err := obs.ParseLevel(*level); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if *gcFloor < 0 {
		fmt.Fprintln(os.Stderr, "-gc-heap-floor-mib must not be negative")
		return 2
	}
	stopFloor := gcfloor.Start(uint64(*gcFloor) << 20)
	defer stopFloor()
	cfg := app.Config{GRPCAddr: *grpcAddr, AdminAddr: *adminAddr, RedisAddr: *redisAddr,
		RedisMaster: *redisMaster, RedisPasswordFile: *redisPassFile,
		BootstrapAdminFile: *bootFile, BootstrapServiceFile: *bootSvcFile, BootstrapAdminTTL: *bootTTL, CacheTTL: *cacheTTL,
		Pprof: *pprof, ShutdownTimeout: *shutdown}

	log := obs.NewLogger(os.Stderr, *level)
	if err := app.Run(context.Background(), cfg, log); err != nil {
		log.Error("exit", "error", err.Error())
		return 1
	}
	return 0
}
