// Package readguard protects the one OpenD from the catalog's read routes: it keeps
// answers for their natural life (a second for live reads, in this process; closed
// history bars in Redis, shared by every quote replica) and paces the requests that
// still reach OpenD below each interface's documented frequency limit
// (opend/freqlimit), waiting briefly for a slot or refusing with a retry delay, so
// OpenD itself never refuses for frequency. The pacing windows are kept in Redis
// (platform/ratewindow), one per OpenD interface (and account) for every quote
// replica and the order service; while Redis is unavailable each replica paces
// its own share.
package readguard

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/ratewindow"
)

// Options configure a Guard. Everything is optional.
type Options struct {
	// Redis holds the history cache and the pacing windows every replica shares;
	// nil keeps both in this process only.
	Redis redis.UniversalClient
	// Prefix starts every Redis key; "futugw:qot:hist:" when empty.
	Prefix string
	// MaxWait is the longest a call waits for a frequency slot before it is
	// refused; 200ms when zero.
	MaxWait time.Duration
	// Limits is how the gateway reads OpenD's table: the zero value keeps 90% of
	// each limit with a second of margin on every window. The windows in Redis hold
	// these limits for all replicas together.
	Limits freqlimit.Policy
	// PaceTimeout bounds a reservation in Redis's shared windows; past it (or on
	// any Redis error) the replica paces alone at its share. 100ms when zero.
	PaceTimeout time.Duration
	// Replicas is the number of quote replicas sharing one OpenD (1 when zero):
	// without Redis, or while it is unavailable or slow, this replica paces its
	// reads alone to 1/Replicas of Limits.
	Replicas int
	// HistoryTTL bounds how long history answers stay in Redis; 7 days when zero
	// (forward-adjusted bars, which change on an ex-date, expire at the market's
	// next midnight).
	HistoryTTL time.Duration
	Now        func() time.Time
	Metrics    prometheus.Registerer
}

// redisTimeout bounds a history cache read or write: a slow Redis costs an OpenD
// request, never a stuck call.
const redisTimeout = 250 * time.Millisecond

// Guard is the cache and pacer of one quote process.
type Guard struct {
	o     Options
	pacer *freqlimit.Pacer
	m     *Metrics

	mu  sync.Mutex
	mem map[string]memEntry // short-lived answers by route and request bytes
}

type memEntry struct {
	b       []byte
	expires time.Time
}

