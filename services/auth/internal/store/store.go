// Package store keeps key records in Redis under the futugw: layout of the auth
// contract: tok:<hash> holds the record, id:<id> maps an id to its hash (SET NX makes
// ids unique), children:<id> lists a key's session keys, revoked:<hash> is a tombstone
// so a revoked key says so, md5:<digest hash> finds a key from the MD5 that Futu's
// JavaScript SDK presents (md5revoked:<digest hash> its tombstone). Every entry
// expires with its key. The Store also implements authn.Validator: validation is one
// GET by hash.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/auth/internal/keys"
)

// Errors of the store. Redis failures wrap ErrUnavailable.
var (
	ErrNotFound    = errors.New("no such key")
	ErrRevoked     = errors.New("key revoked")
	ErrExpired     = errors.New("key expired")
	ErrIDTaken     = errors.New("key id already in use")
	ErrUnavailable = errors.New("redis unavailable")
	ErrParentGone  = errors.New("the parent key was revoked or expired")
)

func unavailable(op string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrUnavailable, op, err)
}

// Defaults for the zero values of Options.
const (
	DefaultChildrenTTL      = 31 * time.Minute
	DefaultTombstoneMaxTTL  = 30 * 24 * time.Hour
	DefaultFailureAuditRate = 20
)

// Options tune a Store. Zero values take the defaults.
type Options struct {
	// ChildrenTTL is refreshed on children:<id> at every new session: longer than the
	// longest session key, so the set outlives every child in it.
	ChildrenTTL time.Duration
	// TombstoneMaxTTL bounds the tombstone of a key that never expires.
	TombstoneMaxTTL time.Duration
	// FailureAuditRate is how many failed validations per second are audited and
	// logged; the rest are only counted, so a flood of bad keys cannot flood the
	// audit stream or the logs.
	FailureAuditRate int
	Audit            *audit.Log // nil: failures are not audited
	Logger           *slog.Logger
	Metrics          *Metrics // nil: none
	Now              func() time.Time
}

// Store is the Redis key store. Safe for concurrent use.
type Store struct {
	rdb      redis.UniversalClient
	opts     Options
	log      *slog.Logger
	failures *rate.Limiter // FailureAuditRate a second, bursting to as many; clocked by opts.Now
	m        *Metrics
}

// New returns a Store over rdb.
func New(rdb redis.UniversalClient, o Options) *Store {
	if o.ChildrenTTL <= 0 {
		o.ChildrenTTL = DefaultChildrenTTL
	}
	if o.TombstoneMaxTTL <= 0 {
		o.TombstoneMaxTTL = DefaultTombstoneMaxTTL
	}
	if o.FailureAuditRate <= 0 {
		o.FailureAuditRate = DefaultFailureAuditRate
	}
	o.Logger = obs.OrDiscard(o.Logger)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(nil)
	}
	return &Store{rdb: rdb, opts: o, log: o.Logger, m: o.Metrics,
		failures: rate.NewLimiter(rate.Limit(o.FailureAuditRate), o.FailureAuditRate)}
}

// Issue stores rec (whose Hash is set). The id is claimed first with SET NX, so of
// concurrent issuers of one id exactly one wins; the others get ErrIDTaken. A session
// key (ParentID set) is added to its parent's children; if the parent vanished
// meanwhile the session is removed again and ErrParentGone returned, so a revoke
// racing a session creation cannot leave a live child behind.
func (s *Store) Issue(ctx context.Context, rec keys.Record) error {
	ttl, expires := rec.TTL(s.opts.Now())
	if expires && ttl <= 0 {
		// A session capped by a key that expired since it was validated.
		return fmt.Errorf("store: key %q already expired: %w", rec.ID, ErrExpired)
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("store: encode record: %w", err)
	}
	ok, err := s.rdb.SetNX(ctx, idKey(rec.ID), rec.Hash, ttl).Result()
	if err != nil {
		return unavailable("claim id", err)
	}
	if !ok {
		return ErrIDTaken
	}
	// The record and its digest entry may land in either order: nobody can present
	// the key's MD5 before Issue has returned its plaintext.
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, tokKey(rec.Hash), data, ttl)
		if rec.DigestHash != "" {
			p.Set(ctx, digestKey(rec.DigestHash), rec.Hash, ttl)
		}
		return nil
	})
	if err != nil {
		// Undo with a fresh context: the caller's may be what failed.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_, _ = s.rdb.Pipelined(uctx, func(p redis.Pipeliner) error {
			p.Del(uctx, tokKey(rec.Hash))
			if rec.DigestHash != "" {
				p.Del(uctx, digestKey(rec.DigestHash))
			}
			return nil
		})
		_ = s.rdb.Del(uctx, idKey(rec.ID)).Err()
		return unavailable("store record", err)
	}
	if !rec.IsSession() {
		return nil
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, childKey(rec.ParentID), rec.ID)
		p.PExpire(ctx, childKey(rec.ParentID), s.opts.ChildrenTTL)
		return nil
	})
	if err == nil {
		var n int64
		n, err = s.rdb.Exists(ctx, idKey(rec.ParentID)).Result()
		if err == nil && n == 0 {
			_ = s.kill(context.WithoutCancel(ctx), rec)
			return ErrParentGone
		}
	}
	if err != nil {
		_ = s.kill(context.WithoutCancel(ctx), rec)
		return unavailable("link session", err)
	}
	return nil
}

