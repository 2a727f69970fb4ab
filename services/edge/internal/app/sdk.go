package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/platform/secret"
	"github.com/futugw/gateway/services/edge/internal/cors"
	"github.com/futugw/gateway/services/edge/internal/gateway"
	"github.com/futugw/gateway/services/edge/internal/guard"
	"github.com/futugw/gateway/services/edge/internal/sdk"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"github.com/futugw/gateway/services/edge/internal/sdk/trade"
	"github.com/futugw/gateway/services/edge/internal/ws"
)

// sdkListener is the edge's second listener: Futu's JavaScript SDK (package sdk) on
// its own port, as OpenD serves it on 33333; every path upgrades.
type sdkListener struct {
	addr string
	srv  *sdk.Server
	http *http.Server

	mu sync.Mutex
	ln net.Listener
}

func newSDKListener(cfg Config, log *slog.Logger, gw *gateway.Gateway, hub *ws.Hub, cache *authn.Cache, origins *cors.Middleware, grd *guard.Guard, reg prometheus.Registerer) (*sdkListener, error) {
	if cfg.ServiceKey == "" {
		log.Warn("no service key: the SDK listener refuses every InitWebSocket (set -service-key-file)")
	}
	handlers := trade.Handlers() // the trade commands and Qot_GetBasicQot
	for id, h := range cfg.SDKHandlers {
		handlers[id] = h
	}
	srv, err := sdk.New(sdk.Options{
		Hub: hub, Cache: cache, Origins: origins, Guard: grd, TrustProxy: cfg.TrustProxy,
		Conns:       sdkcall.Conns{Auth: gw.Auth, Quote: gw.Quote, Order: gw.Order},
		ServiceKey:  serviceKeySource(cfg.ServiceKey, cfg.ServiceKeyFile),
		Handlers:    handlers,
		CallTimeout: cfg.CallTimeout,
		Logger:      log.With("component", "sdk"),
		Metrics:     reg,
	})
	if err != nil {
		return nil, err
	}
	read := cfg.ReadTimeout
	if read <= 0 {
		read = run.DefaultReadTimeout
	}
	return &sdkListener{addr: cfg.SDKAddr, srv: srv, http: &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: read,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}}, nil
}

// serviceKeySource returns the service key as its file holds it now (auth renews it
// there), or key while the file cannot be read.
func serviceKeySource(key, file string) func() string {
	return func() string {
		if file != "" {
			if k, err := secret.ReadFile(file); err == nil {
				return k
			}
		}
		return key
	}
}

// listen binds the address once.
func (l *sdkListener) listen() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", l.addr)
	if err != nil {
		return fmt.Errorf("sdk listener: %w", err)
	}
	l.ln = ln
	return nil
}

// serve accepts until ctx ends, then stops accepting; open sockets close with the
// hub.
func (l *sdkListener) serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- l.http.Serve(l.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = l.http.Shutdown(sctx) // hijacked sockets are the hub's
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
