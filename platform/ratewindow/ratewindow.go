// Package ratewindow keeps sliding-window rate limits in Redis, so that every
// process using one Redis draws from the same window: a caller reserves the
// earliest slot of a window (at most N slots in any span of its length) and
// waits until it starts, or learns how long until one frees. Windows are sorted
// sets of reserved slot times, trimmed and reserved atomically by one script on
// the Redis server's clock, so processes with skewed clocks agree.
//
// It knows nothing of what is limited: opend/freqlimit's Pacer decides which
// window a request counts in and what its limit is.
package ratewindow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// reserveScript takes the earliest slot at most the max wait away in the window
// KEYS[1], a sorted set of slot start times in microseconds, as
// opend/freqlimit's Limiter.Reserve does in process: slots that left the window
// are dropped; with fewer than n slots left the slot is now, otherwise it is when
// the n-th most recent slot leaves the window; a slot is counted from its start,
// so callers queue behind each other.
//
// ARGV: n, window (µs), max wait (µs), this call's member (unique), now (µs; ""
// reads the server's TIME), then the offsets (µs from now) of slots taken while
// the caller could not reach Redis, added first. Returns {1, wait µs} when
// reserved and {0, wait µs} when the slot is further than the max wait (nothing
// counted). The key expires a window after its last slot.
const reserveScript = `
local n = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local now
if ARGV[5] ~= '' then
  now = tonumber(ARGV[5])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
for i = 6, #ARGV do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[i]), ARGV[4] .. ':' .. i)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
local count = redis.call('ZCARD', KEYS[1])
local at = now
if count >= n then
  local e = redis.call('ZRANGE', KEYS[1], count - n, count - n, 'WITHSCORES')
  at = tonumber(e[2]) + win
end
local wait = at - now
if wait > maxwait then
  return {0, wait}
end
redis.call('ZADD', KEYS[1], at, ARGV[4])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.ceil((tonumber(last[2]) - now + win) / 1000))
return {1, wait}
`

// Options configure a Store; the zero value is fine.
type Options struct {
	// Prefix starts every key; "futugw:window:" when empty.
	Prefix string
	// Now, when set, replaces the Redis server's clock (tests with a fake clock).
	// Leave it nil in production: every process must read the same clock.
	Now func() time.Time
}

// Store reserves slots in windows kept in Redis. Safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	o      Options
	script *redis.Script
}

// New returns a Store on rdb.
func New(rdb redis.UniversalClient, o Options) *Store {
	o.Prefix = cmp.Or(o.Prefix, "futugw:window:")
	return &Store{rdb: rdb, o: o, script: redis.NewScript(reserveScript)}
}

// Reserve takes the earliest slot of the window key, which holds at most n slots
// in any span of window, that is at most maxWait away: it returns the wait until
// that slot (0: now) and true. When the earliest slot is further away it counts
// nothing and returns the wait until it and false. The slots in earlier (offsets
// from now; negative in the past) are counted first: slots the caller took on its
// own while it could not reach Redis. Windows are kept to the microsecond.
func (s *Store) Reserve(ctx context.Context, key string, n int, window, maxWait time.Duration, earlier []time.Duration) (time.Duration, bool, error) {
	if n <= 0 || window <= 0 {
		return 0, false, fmt.Errorf("ratewindow: window %q: %d per %s is no window", key, n, window)
	}
	now := ""
	if s.o.Now != nil {
		now = strconv.FormatInt(s.o.Now().UnixMicro(), 10)
	}
	args := make([]any, 0, 5+len(earlier))
	args = append(args, n, window.Microseconds(), maxWait.Microseconds(), strconv.FormatUint(rand.Uint64(), 36), now)
	for _, d := range earlier {
		args = append(args, d.Microseconds())
	}
	r, err := s.script.Run(ctx, s.rdb, []string{s.o.Prefix + key}, args...).Int64Slice()
	if err != nil {
		return 0, false, fmt.Errorf("ratewindow: %w", err)
	}
	if len(r) != 2 {
		return 0, false, errors.New("ratewindow: unexpected script reply")
	}
	return time.Duration(r[1]) * time.Microsecond, r[0] == 1, nil
}
