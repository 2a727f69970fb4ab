// Command quote serves the QuoteService over gRPC: quotes and pushes from one OpenD quote connection.
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
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/services/quote/internal/app"
)

func main() { os.Exit(run(os.Args[1:])) }

// run reads the configuration, then hands over to app.Run; it returns the exit code.
func run(args []string) int {
	fs := flag.NewFlagSet("quote", flag.ContinueOnError)
	grpcAddr := config.String(fs, "grpc-addr", "QUOTE_GRPC_ADDR", ":50052", "gRPC listen address(es), comma-separated, each host:port or unix:PATH (a Unix socket for callers on this host)")
	adminAddr := config.String(fs, "admin-addr", "QUOTE_ADMIN_ADDR", ":9102", "admin HTTP address (/metrics, /healthz, /readyz)")
	opendAddr := config.String(fs, "opend-addr", "OPEND_ADDR", "127.0.0.1:11111", "Futu OpenD (or opend-sim) address")
	authAddr := config.String(fs, "auth-addr", "AUTH_ADDR", "127.0.0.1:50051", "auth service gRPC address (key validation), host:port or unix:PATH")
	redisAddr := config.String(fs, "redis-addr", "REDIS_ADDR", "127.0.0.1:6379", "Redis address(es), comma-separated, or unix:PATH for a single Redis on this host (revocations, saved session subscriptions)")
	redisMaster := config.String(fs, "redis-master", "REDIS_MASTER_NAME", "", "Redis Sentinel master name; empty = no Sentinel")
	subQuota := config.Int(fs, "sub-quota", "QUOTE_SUB_QUOTA", 500, "upper bound of OpenD subscriptions ((security, sub type) pairs); OpenD's own lower figure wins")
	minHold := config.Duration(fs, "min-sub-hold", "QUOTE_MIN_SUB_HOLD", time.Minute, "minimum age of an OpenD subscription before it is released")
	fresh := config.Duration(fs, "quote-fresh", "QUOTE_CACHE_FRESH", 5*time.Second, "how old a pushed quote may be to answer GetBasicQuote without asking OpenD")
	persist := config.Bool(fs, "persist-subs", "QUOTE_PERSIST_SUBS", true, "save each session's subscriptions in Redis and restore them at start, so a restart keeps them")
	pprof := config.Bool(fs, "pprof", "QUOTE_PPROF", false, "serve /debug/pprof/ on the admin address")
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
	if *subQuota <= 0 || *minHold < 0 || *fresh < 0 {
		fmt.Fprintln(os.Stderr, "-sub-quota must be positive; -min-sub-hold and -quote-fresh must not be negative")
		return 2
	}
	if *gcFloor < 0 {
		fmt.Fprintln(os.Stderr, "-gc-heap-floor-mib must not be negative")
		return 2
	}
	stopFloor := gcfloor.Start(uint64(*gcFloor) << 20)
	defer stopFloor()
	cfg := app.Config{GRPCAddr: *grpcAddr, AdminAddr: *adminAddr, OpenDAddr: *opendAddr,
		AuthAddr: *authAddr, Redis: redisx.Options{Addrs: *redisAddr, MasterName: *redisMaster},
		SubQuota: *subQuota, MinSubHold: *minHold, QuoteFresh: *fresh, PersistSubs: *persist,
		Pprof: *pprof, ShutdownTimeout: *shutdown}

	log := obs.NewLogger(os.Stderr, *level)
	if err := app.Run(context.Background(), cfg, log); err != nil {
		log.Error("exit", "error", err.Error())
		return 1
	}
	return 0
}
