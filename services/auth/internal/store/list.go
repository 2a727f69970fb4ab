package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/services/auth/internal/keys"
)

// scanBatch is the SCAN COUNT hint.
const scanBatch = 500

// List returns every live key record, sorted by creation time then id. It holds no
// plaintext: Redis never had any.
func (s *Store) List(ctx context.Context) ([]keys.Record, error) {
	idKeys, err := redisx.ScanAll(ctx, s.rdb, idPrefix+"*", scanBatch)
	if err != nil {
		return nil, unavailable("scan ids", err)
	}
	if len(idKeys) == 0 {
		return []keys.Record{}, nil
	}
	hashes, err := s.getAll(ctx, idKeys)
	if err != nil {
		return nil, unavailable("get ids", err)
	}
	var tok []string
	for _, h := range hashes {
		if h != "" {
			tok = append(tok, tokKey(h))
		}
	}
	raw, err := s.getAll(ctx, tok)
	if err != nil {
		return nil, unavailable("get records", err)
	}
	out := make([]keys.Record, 0, len(raw))
	now := s.opts.Now()
	for _, r := range raw {
		if r == "" {
			continue // expired or revoked between the two reads
		}
		var rec keys.Record
		if err := json.Unmarshal([]byte(r), &rec); err != nil {
			s.log.Warn("undecodable key record skipped", obs.Err(err))
			continue
		}
		if !rec.Expired(now) {
			out = append(out, rec)
		}
	}
	slices.SortFunc(out, func(a, b keys.Record) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// getAll GETs keys in one pipeline; missing keys give "".
func (s *Store) getAll(ctx context.Context, names []string) ([]string, error) {
	cmds := make([]*redis.StringCmd, len(names))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, n := range names {
			cmds[i] = p.Get(ctx, n)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	out := make([]string, len(names))
	for i, c := range cmds {
		v, err := c.Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
