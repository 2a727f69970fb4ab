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

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
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

// Metric label values; every label set is bounded.
const (
	opSave   = "save"
	opDelete = "delete"

	resultRestored  = "restored"
	resultOverQuota = "over_quota"
	resultExpired   = "expired"
	resultMalformed = "malformed"
)

// Metrics count the store's writes and what start-up restored.
type Metrics struct {
	Writes        *prometheus.CounterVec // op: save, delete; result: ok, error
	Restores      *prometheus.CounterVec // result: restored, over_quota, expired, malformed
	RestoreErrors prometheus.Counter     // start-ups that could not read the records
}

// NewMetrics creates the metrics and registers them with reg when it is not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_quote_session_writes_total",
			Help: "Session subscription records written to Redis, by op (save, delete) and result (ok, error); failed ones are retried.",
		}, []string{"op", "result"}),
		Restores: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_quote_session_restores_total",
			Help: "Saved sessions read back at start-up, by result: restored, over_quota (dropped), expired or malformed (deleted).",
		}, []string{"result"}),
		RestoreErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "futugw_quote_session_restore_errors_total",
			Help: "Start-ups that could not read the saved sessions from Redis (they started without them).",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Writes, m.Restores, m.RestoreErrors)
	}
	return m
}

func (m *Metrics) write(op string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.Writes.WithLabelValues(op, result).Inc()
}

func (m *Metrics) restore(result string) { m.Restores.WithLabelValues(result).Inc() }

// Restore reads every saved session back into reg (its pairs) and sessions (its keys,
// so it still ends with them), in session order, and returns how many it restored.
// Run it at start-up, before the first OpenD connection (whose Restore subscribes
// the pairs) and before serving, so edges re-hosting their sessions get them back.
// A session whose pairs no longer fit the quota is dropped and so is one whose keys
// all ended; either record is deleted, logged and counted. An error means the records
// could not be read (Redis unreachable): the service runs without them.
func (s *Store) Restore(ctx context.Context, reg *subs.Registry, sessions *subs.Lifetimes) (int, error) {
	recs, err := s.Load(ctx)
	if err != nil {
		s.o.Metrics.RestoreErrors.Inc()
		return 0, err
	}
	now := s.o.Now()
	n := 0
	for _, r := range recs {
		if until, never := r.until(s.o.Grace); !never && !until.After(now) {
			// Redis would have forgotten it by now; a clock step may have kept it.
			s.o.Metrics.restore(resultExpired)
			s.o.Logger.Info("saved session ended while the service was down; deleted", "session", r.Session)
			_ = s.Delete(ctx, r.Session)
			continue
		}
		if err := reg.Load(r.Session, r.Pairs); err != nil {
			var qe *subs.QuotaError
			if !errors.As(err, &qe) {
				return n, fmt.Errorf("restore session %s: %w", r.Session, err)
			}
			s.o.Metrics.restore(resultOverQuota)
			s.o.Logger.Warn("saved session dropped: its subscriptions no longer fit the quota",
				"session", r.Session, "pairs", len(r.Pairs), obs.Err(err))
			if err := s.Delete(ctx, r.Session); err != nil {
				s.o.Logger.Warn("deleting a dropped session's record failed; it expires with its keys",
					"session", r.Session, obs.Err(err))
			}
			continue
		}
		for h, exp := range r.Keys {
			sessions.Seen(r.Session, h, exp)
		}
		s.o.Metrics.restore(resultRestored)
		n++
	}
	return n, nil
}
