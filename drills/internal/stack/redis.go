package stack

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// Snapshot is Redis' whole keyspace as DUMP payloads with their TTLs.
type Snapshot map[string]dumped

type dumped struct {
	payload string
	ttl     time.Duration
}

// SnapshotRedis dumps every key. redistest runs redis-server without persistence, so
// a drill that restarts Redis carries the data across with RESTORE, as a production
// Redis with append-only persistence would.
func SnapshotRedis(t testing.TB, addr string) Snapshot {
	t.Helper()
	rdb := redistest.Client(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	keys, err := redisx.ScanAll(ctx, rdb, "*", 1000)
	if err != nil {
		t.Fatal(err)
	}
	snap := Snapshot{}
	for _, k := range keys {
		p, err := rdb.Dump(ctx, k).Result()
		if err == redis.Nil {
			continue
		}
		if err != nil {
			t.Fatalf("DUMP %s: %v", k, err)
		}
		ttl, err := rdb.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		snap[k] = dumped{p, max(ttl, 0)}
	}
	return snap
}

// Restore writes snap into the Redis at addr.
func (snap Snapshot) Restore(t testing.TB, addr string) {
	t.Helper()
	rdb := redistest.Client(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for k, d := range snap {
		if err := rdb.RestoreReplace(ctx, k, d.ttl, d.payload).Err(); err != nil {
			t.Fatalf("RESTORE %s: %v", k, err)
		}
	}
}
