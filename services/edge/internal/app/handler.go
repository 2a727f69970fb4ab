package app

import (
	"cmp"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/http/httpguts"

	"github.com/futugw/gateway/services/edge/internal/accesslog"
	"github.com/futugw/gateway/services/edge/internal/apidoc"
	"github.com/futugw/gateway/services/edge/internal/cors"
	"github.com/futugw/gateway/services/edge/internal/gateway"
	"github.com/futugw/gateway/services/edge/internal/guard"
	"github.com/futugw/gateway/services/edge/internal/httperr"
	"github.com/futugw/gateway/services/edge/internal/panel"
	"github.com/futugw/gateway/services/edge/internal/secheaders"
	"github.com/futugw/gateway/services/edge/internal/ws"
)

// writeSlack is added to the call timeout to bound writing a REST answer, so a
// client that never reads its response cannot hold the connection.
const writeSlack = 30 * time.Second

// newHandler is the edge's public handler: access log and metrics outermost (they
// see every answer, including refusals), then security headers, then CORS, then the
// routes. The API and /ws pass the guard, which refuses clients and keys that keep
// failing authentication; the access log lines of 401 and 429 answers share the
// guard's log rate limit.
func newHandler(cfg Config, log *slog.Logger, reg prometheus.Registerer, api, wsHub http.Handler, corsMW *cors.Middleware, grd *guard.Guard) (http.Handler, error) {
	alog, err := accesslog.New(accesslog.Options{
		Logger: log, Metrics: reg, Service: Name, TrustProxy: cfg.TrustProxy,
		Quiet: func(status int) bool {
			return (status == http.StatusUnauthorized || status == http.StatusTooManyRequests) && !grd.AllowLog()
		},
	})
	if err != nil {
		return nil, err
	}
	wsKey := func(r *http.Request) string { return cmp.Or(ws.PresentedKey(r), guard.BearerKey(r)) }
	mux := http.NewServeMux()
	mux.Handle("/api/", accesslog.WithRoute(grd.Wrap(guard.BearerKey, api))) // the gateway names its own routes
	mux.Handle("/api/openapi.json", accesslog.WithRoute(onlyGet(apidoc.Handler())))
	mux.Handle("/ws", accesslog.WithRoute(grd.Wrap(wsKey, wsHub)))
	if cfg.PanelDir == "" {
		mux.Handle("/{$}", accesslog.WithRoute(onlyGet(panel.Placeholder())))
		mux.Handle("/", accesslog.WithRoute(httperr.NotFound()))
	} else {
		files, err := panel.Dir(cfg.PanelDir, httperr.NotFound())
		if err != nil {
			return nil, err
		}
		mux.Handle("/", accesslog.WithRoute(onlyGet(files)))
	}

	callTimeout := cfg.CallTimeout
	if callTimeout <= 0 {
		callTimeout = gateway.DefaultTimeout
	}
	h := corsMW.Wrap(withWriteDeadline(callTimeout+writeSlack, mux))
	h = secheaders.New(secheaders.Options{ConnectSrc: cfg.ConnectSrc, TrustProxy: cfg.TrustProxy}).Wrap(h)
	return alog.Wrap(h), nil
}

// onlyGet answers 405 with the JSON body for anything but GET and HEAD.
func onlyGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			httperr.Routing(w, r, http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withWriteDeadline bounds writing the answer to every request but a WebSocket
// handshake: the server cannot have a WriteTimeout, which would also bound the
// handshake's long-lived hijacked connection before net/http lifts it. Reading is
// bounded by the server's ReadTimeout (run.Options), which covers every route.
// net/http resets the deadline for the next request on the connection.
func withWriteDeadline(write time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWebSocketUpgrade(r) {
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(write))
		}
		next.ServeHTTP(w, r)
	})
}

// isWebSocketUpgrade reports whether r asks to open a WebSocket: only such a request
// goes without a write deadline, not anything else sent to /ws.
func isWebSocketUpgrade(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == "/ws" && httpguts.HeaderValuesContainsToken(r.Header.Values("Connection"), "upgrade") &&
		httpguts.HeaderValuesContainsToken(r.Header.Values("Upgrade"), "websocket")
}