// Get returns the record of the key whose hash is hash: one GET when it exists.
// A revoked key gives ErrRevoked with the returned record holding only ID and Hash.
func (s *Store) Get(ctx context.Context, hash string) (keys.Record, error) {
	rec, _, err := s.get(ctx, hash)
	return rec, err
}

// get is Get that also returns the record as stored, for a compare-and-set.
func (s *Store) get(ctx context.Context, hash string) (keys.Record, []byte, error) {
	data, err := s.rdb.Get(ctx, tokKey(hash)).Bytes()
	if errors.Is(err, redis.Nil) {
		id, err := s.rdb.Get(ctx, revokedKey(hash)).Result()
		switch {
		case err == nil:
			return keys.Record{ID: id, Hash: hash}, nil, ErrRevoked
		case errors.Is(err, redis.Nil):
			return keys.Record{}, nil, ErrNotFound
		default:
			return keys.Record{}, nil, unavailable("get tombstone", err)
		}
	}
	if err != nil {
		return keys.Record{}, nil, unavailable("get record", err)
	}
	var rec keys.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return keys.Record{}, nil, fmt.Errorf("store: decode record: %w", err)
	}
	if rec.Expired(s.opts.Now()) {
		// Redis expires it within milliseconds; answer as if it had.
		return rec, nil, ErrExpired
	}
	return rec, data, nil
}

// GetByID returns the record of key id.
func (s *Store) GetByID(ctx context.Context, id string) (keys.Record, error) {
	hash, err := s.rdb.Get(ctx, idKey(id)).Result()
	if errors.Is(err, redis.Nil) {
		return keys.Record{}, ErrNotFound
	}
	if err != nil {
		return keys.Record{}, unavailable("get id", err)
	}
	rec, err := s.Get(ctx, hash)
	if errors.Is(err, ErrRevoked) || errors.Is(err, ErrExpired) {
		return keys.Record{}, ErrNotFound
	}
	return rec, err
}

// ClaimRotation marks session key rec as refreshed, once: it reports false when the
// key was refreshed before (or concurrently), so one key never has two successors.
// The mark lives as long as the key could.
func (s *Store) ClaimRotation(ctx context.Context, rec keys.Record) (bool, error) {
	ttl, expires := rec.TTL(s.opts.Now())
	if !expires || ttl <= 0 {
		ttl = s.opts.TombstoneMaxTTL
	}
	ok, err := s.rdb.SetNX(ctx, rotatedKey(rec.Hash), rec.ID, ttl).Result()
	if err != nil {
		return false, unavailable("claim rotation", err)
	}
	return ok, nil
}

// Shorten makes rec expire after ttl (when that is sooner), rewriting the record so
// its ExpiresAt matches the Redis TTL and caches drop it in time. Used for the grace
// period of a refreshed session key. It reports false when the record is gone
// (revoked or logged out meanwhile) and so was not rewritten.
func (s *Store) Shorten(ctx context.Context, rec keys.Record, ttl time.Duration) (bool, error) {
	now := s.opts.Now()
	if left, ok := rec.TTL(now); ok && left < ttl {
		ttl = left
	}
	if ttl <= 0 {
		ttl = time.Millisecond
	}
	rec.ExpiresAt = now.Add(ttl).UTC()
	data, err := json.Marshal(rec)
	if err != nil {
		return false, fmt.Errorf("store: encode record: %w", err)
	}
	var set *redis.BoolCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		set = p.SetXX(ctx, tokKey(rec.Hash), data, ttl)
		p.PExpire(ctx, idKey(rec.ID), ttl)
		if rec.DigestHash != "" {
			p.PExpire(ctx, digestKey(rec.DigestHash), ttl)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, unavailable("shorten", err)
	}
	return set.Val(), nil
}

