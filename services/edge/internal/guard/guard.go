// Package guard refuses clients that keep failing authentication: every 401 the edge
// answers (from the auth service on REST, or a /ws handshake) takes a token from the
// caller's address bucket and from the presented key's bucket; a client or key whose
// bucket is empty gets 429 auth_rate_limited, without reaching auth, for a cool-down.
// Memory is bounded (capped tables, idle entries swept) and so are the logs: lines
// about authentication failures pass a shared rate limit, the rest only count.
package guard

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
	"google.golang.org/grpc/codes"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/edge/internal/accesslog"
	"github.com/futugw/gateway/services/edge/internal/httperr"
)

// Limit is a number of authentication failures allowed per period, in a burst.
type Limit struct {
	Failures int
	Per      time.Duration
}

// Defaults for the zero values of Options.
var (
	DefaultPerIP  = Limit{Failures: 20, Per: time.Minute}
	DefaultPerKey = Limit{Failures: 5, Per: time.Minute}
)

const (
	DefaultCooldown     = time.Minute
	DefaultMaxEntries   = 100_000
	DefaultLogPerSecond = 10
)

// Options configures a Guard.
type Options struct {
	PerIP  Limit // per client address (IPv6 grouped by /64)
	PerKey Limit // per presented key (by its SHA-256)
	// Cooldown is how long a client or key that exhausted its bucket is refused.
	Cooldown time.Duration
	// MaxEntries bounds each of the two tables.
	MaxEntries int
	// TrustProxy takes the client address from X-Forwarded-For (the last hop: the
	// address the proxy in front saw), else the connection's peer is the client.
	TrustProxy bool

	Logger *slog.Logger
	// LogPerSecond caps the lines about authentication failures (the guard's own and,
	// through AllowLog, the access log's 401/429 lines); beyond it they only count.
	LogPerSecond int
	Metrics      prometheus.Registerer // nil: metrics are kept but not exported
	Now          func() time.Time      // tests
}

// Guard is the middleware; build it with New. Safe for concurrent use.
type Guard struct {
	o          Options
	ip, key    *table
	logs       *rate.Limiter          // LogPerSecond lines a second, bursting to as many; clocked by o.Now
	failures   *prometheus.CounterVec // by scope: ip, key
	refused    *prometheus.CounterVec // by scope
	blocks     *prometheus.CounterVec // by scope
	suppressed prometheus.Counter
}

// KeyFunc returns the credential a request presents ("" when none); it is only
// hashed, never kept or logged.
type KeyFunc func(*http.Request) string

