// Command edge is the gateway's HTTP front: REST and WebSocket for the browser panel,
// translated to gRPC calls on auth, quote and order.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/cpuscale"
	"github.com/futugw/gateway/platform/gcfloor"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/services/edge/internal/app"
	"github.com/futugw/gateway/services/edge/internal/cors"
	"github.com/futugw/gateway/services/edge/internal/guard"
	"github.com/futugw/gateway/services/edge/internal/ws"
)

func main() { os.Exit(run(os.Args[1:])) }

// run reads the configuration, then hands over to app.Run; it returns the exit code.
func run(args []string) int {
	cfg, set, code := parseConfig(args)
	if code >= 0 {
		return code
	}
	stopFloor := gcfloor.Start(set.gcFloor)
	defer stopFloor()
	log := obs.NewLogger(os.Stderr, set.level)
	if set.procs > 0 {
		runtime.GOMAXPROCS(set.procs)
	} else {
		stopScale := cpuscale.Start(cpuscale.Options{OnChange: func(n int, cores float64) {
			log.Debug("gomaxprocs changed", "procs", n, "cpu_cores", cores)
		}})
		defer stopScale()
	}
	if err := app.Run(context.Background(), cfg, log); err != nil {
		log.Error("exit", "error", err.Error())
		return 1
	}
	return 0
}

// settings are what the flags set besides app.Config.
type settings struct {
	level   string
	gcFloor uint64 // GC heap floor in bytes
	procs   int    // GOMAXPROCS; 0: scaled by load
}

