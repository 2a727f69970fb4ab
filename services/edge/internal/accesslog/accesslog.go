// Package accesslog writes one JSON log line per HTTP request and the request
// metrics. It never logs a credential: Authorization and Sec-WebSocket-Protocol are
// not logged, and the query string has token= values and key-shaped text redacted.
package accesslog

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/futugw/gateway/platform/obs"
)

// RequestIDHeader carries the request id to the client and, from a trusted proxy,
// in from it.
const RequestIDHeader = "X-Request-Id"

// unmatched is the route label of requests no handler claimed.
const unmatched = "unmatched"

// Options configures the middleware.
type Options struct {
	Logger  *slog.Logger
	Metrics prometheus.Registerer // nil: no metrics
	// Service names the metrics: futugw_<service>_http_...
	Service string
	// TrustProxy takes the client address from X-Forwarded-For and the request id
	// from X-Request-Id (both set by Caddy).
	TrustProxy bool
	// Quiet, when set, is asked before each line with the response status; true
	// drops the line (the metrics still count the request). The edge uses it to rate
	// limit the lines of authentication failures, so a flood cannot flood the log.
	Quiet func(status int) bool
}

// Middleware logs and counts requests; build it with New.
type Middleware struct {
	log        *slog.Logger
	trustProxy bool
	quiet      func(status int) bool
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
}

// New builds the middleware and registers its metrics.
func New(o Options) (*Middleware, error) {
	m := &Middleware{
		log:        obs.OrDiscard(o.Logger),
		trustProxy: o.TrustProxy,
		quiet:      o.Quiet,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: obs.MetricName(o.Service, "http_requests_total"),
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    obs.MetricName(o.Service, "http_request_duration_seconds"),
			Help:    "HTTP request duration by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
	}
	if o.Metrics != nil {
		for _, c := range []prometheus.Collector{m.requests, m.duration} {
			if err := o.Metrics.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// Wrap returns next with logging and metrics around it.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := m.requestID(r)
		w.Header().Set(RequestIDHeader, id)
		slot := &routeSlot{}
		rec := &Recorder{ResponseWriter: w}
		ctx := context.WithValue(r.Context(), routeKey{}, slot)
		next.ServeHTTP(rec, r.WithContext(ctx))
		elapsed := time.Since(start)
		rec.deliver()

		if rec.status == 0 {
			rec.status = http.StatusOK // nothing written: net/http sends 200
		}
		route := cmp.Or(slot.route, unmatched)
		m.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		m.duration.WithLabelValues(route).Observe(elapsed.Seconds())
		if m.quiet != nil && m.quiet(rec.status) {
			return
		}
		m.log.LogAttrs(ctx, slog.LevelInfo, "http request",
			slog.String("method", r.Method),
			slog.String("path", RedactKeys(r.URL.EscapedPath())),
			slog.String("query", RedactQuery(r.URL.RawQuery)),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("client", RedactKeys(ClientAddr(r, m.trustProxy))),
			slog.String("request_id", id),
		)
	})
}

// ClientAddr is the caller's address: the first X-Forwarded-For hop behind a trusted
// proxy, else the connection's peer.
func ClientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

func (m *Middleware) requestID(r *http.Request) string {
	if m.trustProxy {
		if id := r.Header.Get(RequestIDHeader); validID(id) {
			return id
		}
	}
	// Unique, not secret: the runtime's fast generator, no system call per request.
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], rand.Uint64())
	return hex.EncodeToString(b[:])
}

// validID accepts short ids of safe characters, so a forwarded id can neither
// forge log content nor smuggle a key.
func validID(id string) bool {
	if id == "" || len(id) > 64 || strings.Contains(strings.ToLower(id), keyPrefix) {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// routeKey is the context key of the request's *routeSlot.
type routeKey struct{}

// routeSlot lets an inner handler name the matched route for the log and the
// metric label, even after requests were copied with WithContext on the way down.
type routeSlot struct{ route string }

// SetRoute records the matched route pattern (a bounded set, never the raw path) of
// the request whose context is ctx. It does nothing outside the middleware.
func SetRoute(ctx context.Context, route string) {
	if s, ok := ctx.Value(routeKey{}).(*routeSlot); ok {
		s.route = route
	}
}

// WithRoute wraps a handler mounted on an http.ServeMux so that the mux's pattern
// becomes the route.
func WithRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Pattern != "" {
			SetRoute(r.Context(), r.Pattern)
		}
		next.ServeHTTP(w, r)
	})
}
