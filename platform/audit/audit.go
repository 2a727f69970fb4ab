// Package audit appends security events (keys issued and revoked, sessions, failed
// authentications) to a Redis Stream and reads them back, newest first. Callers never
// put tokens, key plaintext or passwords into an Entry.
package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/config"
)

// Stream is the Redis key of the audit stream.
const Stream = "futugw:audit"

// DefaultMaxLen bounds the stream when New gets a non-positive maxLen.
const DefaultMaxLen = 100_000

// MaxList caps one List call.
const MaxList = 1000

// Entry is one audit record.
type Entry struct {
	ID     string    // stream id, set by Redis on Append; ignored on input
	Time   time.Time // defaults to now on Append
	Action string    // key_issued, key_revoked, session_created, auth_failed, ...
	KeyID  string    // never the key itself
	Client string    // the end client's address
	Reason string    // errinfo reason for failures
	Fields map[string]string
}

// fieldTime is the stream field of Entry.Time; attrs names the other fixed fields.
const fieldTime = "time"

// attr is a fixed string attribute of an Entry and its stream field name.
type attr struct {
	name string
	v    *string
}

// attrs are e's fixed attributes but time; any other stream field is an extra one.
func (e *Entry) attrs() []attr {
	return []attr{{"action", &e.Action}, {"key_id", &e.KeyID}, {"client", &e.Client}, {"reason", &e.Reason}}
}

// index is where attrs name the stream field k, or -1.
func index(attrs []attr, k string) int {
	return slices.IndexFunc(attrs, func(a attr) bool { return a.name == k })
}

// Log appends to and reads from the audit stream.
type Log struct {
	rdb    redis.UniversalClient
	maxLen int64
	now    func() time.Time
}

// New returns a Log that keeps roughly the last maxLen entries (DefaultMaxLen when
// maxLen <= 0).
func New(rdb redis.UniversalClient, maxLen int64) *Log {
	return &Log{rdb: rdb, maxLen: config.OrDefault(maxLen, DefaultMaxLen), now: time.Now}
}

// Append adds e to the stream, trimming it approximately to the Log's length.
func (l *Log) Append(ctx context.Context, e Entry) error {
	if e.Action == "" {
		return errors.New("audit: entry without action")
	}
	if err := l.rdb.XAdd(ctx, l.xaddArgs(e)).Err(); err != nil {
		return fmt.Errorf("audit append %s: %w", e.Action, err)
	}
	return nil
}

// xaddArgs is the XADD appending e (stamped now when it has no time).
func (l *Log) xaddArgs(e Entry) *redis.XAddArgs {
	t := e.Time
	if t.IsZero() {
		t = l.now()
	}
	values := make([]any, 0, 10+2*len(e.Fields))
	values = append(values, fieldTime, t.UTC().Format(time.RFC3339Nano))
	attrs := e.attrs()
	for _, a := range attrs {
		if *a.v != "" {
			values = append(values, a.name, *a.v)
		}
	}
	for k, v := range e.Fields {
		if k == fieldTime || index(attrs, k) >= 0 {
			k = "x_" + k // an extra field must not overwrite a fixed one
		}
		values = append(values, k, v)
	}
	return &redis.XAddArgs{Stream: Stream, MaxLen: l.maxLen, Approx: true, Values: values}
}

// List returns up to limit entries, newest first (limit <= 0 or above MaxList means
// MaxList).
func (l *Log) List(ctx context.Context, limit int) ([]Entry, error) {
	if limit <= 0 || limit > MaxList {
		limit = MaxList
	}
	msgs, err := l.rdb.XRevRangeN(ctx, Stream, "+", "-", int64(limit)).Result()
	if err != nil {
		return nil, fmt.Errorf("audit list: %w", err)
	}
	out := make([]Entry, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, fromMessage(m))
	}
	return out, nil
}

func fromMessage(m redis.XMessage) Entry {
	e := Entry{ID: m.ID}
	attrs := e.attrs()
	for k, raw := range m.Values {
		v, _ := raw.(string)
		switch i := index(attrs, k); {
		case i >= 0:
			*attrs[i].v = v
		case k == fieldTime:
			e.Time, _ = time.Parse(time.RFC3339Nano, v)
		default:
			if e.Fields == nil {
				e.Fields = make(map[string]string)
			}
			e.Fields[k] = v
		}
	}
	if e.Time.IsZero() {
		e.Time = idTime(m.ID)
	}
	return e
}

// idTime recovers the append time from a stream id ("<ms>-<seq>").
func idTime(id string) time.Time {
	ms, _, _ := strings.Cut(id, "-")
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}
