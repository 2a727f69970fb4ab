package idem

import (
	"context"
	"fmt"
)

// finishScript: KEYS[1] the record. ARGV: attempt id, op (done, unknown, release,
// abandon), order id, day, micros, ttl (ms). Only the attempt holding the record may
// change it. abandon deletes a record only when this attempt created it ('fresh'); a
// record it took over goes back to what it was, unknown (its day and micros are still
// there) or pending with its lease run out, since an order may exist under its tag.
const finishScript = `
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] then return 0 end
if ARGV[2] == 'release' then redis.call('DEL', KEYS[1]) return 1 end
if ARGV[2] == 'abandon' then
  local h = redis.call('HMGET', KEYS[1], 'fresh', 'prior')
  if h[1] == '1' then redis.call('DEL', KEYS[1]) return 1 end
  if h[2] == 'unknown' then
    redis.call('HSET', KEYS[1], 'state', 'unknown')
    redis.call('HDEL', KEYS[1], 'lease')
    return 1
  end
  redis.call('HSET', KEYS[1], 'state', 'pending', 'lease', 0)
  return 1
end
if ARGV[2] == 'done' then
  redis.call('HSET', KEYS[1], 'state', 'done', 'order', ARGV[3])
  redis.call('HDEL', KEYS[1], 'lease')
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]))
  return 1
end
redis.call('HSET', KEYS[1], 'state', 'unknown', 'day', ARGV[4], 'micros', ARGV[5])
return 1
`

// Done records the placed order's id as the key's result. The placement path calls
// it before answering, so a retry after the answer always finds the result.
func (s *Store) Done(ctx context.Context, c *Claim, orderID string) error {
	return s.run(ctx, c, "done", orderID, "", 0)
}

// Unknown records that the order may or may not have reached OpenD; day and micros
// are the daily-value booking it holds, for the attempt that takes over.
func (s *Store) Unknown(ctx context.Context, c *Claim, day string, micros int64) error {
	return s.run(ctx, c, "unknown", "", day, micros)
}

// Release deletes the record: the attempt was refused and nothing was placed.
func (s *Store) Release(ctx context.Context, c *Claim) error {
	return s.run(ctx, c, "release", "", "", 0)
}

// Abandon gives up a claim whose attempt could not find out what happened (OpenD's
// order list unreadable): a record the claim took over goes back to the state it had
// (an unknown outcome keeps its booking; a pending one becomes free to take over,
// its checks still to run), a record it created is deleted.
func (s *Store) Abandon(ctx context.Context, c *Claim) error {
	return s.run(ctx, c, "abandon", "", "", 0)
}

// ReleaseAttempt abandons the record if attemptID holds it: for a Claim that failed
// without an answer (Redis unreachable, or the write not acknowledged by enough
// replicas), which may or may not have claimed the key, freshly or by taking over an
// earlier attempt's record (which must survive: its order may exist).
func (s *Store) ReleaseAttempt(ctx context.Context, keyID, idemKey, attemptID string) error {
	return s.Abandon(ctx, &Claim{key: recordKey(keyID, idemKey), attempt: attemptID})
}

func (s *Store) run(ctx context.Context, c *Claim, op, orderID, day string, micros int64) error {
	if c == nil {
		return nil
	}
	err := s.finish.Run(ctx, s.rdb, s.durable, []string{c.key}, c.attempt, op, orderID, day, micros, s.ttl.Milliseconds()).Err()
	if err != nil {
		return fmt.Errorf("idempotency record %s: %w", op, err)
	}
	return nil
}
