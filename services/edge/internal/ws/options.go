// Package ws is the edge's WebSocket side: GET /ws authenticates a browser, then
// the Hub pushes it the live quotes of its session's subscriptions, its accounts'
// trade events and notifications. The Hub keeps one QuoteService.StreamPushes and one
// OrderService.StreamTradePushes stream per edge, turns each push into a frame once
// and hands the same bytes to every socket that should see it; each socket has its
// own writer goroutine and a bounded, conflating queue (package outq).
package ws

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/obs"
)

// Defaults for the zero values of Options.
const (
	DefaultPingInterval = 20 * time.Second
	DefaultQueueSize    = 256
	// DefaultMaxSocketsPerKey bounds the sockets one key (with its sessions) holds
	// open: a panel tab needs one, and a leaked key must not pin the edge's memory.
	DefaultMaxSocketsPerKey = 64
	DefaultWriteTimeout     = 10 * time.Second
	DefaultDebounce         = 20 * time.Millisecond
	DefaultExpiryWarning    = 60 * time.Second
	DefaultDrainTimeout     = time.Second
	DefaultBackoffMin       = 100 * time.Millisecond
	DefaultBackoffMax       = 5 * time.Second
	DefaultStableAfter      = 500 * time.Millisecond
	DefaultSessionLinger    = 10 * time.Second
)

// OriginPolicy decides whether a handshake's Origin may open a socket (the CORS
// middleware implements it with the same allowlist).
type OriginPolicy interface {
	OriginAllowed(r *http.Request) bool
}

// Options configures a Hub. Cache is required; the rest have defaults or turn a
// feature off when nil.
type Options struct {
	// Cache validates keys; the edge shares one for all its checks.
	Cache *authn.Cache
	// Redis, when set, carries revocations: revoked keys' sockets close with 4003.
	Redis redis.UniversalClient
	// Origins refuses cross-site handshakes; nil allows any Origin (tests only).
	Origins OriginPolicy

	// Quote and Order are the push stream upstreams; nil leaves that stream out.
	Quote gatewayv1.QuoteServiceClient
	Order gatewayv1.OrderServiceClient
	// ServiceKey authenticates the push streams (scope service).
	ServiceKey string
	// ServiceKeyFile, when set, is read again each time a push stream opens, so a key
	// the auth service renewed is picked up without a restart; ServiceKey is used
	// while it cannot be read.
	ServiceKeyFile string

	PingInterval time.Duration // keepalive ping period
	PongTimeout  time.Duration // how long a ping waits for its pong; PingInterval/2 when zero
	QueueSize    int           // per socket: control frames and distinct quote keys waiting
	// MaxSocketsPerKey bounds the open sockets of one key and its session keys
	// together; more are refused with 429 too_many_sockets.
	MaxSocketsPerKey int
	WriteTimeout     time.Duration // one frame write; a peer slower than this is cut
	Debounce         time.Duration // batching of hosted-session changes sent upstream
	ExpiryWarning    time.Duration // key_expiring is sent this long before the key expires
	DrainTimeout     time.Duration // on shutdown, time to flush queued frames before closing
	BackoffMin       time.Duration // first stream reconnect delay
	BackoffMax       time.Duration // largest stream reconnect delay
	StableAfter      time.Duration // a stream open this long without error counts as connected
	// SessionLinger keeps a session hosted (with its subscriptions) this long after
	// its last socket closed, so a reload resumes at once and the quote service is
	// not asked to drop and re-send it.
	SessionLinger time.Duration

	TrustProxy bool // client address from X-Forwarded-For (for auth audit)

	Logger  *slog.Logger
	Metrics prometheus.Registerer // nil: metrics are kept but not exported
}

func (o Options) withDefaults() Options {
	orDefault(&o.PingInterval, DefaultPingInterval)
	orDefault(&o.PongTimeout, o.PingInterval/2)
	orDefault(&o.WriteTimeout, DefaultWriteTimeout)
	orDefault(&o.Debounce, DefaultDebounce)
	orDefault(&o.ExpiryWarning, DefaultExpiryWarning)
	orDefault(&o.DrainTimeout, DefaultDrainTimeout)
	orDefault(&o.BackoffMin, DefaultBackoffMin)
	orDefault(&o.BackoffMax, DefaultBackoffMax)
	orDefault(&o.StableAfter, DefaultStableAfter)
	orDefault(&o.SessionLinger, DefaultSessionLinger)
	orDefault(&o.QueueSize, DefaultQueueSize)
	orDefault(&o.MaxSocketsPerKey, DefaultMaxSocketsPerKey)
	o.Logger = obs.OrDiscard(o.Logger)
	return o
}

// orDefault sets *v to def when it is zero or negative.
func orDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