// Revoke revokes key id and, for a long-lived key, every session key under it. It
// returns the revoked records (the key first) and announces each hash on the
// revocation channel.
func (s *Store) Revoke(ctx context.Context, id string) ([]keys.Record, error) {
	// The key first, its sessions after: a session creation racing this revoke links
	// itself into children:<id> before it checks that the parent exists, so either it
	// finds the parent gone and undoes itself, or it linked itself before the parent
	// was deleted and the read of children:<id> below finds it.
	out, err := s.killID(ctx, id)
	if err != nil || out[0].IsSession() {
		return out, err
	}
	children, err := s.killChildren(ctx, id, func(keys.Record) bool { return true })
	out = append(out, children...)
	if err != nil {
		return out, err
	}
	if err := s.rdb.Del(ctx, childKey(id)).Err(); err != nil {
		return out, unavailable("drop sessions", err)
	}
	return out, nil
}

// RevokeSession ends the session of session key id: the key and every other key of
// its session (earlier keys still in their refresh grace, and a successor) and the SDK
// sessions opened from it, killed after it for the same reason as Revoke's children. It returns the revoked records,
// the key first.
func (s *Store) RevokeSession(ctx context.Context, id string) ([]keys.Record, error) {
	out, err := s.killID(ctx, id)
	if err != nil || !out[0].IsSession() {
		return out, err
	}
	session := out[0].Session()
	siblings, err := s.killChildren(ctx, out[0].ParentID, func(c keys.Record) bool { return c.EndsWith(session) })
	return append(out, siblings...), err
}

// killID kills key id, returning its record as the first of the revoked ones.
func (s *Store) killID(ctx context.Context, id string) ([]keys.Record, error) {
	rec, err := s.GetByID(ctx, id)
	if err == nil {
		err = s.kill(ctx, rec)
	}
	if err != nil {
		return nil, err
	}
	return []keys.Record{rec}, nil
}

// killChildren kills the live session keys under parent that match, returning them.
func (s *Store) killChildren(ctx context.Context, parent string, match func(keys.Record) bool) ([]keys.Record, error) {
	ids, err := s.rdb.SMembers(ctx, childKey(parent)).Result()
	if err != nil {
		return nil, unavailable("list sessions", err)
	}
	var out []keys.Record
	for _, cid := range ids {
		child, err := s.GetByID(ctx, cid)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return out, err
		}
		if !match(child) {
			continue
		}
		if err := s.kill(ctx, child); err != nil {
			return out, err
		}
		out = append(out, child)
	}
	return out, nil
}

// kill writes the tombstones before deleting the record and its digest entry, so there
// is no moment in which the key or its MD5 answers "unknown" rather than "revoked",
// then publishes the revocation.
func (s *Store) kill(ctx context.Context, rec keys.Record) error {
	ttl, expires := rec.TTL(s.opts.Now())
	if !expires {
		ttl = s.opts.TombstoneMaxTTL
	}
	// The tombstones are their own round trip: on a Cluster a pipeline's commands go
	// to their nodes concurrently, so within one pipeline the DEL could land first.
	if ttl > 0 {
		if err := s.tombstones(ctx, rec, rec.DigestHash, ttl); err != nil {
			return err
		}
	}
	var got *redis.StringCmd
	cmds, _ := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		// GETDEL, not DEL: the record as deleted names the digest entry that a
		// validation may have added since rec was read (see indexDigest).
		got = p.GetDel(ctx, tokKey(rec.Hash))
		p.Del(ctx, idKey(rec.ID))
		if rec.IsSession() {
			p.SRem(ctx, childKey(rec.ParentID), rec.ID)
		}
		if rec.DigestHash != "" {
			p.Del(ctx, digestKey(rec.DigestHash))
		}
		return nil
	})
	if err := firstError(cmds); err != nil {
		return unavailable("revoke", err)
	}
	if d := storedDigest(got.Val()); d != "" && d != rec.DigestHash {
		if ttl > 0 {
			if err := s.tombstones(ctx, keys.Record{ID: rec.ID}, d, ttl); err != nil {
				return err
			}
		}
		if err := s.rdb.Del(ctx, digestKey(d)).Err(); err != nil {
			return unavailable("revoke digest", err)
		}
	}
	if err := authn.PublishRevocation(ctx, s.rdb, rec.Hash); err != nil {
		return unavailable("publish revocation", err)
	}
	return nil
}

// tombstones writes the tombstone of rec (when its Hash is set), then of its digest
// entry digest (when set), for ttl.
func (s *Store) tombstones(ctx context.Context, rec keys.Record, digest string, ttl time.Duration) error {
	if rec.Hash != "" {
		if err := s.rdb.Set(ctx, revokedKey(rec.Hash), rec.ID, ttl).Err(); err != nil {
			return unavailable("revoke", err)
		}
	}
	if digest != "" {
		if err := s.rdb.Set(ctx, digestRevokedKey(digest), rec.ID, ttl).Err(); err != nil {
			return unavailable("revoke digest", err)
		}
	}
	return nil
}
