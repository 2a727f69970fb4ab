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
//
// Claim tells the caller which of four ways its attempt goes (State): replay a
// finished record, resume one whose send may have happened, run fresh on a free key,
// or wait for the attempt holding it (Waiter) and claim again.
package idem

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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

// Errors of Claim and Waiter.Await.
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

// Store keeps idempotency records in Redis. Safe for concurrent use.
type Store struct {
	rdb     redis.UniversalClient
	claim   *durable.Hosted
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
	o.TTL = cmp.Or(o.TTL, DefaultTTL)
	o.Lease = cmp.Or(o.Lease, DefaultLease)
	o.Wait = cmp.Or(o.Wait, DefaultWait)
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{rdb: rdb, claim: durable.NewHosted(claimBody), finish: durable.NewScript(finishScript),
		durable: durable.Wait{Replicas: o.MinReplicas, Timeout: o.ReplicaTimeout}, ttl: o.TTL, lease: o.Lease, wait: o.Wait, now: o.Now}
}

// Tag is the remark prefix naming the order of (keyID, idemKey) in OpenD: short,
// fixed-length and free of both (remarks are visible in the Futu apps).
func Tag(keyID, idemKey string) string {
	sum := sha256.Sum256([]byte(keyID + "\x00" + idemKey))
	return "gw-" + hex.EncodeToString(sum[:8])
}

// BodyHash is the hash Claim compares between attempts.
func BodyHash(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

func recordKey(keyID, idemKey string) string {
	// The key itself is hashed into the Redis key: it is caller-chosen text.
	sum := sha256.Sum256([]byte(idemKey))
	return "futugw:{" + keyID + "}:idem:" + hex.EncodeToString(sum[:16])
}
