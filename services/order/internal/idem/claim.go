package idem

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/futugw/gateway/services/order/internal/durable"
)

// State is what a claim found, and so which way the attempt goes on.
type State int

// States of Outcome.
const (
	// Replay: a finished record; its order is the answer.
	Replay State = iota + 1
	// Resume: a record whose send may have happened (unknown, or pending with its
	// owner's lease run out), now claimed: look for the order before sending.
	Resume
	// Fresh: the key was free. Claimed, unless the gate refused or the attempt only
	// looked (then nothing was written and Claim is nil).
	Fresh
	// Wait: another attempt holds the key; wait for it (Waiter), then claim again.
	Wait
)

// Attempt is one claim of an idempotency key.
type Attempt struct {
	KeyID    string // the API key the record belongs to (a session key's parent)
	Key      string // the Idempotency-Key
	BodyHash string
	ID       string // unique per claim
	// Gate (optional) runs when the key is free, in the claim's script: the key is
	// claimed only if it passes. One script rather than two, so that a refused order
	// never leaves a record for a retry to wait on, a claim never lacks its booking,
	// and the panel's order costs one round trip before OpenD. Its keys must share
	// KeyID's hash tag.
	Gate durable.Gate
	// LookOnly leaves a free key free: the caller will not send (its checks refused)
	// and only wants an earlier attempt's result.
	LookOnly bool
}

// Claim is the right to run an attempt for one idempotency key.
type Claim struct {
	key     string
	attempt string
	// Tag names the order in OpenD (its remark) so a retry can find it.
	Tag string
	// PriorState is the state a Resume took over: StateUnknown (the earlier attempt
	// passed its checks and booked its limits) or StatePending (its owner vanished;
	// what it did is not known). Empty for a fresh claim.
	PriorState string
	// PriorDay and PriorMicros are the daily-value booking the earlier attempt made
	// (empty/0 when unknown), so the continuation reuses it.
	PriorDay    string
	PriorMicros int64
}

// Outcome of Claim.
type Outcome struct {
	State   State
	OrderID string  // Replay
	Claim   *Claim  // Resume, and Fresh when claimed
	Gate    []int64 // the gate's reply, when it ran (Fresh only)
}

// claimBody is the claim, hosted so that a gate can run inside it (durable.Hosted).
// KEYS[1] the record. ARGV: body hash, attempt id, now (ms), lease (ms), ttl (ms),
// look only ("1"). Replies {"claimed"}, {"gated"} (the gate refused), {"free"} (look
// only), {"conflict"}, {"done", order id}, {"pending"} or {"takeover", previous
// state, day, micros}. A held record never runs the gate.
const claimBody = `
local r = redis.call('HGETALL', KEYS[1])
local now = tonumber(ARGV[3])
if #r == 0 then
  if ARGV[6] == '1' then return {'free'} end
  if not gate() then return {'gated'} end
  redis.call('HSET', KEYS[1], 'state', 'pending', 'hash', ARGV[1], 'attempt', ARGV[2], 'lease', now + tonumber(ARGV[4]), 'fresh', '1')
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
  return {'claimed'}
end
local t = {}
for i = 1, #r, 2 do t[r[i]] = r[i+1] end
if t.hash ~= ARGV[1] then return {'conflict'} end
if t.state == 'done' then return {'done', t.order or ''} end
if t.state == 'unknown' or (t.state == 'pending' and tonumber(t.lease or '0') <= now) then
  redis.call('HSET', KEYS[1], 'state', 'pending', 'attempt', ARGV[2], 'lease', now + tonumber(ARGV[4]), 'fresh', '0', 'prior', t.state)
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
  return {'takeover', t.state, t.day or '', t.micros or '0'}
end
return {'pending'}
`

// Claim runs one claim of a.Key for a.KeyID's request: one script, never waiting.
func (s *Store) Claim(ctx context.Context, a Attempt) (Outcome, error) {
	key := recordKey(a.KeyID, a.Key)
	look := "0"
	if a.LookOnly {
		look = "1"
	}
	host, gate, err := s.claim.Run(ctx, s.rdb, s.durable, a.Gate, []string{key},
		a.BodyHash, a.ID, s.now().UnixMilli(), s.lease.Milliseconds(), s.ttl.Milliseconds(), look)
	if err != nil {
		return Outcome{}, fmt.Errorf("idempotency record: %w", err)
	}
	res := make([]string, len(host))
	for i, v := range host {
		res[i], _ = v.(string)
	}
	if len(res) == 0 {
		return Outcome{}, errors.New("idempotency record: empty script reply")
	}
	claim := &Claim{key: key, attempt: a.ID, Tag: Tag(a.KeyID, a.Key)}
	switch res[0] {
	case "claimed":
		return Outcome{State: Fresh, Claim: claim, Gate: gate}, nil
	case "gated":
		return Outcome{State: Fresh, Gate: gate}, nil
	case "free":
		return Outcome{State: Fresh}, nil
	case "conflict":
		return Outcome{}, ErrConflict
	case "done":
		if len(res) < 2 {
			return Outcome{}, errors.New("idempotency record: done without order id")
		}
		return Outcome{State: Replay, OrderID: res[1]}, nil
	case "takeover":
		if len(res) >= 2 {
			claim.PriorState = res[1]
		}
		if len(res) >= 4 {
			claim.PriorDay = res[2]
			claim.PriorMicros, _ = strconv.ParseInt(res[3], 10, 64)
		}
		return Outcome{State: Resume, Claim: claim}, nil
	case "pending":
		return Outcome{State: Wait}, nil
	}
	return Outcome{}, fmt.Errorf("idempotency record: unexpected reply %q", res[0])
}

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
