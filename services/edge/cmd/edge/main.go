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

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/cpuscale"
	"github.com/futugw/gateway/platform/gcfloor"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run/runflags"
	"github.com/futugw/gateway/platform/secret"
	"github.com/futugw/gateway/services/edge/internal/app"
	"github.com/futugw/gateway/services/edge/internal/cors"
	"github.com/futugw/gateway/services/edge/internal/guard"
	"github.com/futugw/gateway/services/edge/internal/ws"
)

func main() { os.Exit(runMain(os.Args[1:])) }

// runMain reads the configuration, then hands over to app.Run; it returns the exit code.
func runMain(args []string) int {
	cfg, set, code := parseConfig(args)
	if code >= 0 {
		return code
	}
	stopFloor := set.gc.Start()
	defer stopFloor()
	log := set.logs.NewLogger(os.Stderr)
	if set.procs > 0 {
		runtime.GOMAXPROCS(set.procs)
	} else if set.scaleProcs {
		stopScale := cpuscale.Start(cpuscale.Options{OnChange: func(n int, cores float64) {
			log.Debug("gomaxprocs changed", "procs", n, "cpu_cores", cores)
		}})
		defer stopScale()
	}
	if err := app.Run(context.Background(), cfg, log); err != nil {
		log.Error("exit", obs.Err(err))
		return 1
	}
	return 0
}

// settings are what the flags set besides app.Config.
type settings struct {
	logs       *obs.LogOptions
	gc         *gcfloor.Options
	procs      int  // GOMAXPROCS; 0: the runtime's own
	scaleProcs bool // opt-in: platform/cpuscale, when procs is 0
}

