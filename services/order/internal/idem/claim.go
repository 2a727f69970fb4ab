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
