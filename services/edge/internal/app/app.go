// Package app wires the edge: configuration in, one HTTP listener serving the REST
// front door (grpc-gateway to auth, quote and order), the WebSocket hub at /ws, the
// panel, /metrics, /healthz and /readyz until shutdown.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/services/edge/internal/cors"
	"github.com/futugw/gateway/services/edge/internal/gateway"
	"github.com/futugw/gateway/services/edge/internal/guard"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"github.com/futugw/gateway/services/edge/internal/ws"
)

// Name is the service name used in metric names and logs.
const Name = "edge"

// Config is everything the edge is started with.
type Config struct {
	HTTPAddr        string        // API, panel, /metrics, /healthz, /readyz
	SDKAddr         string        // Futu's JavaScript SDK (package sdk); "" serves none
	ShutdownTimeout time.Duration // HTTP drain deadline

	AuthAddr, QuoteAddr, OrderAddr string // gRPC upstreams
	Redis                          redisx.Options

	CORSOrigins []string // parsed allowlist; empty = same origin only
	CORSByProxy bool     // the proxy in front sets the CORS headers; CORSOrigins then only gates /ws
	ConnectSrc  []string // extra CSP connect-src origins for the panel (API/WS origins)
	PanelDir    string   // the built panel (web/dist); "" serves a placeholder page
	TrustProxy  bool     // honour X-Forwarded-Proto/For/Request-Id from the proxy in front

	CallTimeout time.Duration // per REST call; gateway.DefaultTimeout when zero
	MaxBody     int64         // per REST body; gateway.DefaultMaxBody when zero

	// ServiceKey opens the quote and trade push streams (scope service); empty
	// leaves /ws without live data (sockets still open, with a warning logged).
	ServiceKey string
	// ServiceKeyFile is where ServiceKey came from, read again at each push stream
	// (re)connect: auth renews the key there before it expires.
	ServiceKeyFile string
	WSPing         time.Duration // WebSocket keepalive period; ws.DefaultPingInterval when zero
	WSQueue        int           // per-socket queue bound; ws.DefaultQueueSize when zero
	WSPerKey       int           // open sockets per key and its sessions; ws.DefaultMaxSocketsPerKey when zero
	WSPongWait     time.Duration // how long a ping waits for its pong; half of WSPing when zero
	WSDrainAfter   time.Duration // on shutdown, time sockets get to flush; ws.DefaultDrainTimeout when zero

	// Authentication-failure limits (REST 401s and refused /ws handshakes); the
	// guard's defaults when zero.
	AuthFailPerIP    guard.Limit
	AuthFailPerKey   guard.Limit
	AuthFailCooldown time.Duration
	AuthFailLogRate  int // lines per second about auth failures; guard.DefaultLogPerSecond when zero

	// ReadTimeout bounds reading one request, headers and body, on every route
	// (a WebSocket, once open, is free of it); run.DefaultReadTimeout when zero.
	ReadTimeout time.Duration

	// SDKHandlers serve SDK commands beyond the generic catalog rows, KeepAlive,
	// Qot_Sub and package sdk/trade's commands, over all of them (tests); see
	// sdk.Options.Handlers.
	SDKHandlers map[uint32]sdkcall.Handler
}

// Edge is a built, not yet running edge.
type Edge struct {
	svc *run.Service
	hub *ws.Hub
	sdk *sdkListener // nil without SDKAddr
}