// parseConfig returns the configuration and settings, or an exit code >= 0 when the
// process should stop (help, or bad flags, which were already reported).
func parseConfig(args []string) (app.Config, settings, int) {
	fs := flag.NewFlagSet("edge", flag.ContinueOnError)
	httpAddr := config.String(fs, "http-addr", "EDGE_HTTP_ADDR", ":22222", "HTTP listen address (API, panel, /metrics, /healthz, /readyz)")
	sdkAddr := config.String(fs, "sdk-addr", "EDGE_SDK_ADDR", ":33333", "listen address for Futu's official JavaScript SDK (futu-api's WebSocket protocol, OpenD's port 33333); empty serves none")
	authAddr := authn.RegisterFlags(fs)
	quoteAddr := config.String(fs, "quote-addr", "QUOTE_ADDR", "127.0.0.1:50052", "quote service gRPC address, host:port or unix:PATH")
	orderAddr := config.String(fs, "order-addr", "ORDER_ADDR", "127.0.0.1:50053", "order service gRPC address, host:port or unix:PATH")
	rds := redisx.RegisterFlags(fs)
	logs := obs.RegisterLogFlags(fs)
	gc := gcfloor.RegisterFlags(fs)
	var shutdown time.Duration
	runflags.RegisterShutdownFlag(fs, &shutdown)
	corsOrigins := config.String(fs, "cors-origins", "CORS_ALLOWED_ORIGINS", "", "comma-separated origins allowed to call the API cross-origin (empty: only the edge's own origin)")
	corsByProxy := config.Bool(fs, "cors-by-proxy", "CORS_BY_PROXY", false, "the proxy in front (Caddy's header block) sets the CORS headers and answers preflights: the edge adds none, and -cors-origins only says which pages may open a WebSocket")
	connectSrc := config.String(fs, "csp-connect-src", "EDGE_CSP_CONNECT_SRC", "", "comma-separated extra origins the panel may connect to (API/WS origins), for its CSP")
	trustProxy := config.Bool(fs, "trust-proxy", "EDGE_TRUST_PROXY", false, "honour X-Forwarded-Proto/For and X-Request-Id from the proxy in front (Caddy)")
	panelDir := config.String(fs, "panel-dir", "EDGE_PANEL_DIR", "", "directory of the built web panel (web/dist) served at /; empty serves a placeholder page")
	callTimeout := config.Duration(fs, "call-timeout", "EDGE_CALL_TIMEOUT", 10*time.Second, "deadline of one REST call to a service")
	serviceKeyFile := config.String(fs, "service-key-file", "EDGE_SERVICE_KEY_FILE", "", "file holding the edge's service key (scope service) for the quote and trade push streams")
	wsPing := config.Duration(fs, "ws-ping-interval", "EDGE_WS_PING_INTERVAL", 20*time.Second, "WebSocket keepalive ping period")
	wsQueue := config.Int(fs, "ws-queue", "EDGE_WS_QUEUE", 256, "per-socket queue bound: waiting trade/notify frames, and distinct securities with a waiting quote")
	wsPerKey := config.Int(fs, "ws-max-sockets-per-key", "EDGE_WS_MAX_SOCKETS_PER_KEY", ws.DefaultMaxSocketsPerKey, "open WebSockets one key and its session keys may hold together; more are refused (429 too_many_sockets)")
	failIP := config.Int(fs, "auth-fail-ip-per-minute", "EDGE_AUTH_FAIL_IP_PER_MINUTE", guard.DefaultPerIP.Failures, "authentication failures a client address may have per minute before it is refused (429 auth_rate_limited) for the cool-down")
	failKey := config.Int(fs, "auth-fail-key-per-minute", "EDGE_AUTH_FAIL_KEY_PER_MINUTE", guard.DefaultPerKey.Failures, "authentication failures one presented key may have per minute before it is refused for the cool-down")
	failCooldown := config.Duration(fs, "auth-fail-cooldown", "EDGE_AUTH_FAIL_COOLDOWN", guard.DefaultCooldown, "how long a client or key over its authentication-failure limit is refused")
	procs := config.Int(fs, "gomaxprocs", "GOMAXPROCS", 0, "CPUs running the edge's Go code at once; 0 = the runtime's default")
	scaleProcs := config.Bool(fs, "gomaxprocs-scale", "EDGE_GOMAXPROCS_SCALE", false, "opt-in, with -gomaxprocs 0: run Go code on one CPU while the edge is nearly idle and on every CPU once it is busy (a lone request may be answered faster on one; docs/benchmarks.md)")
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
	if err := errors.Join(logs.Validate(), gc.Validate(), rds.Resolve()); err != nil {
		return fail(err)
	}
	origins, err := cors.ParseOrigins(*corsOrigins)
	if err != nil {
		return fail(err)
	}
	// Same shape as CORS origins (ws/wss allowed too); validated, then used as given.
	if _, err := cors.ParseOrigins(strings.NewReplacer("wss://", "https://", "ws://", "http://").Replace(*connectSrc)); err != nil {
		return fail(fmt.Errorf("-csp-connect-src: %w", err))
	}
	for _, c := range []struct {
		bad bool
		msg string
	}{
		{*corsByProxy && len(origins) == 0, "-cors-by-proxy needs -cors-origins: the app origins the proxy allows, whose pages may then open WebSockets"},
		{*callTimeout <= 0, "-call-timeout must be positive"},
		{*wsPing <= 0, "-ws-ping-interval must be positive"},
		{*wsQueue < 1, "-ws-queue must be at least 1"},
		{*wsPerKey < 1, "-ws-max-sockets-per-key must be at least 1"},
		{*procs < 0, "-gomaxprocs must not be negative"},
		{*failIP < 1 || *failKey < 1 || *failCooldown <= 0, "-auth-fail-ip-per-minute and -auth-fail-key-per-minute must be at least 1, -auth-fail-cooldown positive"},
	} {
		if c.bad {
			return fail(errors.New(c.msg))
		}
	}
	var serviceKey string
	if *serviceKeyFile != "" {
		if serviceKey, err = secret.ReadFile(*serviceKeyFile); err != nil {
			return fail(fmt.Errorf("-service-key-file: %w", err))
		}
	}
	return app.Config{
		HTTPAddr: *httpAddr, SDKAddr: *sdkAddr, ShutdownTimeout: shutdown,
		AuthAddr: *authAddr, QuoteAddr: *quoteAddr, OrderAddr: *orderAddr,
		Redis:       *rds,
		CORSOrigins: origins, CORSByProxy: *corsByProxy, ConnectSrc: splitList(*connectSrc), TrustProxy: *trustProxy,
		CallTimeout: *callTimeout, PanelDir: *panelDir,
		ServiceKey: serviceKey, ServiceKeyFile: *serviceKeyFile, WSPing: *wsPing, WSQueue: *wsQueue, WSPerKey: *wsPerKey,
		AuthFailPerIP:    guard.Limit{Failures: *failIP, Per: time.Minute},
		AuthFailPerKey:   guard.Limit{Failures: *failKey, Per: time.Minute},
		AuthFailCooldown: *failCooldown,
	}, settings{logs: logs, gc: gc, procs: *procs, scaleProcs: *scaleProcs}, -1
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
