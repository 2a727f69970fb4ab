package app

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/codes"

	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/edge/internal/accesslog"
	"github.com/futugw/gateway/services/edge/internal/apidoc"
	"github.com/futugw/gateway/services/edge/internal/cors"
	"github.com/futugw/gateway/services/edge/internal/httperr"
	"github.com/futugw/gateway/services/edge/internal/panel"
	"github.com/futugw/gateway/services/edge/internal/secheaders"
)

// newHandler is the edge's public handler: access log and metrics outermost (they
// see every answer, including refusals), then security headers, then CORS, then the
// routes.
func newHandler(cfg Config, log *slog.Logger, reg prometheus.Registerer, api, wsHub http.Handler, corsMW *cors.Middleware) (http.Handler, error) {
	alog, err := accesslog.New(accesslog.Options{Logger: log, Metrics: reg, Service: Name, TrustProxy: cfg.TrustProxy})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", accesslog.WithRoute(api)) // the gateway names its own routes
	mux.Handle("/api/openapi.json", accesslog.WithRoute(onlyGet(apidoc.Handler())))
	mux.Handle("/ws", accesslog.WithRoute(wsHub))
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

	h := corsMW.Wrap(mux)
	h = secheaders.New(secheaders.Options{ConnectSrc: cfg.ConnectSrc, TrustProxy: cfg.TrustProxy}).Wrap(h)
	return alog.Wrap(h), nil
}

// onlyGet answers 405 with the JSON body for anything but GET and HEAD.
func onlyGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			httperr.WriteStatus(w, http.StatusMethodNotAllowed, codes.Unimplemented, errinfo.MethodNotAllowed,
				"method "+r.Method+" is not allowed on "+r.URL.Path)
			return
		}
		next.ServeHTTP(w, r)
	})
}
