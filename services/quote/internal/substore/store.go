// Package substore keeps each session's subscriptions in Redis, so that a restarted
// quote service gets them back: one record per session with its pairs and the keys
// that end it (token hashes and expiry, never plaintext), written through from the
// registry's and the session lifetimes' changes by a Writer, and read back once at
// start-up by Restore.
//
// Key layout: futugw:quote:subs:{<session>} holds a JSON value expiring (SET ... PXAT,
// i.e. PEXPIREAT) a grace after the session's latest key expires, so Redis forgets
// dead sessions by itself. Every command touches one key (the session is the hash
// tag), so the layout is Cluster safe; reading back scans every primary.
package substore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// Prefix starts every record's key name.
const Prefix = "futugw:quote:subs:"

// scanBatch is the SCAN COUNT hint, and the GETs per pipeline when reading back.
const scanBatch = 500

// Options configure a Store.
type Options struct {
	// Grace is how long a record outlives its session's latest key (subs.Lifetimes
	// keeps the session that long); subs.DefaultLifetimeGrace when zero.
	Grace   time.Duration
	Now     func() time.Time // time.Now when nil
	Logger  *slog.Logger
	Metrics *Metrics // nil: nothing counted
}

// Store reads and writes session records. Safe for concurrent use.
type Store struct {
	rdb redis.UniversalClient
	o   Options
}

// New returns a Store on rdb.
func New(rdb redis.UniversalClient, o Options) *Store {
	o.Grace = cmp.Or(o.Grace, subs.DefaultLifetimeGrace)
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Logger = obs.OrDiscard(o.Logger)
	if o.Metrics == nil {
		o.Metrics = NewMetrics(nil)
	}
	return &Store{rdb: rdb, o: o}
}

// Key is the name of session's record: the session is the hash tag.
func (s *Store) Key(session string) string { return Prefix + "{" + session + "}" }

// sessionOf is the session whose record key is name.
func (s *Store) sessionOf(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, Prefix+"{")
	if !ok || !strings.HasSuffix(rest, "}") || len(rest) < 2 {
		return "", false
	}
	return rest[:len(rest)-1], true
}

// Write saves each record, or deletes it when there is nothing to keep: no pair, no
// key, or every key ended more than the grace ago. One pipeline (split per node on a
// Cluster); errs[i] is the outcome of recs[i].
func (s *Store) Write(ctx context.Context, recs []Record) (errs []error) {
	errs = make([]error, len(recs))
	cmds := make([]redis.Cmder, len(recs))
	ops := make([]string, len(recs))
	now := s.o.Now()
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range recs {
			key := s.Key(r.Session)
			until, never := r.until(s.o.Grace)
			if len(r.Pairs) == 0 || (!never && !until.After(now)) {
				ops[i], cmds[i] = opDelete, p.Del(ctx, key)
				continue
			}
			b, err := encode(r)
			if err != nil {
				errs[i] = err
				continue
			}
			ops[i] = opSave
			if never {
				cmds[i] = p.Set(ctx, key, b, 0)
			} else {
				// SET ... PXAT: the write and its PEXPIREAT in one atomic command.
				cmds[i] = p.Do(ctx, "set", key, b, "pxat", until.UnixMilli())
			}
		}
		return nil
	}) // errors are on the commands
	for i, c := range cmds {
		if c != nil {
			errs[i] = c.Err()
		}
		if ops[i] != "" {
			s.o.Metrics.write(ops[i], errs[i])
		}
	}
	return errs
}

// Save writes one record (see Write).
func (s *Store) Save(ctx context.Context, r Record) error { return s.Write(ctx, []Record{r})[0] }

// Delete removes session's record.
func (s *Store) Delete(ctx context.Context, session string) error {
	return s.Save(ctx, Record{Session: session})
}

// Load returns every saved record, sorted by session, scanning every primary of a
// Cluster. A malformed record is deleted, logged and counted, not returned.
func (s *Store) Load(ctx context.Context) ([]Record, error) {
	names, err := redisx.ScanAll(ctx, s.rdb, Prefix+"{*", scanBatch)
	if err != nil {
		return nil, fmt.Errorf("scan %s*: %w", Prefix, err)
	}
	var out []Record
	for chunk := range slices.Chunk(names, scanBatch) {
		cmds := make([]*redis.StringCmd, len(chunk))
		_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, n := range chunk {
				cmds[i] = p.Get(ctx, n)
			}
			return nil
		})
		for i, c := range cmds {
			b, err := c.Bytes()
			if errors.Is(err, redis.Nil) {
				continue // expired or deleted since the scan
			}
			if err != nil {
				return nil, fmt.Errorf("get %s: %w", chunk[i], err)
			}
			session, ok := s.sessionOf(chunk[i])
			var r Record
			if !ok {
				err = errors.New("key name without a {session} tag")
			} else {
				r, err = decode(session, b)
			}
			if err != nil {
				s.malformed(ctx, chunk[i], err)
				continue
			}
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Record) int { return strings.Compare(a.Session, b.Session) })
	return out, nil
}

// malformed deletes a record that does not decode.
func (s *Store) malformed(ctx context.Context, name string, why error) {
	s.o.Metrics.restore(resultMalformed)
	err := s.rdb.Del(ctx, name).Err()
	s.o.Logger.Warn("malformed session subscription record skipped and deleted", "key", name,
		obs.Err(why), "delete_error", errString(err))
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