// New returns a Guard.
func New(o Options) (*Guard, error) {
	o.Prefix = cmp.Or(o.Prefix, "futugw:qot:hist:")
	o.MaxWait = cmp.Or(o.MaxWait, 200*time.Millisecond)
	o.HistoryTTL = cmp.Or(o.HistoryTTL, 7*24*time.Hour)
	if o.Limits == (freqlimit.Policy{}) {
		o.Limits = freqlimit.Policy{Scale: 0.9, Margin: time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m, err := newMetrics(o.Metrics)
	if err != nil {
		return nil, err
	}
	local := o.Limits // this replica's share
	local.Scale = cmp.Or(local.Scale, 1) / float64(max(1, o.Replicas))
	po := freqlimit.PacerOptions{Limits: o.Limits, Local: local, Now: o.Now, Timeout: o.PaceTimeout,
		OnFallback: func(protoID uint32) { m.Fallbacks.WithLabelValues(strconv.FormatUint(uint64(protoID), 10)).Inc() }}
	if o.Redis != nil {
		po.Shared = ratewindow.New(o.Redis, ratewindow.Options{})
	}
	return &Guard{o: o, pacer: freqlimit.NewPacer(po), m: m, mem: make(map[string]memEntry)}, nil
}

// Metrics returns the Guard's counters (tests read them).
func (g *Guard) Metrics() *Metrics { return g.m }

// RateLimitedError is a call refused because OpenD's limit for its interface is
// used up for longer than the Guard waits.
type RateLimitedError struct {
	ProtoID    uint32
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("OpenD's frequency limit for proto %d is used up; retry in %s", e.ProtoID, e.RetryAfter.Round(time.Millisecond))
}

// Request counts one call of r.
func (g *Guard) Request(r *catalog.Route) { g.m.Requests.WithLabelValues(id(r)).Inc() }

// Coalesced counts a call of r that shared another's OpenD request.
func (g *Guard) Coalesced(r *catalog.Route) { g.m.Coalesced.WithLabelValues(id(r)).Inc() }

// Cached returns a kept answer of r for the request bytes key into out.
func (g *Guard) Cached(ctx context.Context, r *catalog.Route, key []byte, out proto.Message) bool {
	rule := r.CacheRule()
	var b []byte
	switch {
	case rule.TTL > 0:
		k := r.FullMethod + "\x00" + string(key)
		g.mu.Lock()
		e, ok := g.mem[k]
		g.mu.Unlock()
		if !ok || !g.o.Now().Before(e.expires) {
			return false
		}
		b = e.b
	case rule.History && g.o.Redis != nil:
		ctx, cancel := context.WithTimeout(ctx, redisTimeout)
		defer cancel()
		v, err := g.o.Redis.Get(ctx, g.redisKey(r, key)).Bytes()
		if err != nil { // a miss, or Redis down: ask OpenD
			return false
		}
		b = v
	default:
		return false
	}
	if proto.Unmarshal(b, out) != nil {
		return false
	}
	g.m.CacheHits.WithLabelValues(id(r)).Inc()
	return true
}

// Keep stores answer out of r for the request in (its bytes key) for as long as
// the route's rule allows; a history range is kept only when it is closed.
func (g *Guard) Keep(ctx context.Context, r *catalog.Route, in proto.Message, key []byte, out proto.Message) {
	rule := r.CacheRule()
	if rule.TTL <= 0 && !rule.History {
		return
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(out)
	if err != nil {
		return
	}
	now := g.o.Now()
	if rule.TTL > 0 {
		k := r.FullMethod + "\x00" + string(key)
		g.mu.Lock()
		g.sweepLocked(now)
		g.mem[k] = memEntry{b: b, expires: now.Add(rule.TTL)}
		g.mu.Unlock()
		return
	}
	if g.o.Redis == nil {
		return
	}
	ttl, ok := historyTTL(in, now, g.o.HistoryTTL)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	_ = g.o.Redis.Set(ctx, g.redisKey(r, key), b, ttl).Err() // a failed write only costs a later OpenD request
}

// sweepLocked drops expired answers once the map has grown.
func (g *Guard) sweepLocked(now time.Time) {
	if len(g.mem) < 4096 {
		return
	}
	for k, e := range g.mem {
		if !now.Before(e.expires) {
			delete(g.mem, k)
		}
	}
}

func (g *Guard) redisKey(r *catalog.Route, key []byte) string {
	return g.o.Prefix + strconv.FormatUint(uint64(r.ProtoID), 10) + ":" + string(key)
}

// Admit paces one OpenD request of r (req is the official Request): it returns at
// once, after a short wait for a slot, or a *RateLimitedError. ctx ends a wait.
func (g *Guard) Admit(ctx context.Context, r *catalog.Route, req proto.Message) error {
	body, err := proto.Marshal(req)
	if err != nil {
		return nil // OpenD will refuse it for its own reason
	}
	wait, ok := g.pacer.Reserve(ctx, r.ProtoID, body, g.o.MaxWait)
	if !ok {
		g.m.Refused.WithLabelValues(id(r)).Inc()
		return &RateLimitedError{ProtoID: r.ProtoID, RetryAfter: wait}
	}
	g.m.OpenD.WithLabelValues(id(r)).Inc()
	if wait <= 0 {
		return nil
	}
	g.m.Shaped.WithLabelValues(id(r)).Inc()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func id(r *catalog.Route) string { return strconv.FormatUint(uint64(r.ProtoID), 10) }