// New builds the edge: upstream connections (lazy), Redis client, handlers and
// readiness checks. Nothing listens until Listen or Run. What it opens closes in
// reverse order: at shutdown, or at once when a later step fails.
func New(ctx context.Context, cfg Config, log *slog.Logger) (_ *Edge, err error) {
	reg := obs.NewRegistry()
	if err := obs.RegisterBuildInfo(reg, Name); err != nil {
		return nil, err
	}
	log.Info("config", "http_addr", cfg.HTTPAddr, "sdk_addr", cfg.SDKAddr, "shutdown_timeout", cfg.ShutdownTimeout.String(),
		"auth_addr", cfg.AuthAddr, "quote_addr", cfg.QuoteAddr, "order_addr", cfg.OrderAddr,
		"redis_addrs", cfg.Redis.Addrs, "redis_master", cfg.Redis.MasterName,
		"cors_origins", cfg.CORSOrigins, "cors_by_proxy", cfg.CORSByProxy, "trust_proxy", cfg.TrustProxy,
		"service_key_set", cfg.ServiceKey != "", "ws_ping", cfg.WSPing.String(), "ws_queue", cfg.WSQueue)

	life := run.NewGroup(log)
	defer life.StopOnError(&err)
	rdb, err := redisx.New(cfg.Redis)
	if err != nil {
		return nil, err
	}
	life.Defer("redis", func(context.Context) error { return rdb.Close() })
	gw, err := gateway.New(ctx, gateway.Options{
		Logger:   log,
		AuthAddr: cfg.AuthAddr, QuoteAddr: cfg.QuoteAddr, OrderAddr: cfg.OrderAddr,
		Timeout: cfg.CallTimeout, MaxBody: cfg.MaxBody, TrustProxy: cfg.TrustProxy,
	})
	if err != nil {
		return nil, err
	}
	life.Defer("grpc upstreams", func(context.Context) error { return gw.Close() })
	// One key cache for the edge, kept current by the revocation watcher the hub runs.
	cache := authn.NewCache(authn.NewGRPCValidator(gw.Auth), authn.CacheOptions{Metrics: reg})
	corsMW := cors.New(cors.Options{Origins: cfg.CORSOrigins, TrustProxy: cfg.TrustProxy, ByProxy: cfg.CORSByProxy})
	wsOpts := ws.Options{
		Cache: cache, Redis: rdb, Origins: corsMW, ServiceKey: cfg.ServiceKey, ServiceKeyFile: cfg.ServiceKeyFile,
		PingInterval: cfg.WSPing, PongTimeout: cfg.WSPongWait, QueueSize: cfg.WSQueue, MaxSocketsPerKey: cfg.WSPerKey,
		DrainTimeout: cfg.WSDrainAfter, TrustProxy: cfg.TrustProxy,
		Logger: log.With("component", "ws"), Metrics: reg,
	}
	if cfg.ServiceKey != "" { // without it the hub opens no push streams
		wsOpts.Quote = gatewayv1.NewQuoteServiceClient(gw.Quote)
		wsOpts.Order = gatewayv1.NewOrderServiceClient(gw.Order)
	} else {
		log.Warn("no service key: /ws opens but carries no quotes or trades (set -service-key-file)")
	}
	grd, err := guard.New(guard.Options{
		PerIP: cfg.AuthFailPerIP, PerKey: cfg.AuthFailPerKey, Cooldown: cfg.AuthFailCooldown,
		TrustProxy: cfg.TrustProxy, LogPerSecond: cfg.AuthFailLogRate,
		Logger: log.With("component", "guard"), Metrics: reg,
	})
	if err != nil {
		return nil, err
	}
	hub, err := ws.NewHub(wsOpts)
	if err != nil {
		return nil, err
	}
	var sdkLn *sdkListener
	if cfg.SDKAddr != "" {
		if sdkLn, err = newSDKListener(cfg, log, gw, hub, cache, corsMW, grd, reg); err != nil {
			return nil, err
		}
		// After the sockets closed (below, in reverse order): their clean-ups.
		life.Defer("sdk socket clean-ups", sdkLn.srv.Close)
	}
	// Sockets get their 1001 and the streams stop before the upstream connections
	// and Redis go away. Readiness does not wait for the streams.
	life.Defer("websockets", hub.Close)
	root, err := newHandler(cfg, log, reg, gw.Handler(), hub, corsMW, grd)
	if err != nil {
		return nil, err
	}

	health := obs.NewHealth(0)
	health.Add("redis", redisx.Check(rdb))
	health.Add("auth", gateway.HealthCheck(gw.Auth))
	health.Add("quote", gateway.HealthCheck(gw.Quote))
	health.Add("order", gateway.HealthCheck(gw.Order))
	health.HideErrors(log) // /readyz is on the public listener

	// The edge has no separate admin port: its public listener is the admin server.
	svc := run.New(run.Options{
		Name:         Name,
		Logger:       log,
		Health:       health,
		Metrics:      reg,
		Group:        life,
		AdminAddr:    cfg.HTTPAddr,
		AdminName:    "http",
		DrainTimeout: cfg.ShutdownTimeout,
		ReadTimeout:  cfg.ReadTimeout,
	})
	// /metrics, /healthz and /readyz stay the run package's (more specific patterns);
	// everything else goes through the edge's middleware chain.
	svc.Handle("/", root)
	return &Edge{svc: svc, hub: hub, sdk: sdkLn}, nil
}

// Listen binds the HTTP and SDK listeners, so Addr and SDKAddr are known before Run.
func (e *Edge) Listen() error {
	if err := e.svc.Listen(); err != nil {
		return err
	}
	if e.sdk != nil {
		return e.sdk.listen()
	}
	return nil
}

// Addr is the bound HTTP address, nil before Listen.
func (e *Edge) Addr() net.Addr { return e.svc.AdminAddr() }

// SDKAddr is the bound SDK address, nil before Listen or without one.
func (e *Edge) SDKAddr() net.Addr {
	if e.sdk == nil || e.sdk.ln == nil {
		return nil
	}
	return e.sdk.ln.Addr()
}

// Run starts the WebSocket hub's streams and serves until ctx ends or SIGINT/SIGTERM
// arrives, then drains and closes everything New opened.
func (e *Edge) Run(ctx context.Context) error {
	if e.sdk != nil {
		if err := e.sdk.listen(); err != nil {
			return errors.Join(err, e.svc.Run(canceled()))
		}
		// The SDK listener stops first at shutdown (the group stops in reverse);
		// its sockets close with the hub's.
		e.svc.Go("sdk listener", e.sdk.serve)
	}
	e.hub.Start()
	return e.svc.Run(ctx)
}

// canceled is a context that has ended: Run with it only stops what New opened.
func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// Run builds the edge and serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	e, err := New(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("edge: %w", err)
	}
	return e.Run(ctx)
}