// New builds a Guard and registers its metrics.
func New(o Options) (*Guard, error) {
	if o.PerIP.Failures <= 0 || o.PerIP.Per <= 0 {
		o.PerIP = DefaultPerIP
	}
	if o.PerKey.Failures <= 0 || o.PerKey.Per <= 0 {
		o.PerKey = DefaultPerKey
	}
	if o.Cooldown <= 0 {
		o.Cooldown = DefaultCooldown
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.LogPerSecond <= 0 {
		o.LogPerSecond = DefaultLogPerSecond
	}
	o.Logger = obs.OrDiscard(o.Logger)
	if o.Now == nil {
		o.Now = time.Now
	}
	byScope := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"scope"})
	}
	g := &Guard{
		o:    o,
		ip:   newTable(o.PerIP, o.Cooldown, o.MaxEntries),
		key:  newTable(o.PerKey, o.Cooldown, o.MaxEntries),
		logs: rate.NewLimiter(rate.Limit(o.LogPerSecond), o.LogPerSecond),
		failures: byScope("futugw_edge_auth_failures_total",
			"Requests answered 401, by the table that counted them (ip, key)."),
		refused: byScope("futugw_edge_auth_rate_limited_total",
			"Requests refused with 429 auth_rate_limited, by the table that refused them (ip, key)."),
		blocks: byScope("futugw_edge_auth_blocks_total",
			"Clients (ip) or keys (key) that exhausted their failure bucket and started a cool-down."),
		suppressed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "futugw_edge_auth_log_suppressed_total",
			Help: "Log lines about authentication failures dropped by the log rate limit.",
		}),
	}
	for _, s := range []string{"ip", "key"} { // export zeros
		g.failures.WithLabelValues(s)
		g.refused.WithLabelValues(s)
		g.blocks.WithLabelValues(s)
	}
	if o.Metrics != nil {
		for _, c := range []prometheus.Collector{g.failures, g.refused, g.blocks, g.suppressed} {
			if err := o.Metrics.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return g, nil
}

// Wrap refuses blocked clients and keys with 429, and counts next's 401 answers.
func (g *Guard) Wrap(key KeyFunc, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := g.clientKey(r)
		kh := ""
		if key != nil {
			if tok := key(r); tok != "" {
				sum := sha256.Sum256([]byte(tok))
				kh = string(sum[:])
			}
		}
		now := g.o.Now()
		if until, scope := g.blocked(ip, kh, now); !until.IsZero() {
			g.refused.WithLabelValues(scope).Inc()
			secs := int((until.Sub(now) + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			httperr.WriteStatus(w, http.StatusTooManyRequests, codes.ResourceExhausted, gatewayv1.Reason_REASON_AUTH_RATE_LIMITED,
				"too many failed authentications from this client or with this key; retry later")
			return
		}
		rec := &accesslog.Recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.Status() == http.StatusUnauthorized {
			g.fail(r, ip, kh)
		}
	})
}

// Blocked reports whether r's client is refused for now (for a handler outside
// Wrap: the SDK listener, whose authentication fails after the WebSocket upgrade).
func (g *Guard) Blocked(r *http.Request) bool {
	until, _ := g.blocked(g.clientKey(r), "", g.o.Now())
	if !until.IsZero() {
		g.refused.WithLabelValues("ip").Inc()
		return true
	}
	return false
}

// Failed counts one authentication failure of r's client (see Blocked).
func (g *Guard) Failed(r *http.Request) { g.fail(r, g.clientKey(r), "") }

func (g *Guard) blocked(ip, kh string, now time.Time) (time.Time, string) {
	if until := g.ip.blockedUntil(ip, now); !until.IsZero() {
		return until, "ip"
	}
	if kh != "" {
		if until := g.key.blockedUntil(kh, now); !until.IsZero() {
			return until, "key"
		}
	}
	return time.Time{}, ""
}

// fail counts one authentication failure against ip and kh.
func (g *Guard) fail(r *http.Request, ip, kh string) {
	now := g.o.Now()
	g.failures.WithLabelValues("ip").Inc()
	if g.ip.fail(ip, now) {
		g.blocks.WithLabelValues("ip").Inc()
		if g.AllowLog() {
			g.o.Logger.Warn("auth failures over the limit: refusing client", "client", ip,
				"limit", g.o.PerIP.Failures, "per", g.o.PerIP.Per.String(), "cooldown", g.o.Cooldown.String(), "path", r.URL.Path)
		}
	}
	if kh == "" {
		return
	}
	g.failures.WithLabelValues("key").Inc()
	if g.key.fail(kh, now) {
		g.blocks.WithLabelValues("key").Inc()
		if g.AllowLog() {
			// A key hash prefix identifies the key in logs without revealing it.
			g.o.Logger.Warn("auth failures over the limit: refusing key", "key_hash", hex.EncodeToString([]byte(kh[:4])), "client", ip,
				"limit", g.o.PerKey.Failures, "per", g.o.PerKey.Per.String(), "cooldown", g.o.Cooldown.String(), "path", r.URL.Path)
		}
	}
}

// AllowLog reports whether one more line about an authentication failure may be
// written now; a refusal is counted in futugw_edge_auth_log_suppressed_total.
func (g *Guard) AllowLog() bool {
	if g.logs.AllowN(g.o.Now(), 1) {
		return true
	}
	g.suppressed.Inc()
	return false
}

// Entries returns the sizes of the address and key tables.
func (g *Guard) Entries() (ips, keys int) { return g.ip.len(), g.key.len() }

// clientKey is the address the limits apply to: the peer, or behind a trusted
// proxy the last X-Forwarded-For hop (the one the proxy appended, which a client
// cannot forge); IPv6 addresses are grouped by /64, which one host usually owns.
func (g *Guard) clientKey(r *http.Request) string {
	s := r.RemoteAddr
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	if g.o.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if last = strings.TrimSpace(last); last != "" {
				s = last
			}
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		if len(s) > 64 { // garbage from a proxy header: bounded, still one bucket
			s = s[:64]
		}
		return s
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// BearerKey returns the credential of the Authorization header, with a leading
// scheme word dropped ("" without the header). It is meant for hashing only: a
// malformed header still identifies what the client keeps sending.
func BearerKey(r *http.Request) string {
	a := strings.TrimSpace(r.Header.Get("Authorization"))
	if scheme, rest, ok := strings.Cut(a, " "); ok && len(scheme) <= 16 {
		return strings.TrimSpace(rest)
	}
	return a
}