// parseConfig returns the configuration and settings, or an exit code >= 0 when the
// process should stop (help, or bad flags, which were already reported).
func parseConfig(args []string) (app.Config, settings, int) {
	fs := flag.NewFlagSet("edge", flag.ContinueOnError)
	httpAddr := config.String(fs, "http-addr", "EDGE_HTTP_ADDR", ":22222", "HTTP listen address (API, panel, /metrics, /healthz, /readyz)")
	authAddr := config.String(fs, "auth-addr", "AUTH_ADDR", "127.0.0.1:50051", "auth service gRPC address, host:port or unix:PATH")
	quoteAddr := config.String(fs, "quote-addr", "QUOTE_ADDR", "127.0.0.1:50052", "quote service gRPC address, host:port or unix:PATH")
	orderAddr := config.String(fs, "order-addr", "ORDER_ADDR", "127.0.0.1:50053", "order service gRPC address, host:port or unix:PATH")
	redisAddr := config.String(fs, "redis-addr", "REDIS_ADDR", "127.0.0.1:6379", "Redis address(es), comma-separated; or unix:PATH for a single Redis on this host")
	redisMaster := config.String(fs, "redis-master", "REDIS_MASTER_NAME", "", "Redis Sentinel master name (empty: no Sentinel)")
	redisPassFile := config.String(fs, "redis-password-file", "REDIS_PASSWORD_FILE", "", "file holding the Redis password")
	corsOrigins := config.String(fs, "cors-origins", "CORS_ALLOWED_ORIGINS", "", "comma-separated origins allowed to call the API cross-origin (empty: only the edge's own origin)")
	corsByProxy := config.Bool(fs, "cors-by-proxy", "CORS_BY_PROXY", false, "the proxy in front (Caddy's header block) sets the CORS headers and answers preflights: the edge adds none, and -cors-origins only says which pages may open a WebSocket")
	connectSrc := config.String(fs, "csp-connect-src", "EDGE_CSP_CONNECT_SRC", "", "comma-separated extra origins the panel may connect to (API/WS origins), for its CSP")
	trustProxy := config.Bool(fs, "trust-proxy", "EDGE_TRUST_PROXY", false, "honour X-Forwarded-Proto/For and X-Request-Id from the proxy in front (Caddy)")
	panelDir := config.String(fs, "panel-dir", "EDGE_PANEL_DIR", "", "directory of the built web panel (web/dist) served at /; empty serves a placeholder page")
	callTimeout := config.Duration(fs, "call-timeout", "EDGE_CALL_TIMEOUT", 10*time.Second, "deadline of one REST call to a service")
	shutdown := config.Duration(fs, "shutdown-timeout", "SHUTDOWN_TIMEOUT", 10*time.Second, "deadline for draining HTTP on shutdown")
	serviceKeyFile := config.String(fs, "service-key-file", "EDGE_SERVICE_KEY_FILE", "", "file holding the edge's service key (scope service) for the quote and trade push streams")
	wsPing := config.Duration(fs, "ws-ping-interval", "EDGE_WS_PING_INTERVAL", 20*time.Second, "WebSocket keepalive ping period")
	wsQueue := config.Int(fs, "ws-queue", "EDGE_WS_QUEUE", 256, "per-socket queue bound: waiting trade/notify frames, and distinct securities with a waiting quote")
	wsPerKey := config.Int(fs, "ws-max-sockets-per-key", "EDGE_WS_MAX_SOCKETS_PER_KEY", ws.DefaultMaxSocketsPerKey, "open WebSockets one key and its session keys may hold together; more are refused (429 too_many_sockets)")
	failIP := config.Int(fs, "auth-fail-ip-per-minute", "EDGE_AUTH_FAIL_IP_PER_MINUTE", guard.DefaultPerIP.Failures, "authentication failures a client address may have per minute before it is refused (429 auth_rate_limited) for the cool-down")
	failKey := config.Int(fs, "auth-fail-key-per-minute", "EDGE_AUTH_FAIL_KEY_PER_MINUTE", guard.DefaultPerKey.Failures, "authentication failures one presented key may have per minute before it is refused for the cool-down")
	failCooldown := config.Duration(fs, "auth-fail-cooldown", "EDGE_AUTH_FAIL_COOLDOWN", guard.DefaultCooldown, "how long a client or key over its authentication-failure limit is refused")
	level := config.String(fs, "log-level", "LOG_LEVEL", "info", "log level: debug, info, warn or error")
	procs := config.Int(fs, "gomaxprocs", "GOMAXPROCS", 0, "CPUs running the edge's Go code at once; 0 = one while the edge is nearly idle, every CPU once it is busy (a lone request is answered faster on one, a large WebSocket fan-out needs them all; docs/benchmarks.md)")
	gcFloor := config.Int(fs, "gc-heap-floor-mib", "GC_HEAP_FLOOR_MIB", 64, "keep the GC heap goal at least this many MiB (fewer GC cycles while the live heap is small); 0 disables; GOMEMLIMIT still caps memory")
	if err := config.Parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return app.Config{}, settings{}, 0
		}
		return app.Config{}, settings{}, 2
	}
	fail := func(err error) (app.Config, settings, int) {
		fmt.Fprintln(fs.Output(), err)
		return app.Config{}, settings{}, 2
	}
	if _, err := obs.ParseLevel(*level); err != nil {
		return fail(err)
	}
	origins, err := cors.ParseOrigins(*corsOrigins)
	if err != nil {
		return fail(err)
	}
	if *corsByProxy && len(origins) == 0 {
		return fail(errors.New("-cors-by-proxy needs -cors-origins: the app origins the proxy allows, whose pages may then open WebSockets"))
	}
	// Same shape as CORS origins (ws/wss allowed too); validated, then used as given.
	if _, err := cors.ParseOrigins(strings.NewReplacer("wss://", "https://", "ws://", "http://").Replace(*connectSrc)); err != nil {
		return fail(fmt.Errorf("-csp-connect-src: %w", err))
	}
	password := ""
	if *redisPassFile != "" {
		b, err := os.ReadFile(*redisPassFile)
		if err != nil {
			return fail(fmt.Errorf("-redis-password-file: %w", err))
		}
		password = strings.TrimSpace(string(b))
	}
	if *callTimeout <= 0 {
		return fail(errors.New("-call-timeout must be positive"))
	}
	if *wsPing <= 0 {
		return fail(errors.New("-ws-ping-interval must be positive"))
	}
	if *wsQueue < 1 {
		return fail(errors.New("-ws-queue must be at least 1"))
	}
	if *wsPerKey < 1 {
		return fail(errors.New("-ws-max-sockets-per-key must be at least 1"))
	}
	if *gcFloor < 0 {
		return fail(errors.New("-gc-heap-floor-mib must not be negative"))
	}
	if *procs < 0 {
		return fail(errors.New("-gomaxprocs must not be negative"))
	}
	if *failIP < 1 || *failKey < 1 || *failCooldown <= 0 {
		return fail(errors.New("-auth-fail-ip-per-minute and -auth-fail-key-per-minute must be at least 1, -auth-fail-cooldown positive"))
	}
	serviceKey := ""
	if *serviceKeyFile != "" {
		b, err := os.ReadFile(*serviceKeyFile)
		if err != nil {
			return fail(fmt.Errorf("-service-key-file: %w", err))
		}
		serviceKey = strings.TrimSpace(string(b))
	}
	return app.Config{
		HTTPAddr: *httpAddr, ShutdownTimeout: *shutdown,
		AuthAddr: *authAddr, QuoteAddr: *quoteAddr, OrderAddr: *orderAddr,
		Redis:       redisx.Options{Addrs: *redisAddr, MasterName: *redisMaster, Password: password},
		CORSOrigins: origins, CORSByProxy: *corsByProxy, ConnectSrc: splitList(*connectSrc), TrustProxy: *trustProxy,
		CallTimeout: *callTimeout, PanelDir: *panelDir,
		ServiceKey: serviceKey, ServiceKeyFile: *serviceKeyFile, WSPing: *wsPing, WSQueue: *wsQueue, WSPerKey: *wsPerKey,
		AuthFailPerIP:    guard.Limit{Failures: *failIP, Per: time.Minute},
		AuthFailPerKey:   guard.Limit{Failures: *failKey, Per: time.Minute},
		AuthFailCooldown: *failCooldown,
	}, settings{level: *level, gcFloor: uint64(*gcFloor) << 20, procs: *procs}, -1
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
