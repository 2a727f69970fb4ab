package run

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/futugw/gateway/platform/obs"
)

func newAdminMux(metrics prometheus.Gatherer, h *obs.Health, withPprof bool) *http.ServeMux {
	mux := http.NewServeMux()
	if metrics != nil {
		mux.Handle("GET /metrics", obs.MetricsHandler(metrics))
	}
	mux.Handle("GET /healthz", h.LivenessHandler())
	mux.Handle("GET /readyz", h.ReadinessHandler())
	if withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// newHTTPServer bounds reading requests and idle connections; there is no write
// timeout because profiles and (on the edge) long-lived responses legitimately take
// long.
func newHTTPServer(h http.Handler, read time.Duration, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadTimeout:       read,
		ReadHeaderTimeout: min(10*time.Second, read),
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
