// Package idem makes order placement idempotent: the first attempt with an
// idempotency key claims a record in Redis, concurrent and later retries with the
// same key wait for and return its result, and a retry with a different body is a
// conflict.
//
// A record lives under futugw:{<api key id>}:idem:<key> for 24 hours and moves
// through these states:
//
//	pending  claimed by one attempt (which holds a lease); others wait.
//	done     the order was placed; everyone gets its order id.
//	unknown  the order went to OpenD but no answer came back (OpenD died mid-flight);
//	         the next retry takes over and first looks for the order in OpenD's
//	         order list before placing, so an order is never placed twice.
//
// A refused attempt (a limit, bad input, OpenD's definite refusal) deletes the
// record: nothing was placed, so the same key may be used again once the input is
// fixed. A pending record whose lease ran out (its owner crashed) is taken over like
// an unknown one.
package idem

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/futugw/gateway/services/order/internal/durable"
	"github.com/redis/go-redis/v9"
)

// Defaults.
const (
	DefaultTTL   = 24 * time.Hour
	DefaultLease = 30 * time.Second // longer than any single placement can take
	DefaultWait  = 15 * time.Second // how long a retry waits for the first attempt
	minPoll      = 2 * time.Millisecond
	maxPoll      = 100 * time.Millisecond
	// MaxKeyLen bounds an idempotency key.
	MaxKeyLen = 128
)

// Errors of Acquire.
var (
	// ErrConflict: the key was used with a different request body.
	ErrConflict = errors.New("idempotency key reused with a different request")
	// ErrPending: the first attempt is still running after the wait.
	ErrPending = errors.New("the first attempt with this idempotency key is still in progress")
)

// State of a record.
const (
	StatePending = "pending"
	StateDone    = "done"
	StateUnknown = "unknown"
)

