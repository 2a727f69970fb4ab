// Command order serves the OrderService and AccountService over gRPC: limits, placement through OpenD, account reads.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/gcfloor"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/services/order/internal/app"
)

func main() { os.Exit(run(os.Args[1:])) }

// run reads the configuration, then hands over to app.Run; it returns the exit code.
func run(args []string) int {
	fs := flag.NewFlagSet("order", flag.ContinueOnError)
	grpcAddr := config.String(fs, "grpc-addr", "ORDER_GRPC_ADDR", ":50053", "gRPC listen address(es), comma-separated, each host:port or unix:PATH (a Unix socket for callers on this host)")
	adminAddr := config.String(fs, "admin-addr", "ORDER_ADMIN_ADDR", ":9103", "admin HTTP address (/metrics, /healthz, /readyz)")
	opendAddr := config.String(fs, "opend-addr", "OPEND_ADDR", "127.0.0.1:11111", "Futu OpenD (or opend-sim) address")
	redisAddr := config.String(fs, "redis-addr", "REDIS_ADDR", "127.0.0.1:6379", "Redis address(es), comma-separated for a cluster; or unix:PATH for a single Redis on this host")
	redisMaster := config.String(fs, "redis-master", "REDIS_MASTER_NAME", "", "Redis Sentinel master name; empty = no Sentinel")
	minReplicas := config.Int(fs, "redis-min-replicas", "ORDER_REDIS_MIN_REPLICAS", 0, "replicas that must acknowledge each limit and idempotency write before an order proceeds (Redis WAIT); 0 = off (single Redis)")
	authAddr := config.String(fs, "auth-addr", "AUTH_ADDR", "127.0.0.1:50051", "auth service gRPC address, host:port or unix:PATH")
	quoteAddr := config.String(fs, "quote-addr", "QUOTE_ADDR", "", "quote service gRPC address (host:port or unix:PATH) for valuing market orders; empty = OpenD snapshot")
	serviceKeyFile := config.String(fs, "service-key-file", "ORDER_SERVICE_KEY_FILE", "", "file holding the order service's own service key (for the quote service)")
	pwdFile := config.String(fs, "trade-password-file", "ORDER_TRADE_PASSWORD_FILE", "", "file holding the trade password (else env ORDER_TRADE_PASSWORD); absent = real trading locked")
	hoursTZ := config.String(fs, "hours-tz", "ORDER_HOURS_TZ", "Asia/Hong_Kong", "time zone of the keys' hours windows")
	pprof := config.Bool(fs, "pprof", "ORDER_PPROF", false, "serve /debug/pprof/ on the admin address")
	shutdown := config.Duration(fs, "shutdown-timeout", "SHUTDOWN_TIMEOUT", 10*time.Second, "deadline for draining gRPC and HTTP on shutdown")
	level := config.String(fs, "log-level", "LOG_LEVEL", "info", "log level: debug, info, warn or error")
	gcFloor := config.Int(fs, "gc-heap-floor-mib", "GC_HEAP_FLOOR_MIB", 64, "keep the GC heap goal at least this many MiB (fewer GC cycles while the live heap is small); 0 disables; GOMEMLIMIT still caps memory")
	procs := config.Int(fs, "gomaxprocs", "GOMAXPROCS", 1, "CPUs running the service's Go code at once; 0 = every CPU (the runtime's default). One, because OpenD's own order rate limit keeps the load far below a core, and one scheduler answers each order faster (docs/benchmarks.md)")
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
	// The password comes from a file or the environment only: flag values show in
	// process listings.
	pwd, err := app.ReadSecret(*pwdFile, os.Getenv("ORDER_TRADE_PASSWORD"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if *gcFloor < 0 {
		fmt.Fprintln(os.Stderr, "-gc-heap-floor-mib must not be negative")
		return 2
	}
	if *procs < 0 {
		fmt.Fprintln(os.Stderr, "-gomaxprocs must not be negative")
		return 2
	}
	if *procs > 0 {
		runtime.GOMAXPROCS(*procs)
	}
	stopFloor := gcfloor.Start(uint64(*gcFloor) << 20)
	defer stopFloor()
	cfg := app.Config{GRPCAddr: *grpcAddr, AdminAddr: *adminAddr, OpenDAddr: *opendAddr,
		Redis: redisx.Options{Addrs: *redisAddr, MasterName: *redisMaster}, AuthAddr: *authAddr, QuoteAddr: *quoteAddr,
		ServiceKeyFile: *serviceKeyFile, TradePassword: pwd, HoursTZ: *hoursTZ,
		Pprof: *pprof, ShutdownTimeout: *shutdown, RedisMinReplicas: *minReplicas}

	log := obs.NewLogger(os.Stderr, *level)
	if err := app.Run(context.Background(), cfg, log); err != nil {
		log.Error("exit", "error", err.Error())
		return 1
	}
	return 0
}
