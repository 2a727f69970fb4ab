package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/auth/internal/keys"
)

// The SDK digest index: md5:<keys.DigestHash(MD5(key))> holds the key's token hash,
// for as long as the key lives. Issue writes it for records that name it (every key
// minted since it exists); a key minted before gets it at its first validation
// (indexDigest); kill removes it behind a tombstone, Shorten shortens it.

// GetByDigest returns the record of the key whose MD5 has digestHash
// (keys.DigestHash): ErrNotFound when no live key has it, ErrRevoked (with the key's
// ID) or ErrExpired as Get.
func (s *Store) GetByDigest(ctx context.Context, digestHash string) (keys.Record, error) {
	hash, err := s.rdb.Get(ctx, digestKey(digestHash)).Result()
	if errors.Is(err, redis.Nil) {
		id, err := s.rdb.Get(ctx, digestRevokedKey(digestHash)).Result()
		switch {
		case err == nil:
			return keys.Record{ID: id}, ErrRevoked
		case errors.Is(err, redis.Nil):
			return keys.Record{}, ErrNotFound
		default:
			return keys.Record{}, unavailable("get digest tombstone", err)
		}
	}
	if err != nil {
		return keys.Record{}, unavailable("get digest", err)
	}
	rec, err := s.Get(ctx, hash)
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrRevoked):
		// An entry left behind by a failed revocation or an interrupted validation:
		// the key is gone, so is its entry.
		if derr := s.rdb.Del(ctx, digestKey(digestHash)).Err(); derr != nil {
			s.log.Warn("dropping a stale digest entry", "key_id", rec.ID, obs.Err(derr))
		}
		return rec, err
	case err != nil:
		return rec, err
	case rec.DigestHash != "" && rec.DigestHash != digestHash:
		return keys.Record{}, ErrNotFound // an entry that is not this key's
	}
	return rec, nil
}

// casRecord replaces the record KEYS[1] with ARGV[2] when it still holds ARGV[1],
// keeping its TTL: 1 replaced, 0 changed meanwhile, -1 gone. One key: cluster-safe.
var casRecord = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`)

// indexDigest adds the digest entry of a key minted before the index existed, whose
// plaintext a validation has just seen: the entry first, then the record names it
// (compare-and-set against raw, the record as read). A revocation deletes the record
// with GETDEL and removes the entry the record names, so either the record named the
// entry in time, or the compare-and-set finds the record gone and this removes the
// entry itself. A record changed meanwhile (a refresh's Shorten) keeps the entry,
// which points to it; the next validation links it.
func (s *Store) indexDigest(ctx context.Context, rec keys.Record, raw []byte, digestHash string) error {
	ttl, expires := rec.TTL(s.opts.Now())
	if expires && ttl <= 0 {
		return nil
	}
	if err := s.rdb.SetNX(ctx, digestKey(digestHash), rec.Hash, ttl).Err(); err != nil {
		return unavailable("index digest", err)
	}
	rec.DigestHash = digestHash
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	res, err := casRecord.Run(ctx, s.rdb, []string{tokKey(rec.Hash)}, raw, data).Int()
	if err != nil {
		return unavailable("link digest", err)
	}
	if res < 0 {
		if err := s.rdb.Del(ctx, digestKey(digestHash)).Err(); err != nil {
			return unavailable("unindex digest", err)
		}
	}
	return nil
}

// storedDigest is the digest_hash of a stored record, "" when none or unreadable.
func storedDigest(raw string) string {
	if raw == "" {
		return ""
	}
	var r struct {
		DigestHash string `json:"digest_hash"`
	}
	_ = json.Unmarshal([]byte(raw), &r)
	return r.DigestHash
}

// firstError is the first error of cmds other than redis.Nil.
func firstError(cmds []redis.Cmder) error {
	for _, c := range cmds {
		if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
	}
	return nil
}

// digestTimeout bounds the one-time indexing a validation does for an older key.
const digestTimeout = time.Second