// acquireBody: KEYS[1] the record. ARGV: body hash, attempt id, now (ms), lease
// (ms), ttl (ms). Replies {"claimed"}, {"conflict"}, {"done", order id},
// {"pending"} or {"takeover", previous state, day, micros}. When the script defines
// a gate (a durable.Step: its keys are KEYS[2..], its arguments ARGV[6..]), a fresh
// claim first runs it: a reply starting with 0 claims ({"claimed", reply...}), any
// other claims nothing ({"gated", reply...}); numbers come back as strings.
const acquireBody = `
local r = redis.call('HGETALL', KEYS[1])
local now = tonumber(ARGV[3])
if #r == 0 then
  local out = {'claimed'}
  if gate then
    local K, A = {}, {}
    for i = 2, #KEYS do K[#K + 1] = KEYS[i] end
    for i = 6, #ARGV do A[#A + 1] = ARGV[i] end
    local g = gate(K, A)
    if g[1] ~= 0 then out = {'gated'} end
    for i = 1, #g do out[#out + 1] = string.format('%.0f', g[i]) end
    if g[1] ~= 0 then return out end
  end
  redis.call('HSET', KEYS[1], 'state', 'pending', 'hash', ARGV[1], 'attempt', ARGV[2], 'lease', now + tonumber(ARGV[4]), 'fresh', '1')
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
  return out
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

// Store keeps idempotency records in Redis. Safe for concurrent use.
type Store struct {
	rdb     redis.UniversalClient
	acquire *durable.Script
	gated   sync.Map // gate Func -> *durable.Script running it before a fresh claim
	finish  *durable.Script
	durable durable.Wait
	ttl     time.Duration
	lease   time.Duration
	wait    time.Duration
	now     func() time.Time
}

// Options tune a Store; zero values take the defaults.
type Options struct {
	TTL, Lease, Wait time.Duration
	Now              func() time.Time
	// MinReplicas > 0 makes every record write wait (WAIT) until that many replicas
	// acknowledged it, within ReplicaTimeout (0 = durable.DefaultTimeout); fewer is
	// an error (the caller fails closed), so a failover cannot lose a claim and let a
	// retry place the order again.
	MinReplicas    int
	ReplicaTimeout time.Duration
}

// New returns a Store on rdb.
func New(rdb redis.UniversalClient, o Options) *Store {
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.Wait <= 0 {
		o.Wait = DefaultWait
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{rdb: rdb, acquire: durable.NewScript("local gate = nil\n" + acquireBody), finish: durable.NewScript(finishScript),
		durable: durable.Wait{Replicas: o.MinReplicas, Timeout: o.ReplicaTimeout}, ttl: o.TTL, lease: o.Lease, wait: o.Wait, now: o.Now}
}

// Claim is the right to run an attempt for one idempotency key.
type Claim struct {
	key     string
	attempt string
	// Tag names the order in OpenD (its remark) so a retry can find it.
	Tag string
	// TakeOver is set when this claim continues an earlier attempt whose outcome is
	// unknown: the order may already exist in OpenD under Tag.
	TakeOver bool
	// PriorState is the state taken over: StateUnknown (the earlier attempt passed
	// its checks and reserved its limits) or StatePending (its owner vanished; what
	// it did is not known).
	PriorState string
	// PriorDay and PriorMicros are the daily-value reservation the earlier attempt
	// made (empty/0 when unknown), so the continuation reuses it.
	PriorDay    string
	PriorMicros int64
}

// Result of Acquire: either a Claim to run the attempt, or the order id of an attempt
// that already succeeded.
type Result struct {
	Claim   *Claim
	OrderID string
	// Gate is the gate's reply when AcquireGated ran it (the key was free): starting
	// with 0 the key was claimed; otherwise nothing was claimed and Claim is nil.
	Gate []int64
}

// Tag is the remark prefix naming the order of (keyID, idemKey) in OpenD: short,
// fixed-length and free of both (remarks are visible in the Futu apps).
func Tag(keyID, idemKey string) string {
	sum := sha256.Sum256([]byte(keyID + "\x00" + idemKey))
	return "gw-" + hex.EncodeToString(sum[:8])
}

// BodyHash is the hash Acquire compares between attempts.
func BodyHash(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

func recordKey(keyID, idemKey string) string {
	// The key itself is hashed into the Redis key: it is caller-chosen text.
	sum := sha256.Sum256([]byte(idemKey))
	return "futugw:{" + keyID + "}:idem:" + hex.EncodeToString(sum[:16])
}

// Acquire claims idemKey for keyID's request with bodyHash, or waits for the attempt
// holding it. attemptID must be unique per call.
func (s *Store) Acquire(ctx context.Context, keyID, idemKey, bodyHash, attemptID string) (Result, error) {
	return s.AcquireGated(ctx, keyID, idemKey, bodyHash, attemptID, nil)
}

// AcquireGated is Acquire that, when the key is free, runs gate (whose keys must
// share keyID's hash tag) in the same atomic script and claims the key only if the
// gate lets it through; Result.Gate holds the gate's reply. A done, conflicting,
// pending or taken-over record never runs the gate. With a gate it does not wait: a
// pending record is ErrPending at once (the gate's arguments were made for now).
func (s *Store) AcquireGated(ctx context.Context, keyID, idemKey, bodyHash, attemptID string, gate *durable.Step) (Result, error) {
	key := recordKey(keyID, idemKey)
	script, keys, args := s.acquire, []string{key}, []any{bodyHash, attemptID, 0, s.lease.Milliseconds(), s.ttl.Milliseconds()}
	wait := s.wait
	if gate != nil {
		script, wait = s.gatedScript(gate.Func), 0
		keys = append(keys, gate.Keys...)
		args = append(args, gate.Args...)
	}
	// The wait is real time (it sleeps on real timers); only leases use s.now.
	deadline := time.Now().Add(wait)
	poll := minPoll
	for {
		args[2] = s.now().UnixMilli()
		res, err := script.Run(ctx, s.rdb, s.durable, keys, args...).StringSlice()
		if err != nil {
			return Result{}, fmt.Errorf("idempotency record: %w", err)
		}
		if len(res) == 0 {
			return Result{}, errors.New("idempotency record: empty script reply")
		}
		claim := &Claim{key: key, attempt: attemptID, Tag: Tag(keyID, idemKey)}
		switch res[0] {
		case "claimed":
			g, err := parseGate(res[1:])
			return Result{Claim: claim, Gate: g}, err
		case "gated":
			g, err := parseGate(res[1:])
			return Result{Gate: g}, err
		case "conflict":
			return Result{}, ErrConflict
		case "done":
			if len(res) < 2 {
				return Result{}, errors.New("idempotency record: done without order id")
			}
			return Result{OrderID: res[1]}, nil
		case "takeover":
			claim.TakeOver = true
			if len(res) >= 2 {
				claim.PriorState = res[1]
			}
			if len(res) >= 4 {
				claim.PriorDay = res[2]
				claim.PriorMicros, _ = strconv.ParseInt(res[3], 10, 64)
			}
			return Result{Claim: claim}, nil
		case "pending":
		default:
			return Result{}, fmt.Errorf("idempotency record: unexpected reply %q", res[0])
		}
		if !time.Now().Before(deadline) {
			return Result{}, ErrPending
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return Result{}, ctx.Err()
		case <-t.C:
		}
		poll = min(poll*2, maxPoll)
	}
}

func (s *Store) gatedScript(gate string) *durable.Script {
	if sc, ok := s.gated.Load(gate); ok {
		return sc.(*durable.Script)
	}
	sc, _ := s.gated.LoadOrStore(gate, durable.NewScript("local gate = "+gate+"\n"+acquireBody))
	return sc.(*durable.Script)
}

// parseGate reads the gate's reply (nil when no gate ran).
func parseGate(reply []string) ([]int64, error) {
	if len(reply) == 0 {
		return nil, nil
	}
	g := make([]int64, len(reply))
	for i, v := range reply {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("idempotency record: gate reply %q: %w", v, err)
		}
		g[i] = n
	}
	return g, nil
}

// Done records the placed order's id as the key's result.
func (s *Store) Done(ctx context.Context, c *Claim, orderID string) error {
	return s.run(ctx, c, "done", orderID, "", 0)
}

// Unknown records that the order may or may not have reached OpenD; day and micros
// are the daily-value reservation it holds, for the attempt that takes over.
func (s *Store) Unknown(ctx context.Context, c *Claim, day string, micros int64) error {
	return s.run(ctx, c, "unknown", "", day, micros)
}

// Release deletes the record: the attempt was refused and nothing was placed.
func (s *Store) Release(ctx context.Context, c *Claim) error {
	return s.run(ctx, c, "release", "", "", 0)
}

// Abandon gives up a claim whose attempt could not find out what happened (OpenD's
// order list unreadable): a record the claim took over goes back to the state it had
// (an unknown outcome keeps its reservation; a pending one becomes free to take over,
// its checks still to run), a record it created is deleted.
func (s *Store) Abandon(ctx context.Context, c *Claim) error {
	return s.run(ctx, c, "abandon", "", "", 0)
}

// ReleaseAttempt abandons the record if attemptID holds it: for an AcquireGated that
// failed without an answer (Redis unreachable, or the write not acknowledged by
// enough replicas), which may or may not have claimed the key, freshly or by taking
// over an earlier attempt's record (which must survive: its order may exist).
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
