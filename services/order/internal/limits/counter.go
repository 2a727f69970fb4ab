package limits

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/futugw/gateway/services/order/internal/durable"
	"github.com/redis/go-redis/v9"
)

// Window and retention of the counted limits.
const (
	MinuteWindow = 60 * time.Second
	dailyTTL     = 48 * time.Hour // outlives its UTC day wherever the clock is
	// microUnits: daily values are counted in ten-thousandths so Redis adds integers
	// and the cap check is exact; Lua numbers are doubles, so totals must stay below
	// 2^53 units, which maxValue guarantees for any realistic day.
	microUnits = 1e4
	maxValue   = 1e11
)

// reserveFunc checks both counted limits and reserves both, or changes nothing; it
// runs alone (reserveScript) or as the gate of the idempotency claim (Gate).
// K[1] the sliding-window sorted set, K[2] the day's value counter, both under the
// key's hash tag. A: now (ms), attempt id, max per minute (-1 = none), window (ms),
// value (micro units), max daily (micro units, -1 = none), daily TTL (s). Returns
// {0} when reserved, {1, count} when the window is full, {2, used} when the day's
// cap would be exceeded.
const reserveFunc = `function(K, A)
  local now = tonumber(A[1])
  local maxn = tonumber(A[3])
  local win = tonumber(A[4])
  local val = tonumber(A[5])
  local maxv = tonumber(A[6])
  if maxn >= 0 then
    local n = redis.call('ZCOUNT', K[1], '(' .. (now - win), '+inf')
    if n >= maxn then return {1, n} end
  end
  if maxv >= 0 then
    local used = tonumber(redis.call('GET', K[2]) or '0')
    if used + val > maxv then return {2, used} end
  end
  if maxn >= 0 then
    redis.call('ZREMRANGEBYSCORE', K[1], '-inf', now - win)
    redis.call('ZADD', K[1], now, A[2])
    redis.call('PEXPIRE', K[1], win + 1000)
  end
  if maxv >= 0 and val > 0 then
    redis.call('INCRBY', K[2], val)
    redis.call('EXPIRE', K[2], tonumber(A[7]))
  end
  return {0}
end`

// reserveScript runs reserveFunc on its own.
const reserveScript = "local reserve = " + reserveFunc + "\nreturn reserve(KEYS, ARGV)\n"

// releaseScript gives back a day's value reservation. KEYS[1] the day's counter;
// ARGV[1] the micro units. It never goes below zero nor revives an expired day.
const releaseScript = `
local used = tonumber(redis.call('GET', KEYS[1]) or '-1')
if used < 0 then return 0 end
local left = used - tonumber(ARGV[1])
if left < 0 then left = 0 end
redis.call('SET', KEYS[1], left, 'KEEPTTL')
return 1
`

// Reservation is what Reserve booked; Release gives back its daily value.
type Reservation struct {
	KeyID  string
	Day    string // UTC day, YYYYMMDD; "" when no daily cap applied
	Micros int64  // value booked against Day
}

// Counter keeps the counted limits in Redis. Safe for concurrent use.
type Counter struct {
	rdb     redis.UniversalClient
	reserve *durable.Script
	release *redis.Script
	observe func(time.Duration) // limit-script latency; may be nil
	wait    durable.Wait
}

// Options tune a Counter; zero values are fine.
type Options struct {
	// Observe (optional) receives each script's latency.
	Observe func(time.Duration)
	// MinReplicas > 0 makes each reservation wait (WAIT) until that many replicas
	// acknowledged it, within ReplicaTimeout (0 = durable.DefaultTimeout); fewer
	// refuses the attempt as unavailable, so a failover cannot lose a reservation
	// an order was placed on.
	MinReplicas    int
	ReplicaTimeout time.Duration
}

// NewCounter returns a Counter on rdb.
func NewCounter(rdb redis.UniversalClient, o Options) *Counter {
	return &Counter{rdb: rdb, reserve: durable.NewScript(reserveScript), release: redis.NewScript(releaseScript),
		observe: o.Observe, wait: durable.Wait{Replicas: o.MinReplicas, Timeout: o.ReplicaTimeout}}
}

// Keys of one API key's counters. The braces are a Redis Cluster hash tag: every key
// of one API key lands in one slot, so one script can touch them all.
func windowKey(keyID string) string   { return "futugw:{" + keyID + "}:orders:minute" }
func dayKey(keyID, day string) string { return "futugw:{" + keyID + "}:orders:day:" + day }
func dayOf(now time.Time) string      { return now.UTC().Format("20060102") }
func toMicros(v float64) int64        { return int64(math.Round(v * microUnits)) }

// Reserve books one attempt (attemptID, unique) worth value against p's counted
// limits at time now, atomically: both are booked or neither. A full window or day
// gives a *Refusal of KindExhausted; a Redis failure gives KindUnavailable.
func (c *Counter) Reserve(ctx context.Context, p Policy, attemptID string, value float64, now time.Time) (Reservation, error) {
	g, err := c.Gate(p, attemptID, value, now)
	if err != nil {
		return Reservation{KeyID: p.KeyID}, err
	}
	return c.Book(ctx, g)
}

// Book runs g on its own script.
func (c *Counter) Book(ctx context.Context, g *Gate) (Reservation, error) {
	if !g.Counts() {
		return g.booked, nil
	}
	start := time.Now()
	// With MinReplicas, a reservation written but not replicated refuses the attempt:
	// if a failover loses it nothing was placed on it, and if it survives it only
	// takes a slot without an order (fail closed: never more than the limit).
	reply, err := c.reserve.Run(ctx, c.rdb, c.wait, g.keys, g.args...).Int64Slice()
	return g.Settle(reply, err, time.Since(start))
}

// Release gives back r's daily value (after OpenD refused the order). The attempt
// stays in the per-minute window. It does not wait for replicas: a release lost in
// a failover leaves the day over-counted, which fails closed.
func (c *Counter) Release(ctx context.Context, r Reservation) error {
	if r.Day == "" || r.Micros <= 0 {
		return nil
	}
	start := time.Now()
	err := c.release.Run(ctx, c.rdb, []string{dayKey(r.KeyID, r.Day)}, r.Micros).Err()
	if c.observe != nil {
		c.observe(time.Since(start))
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("release daily value of key %s: %w", r.KeyID, err)
	}
	return nil
}

// Usage reads a key's counters at now: attempts in the window and today's value.
// For tests and admin tools.
func (c *Counter) Usage(ctx context.Context, keyID string, now time.Time) (attempts int64, daily float64, err error) {
	attempts, err = c.rdb.ZCount(ctx, windowKey(keyID), "("+strconv.FormatInt(now.UnixMilli()-MinuteWindow.Milliseconds(), 10), "+inf").Result()
	if err != nil {
		return 0, 0, err
	}
	v, err := c.rdb.Get(ctx, dayKey(keyID, dayOf(now))).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, 0, err
	}
	return attempts, float64(v) / microUnits, nil
}
