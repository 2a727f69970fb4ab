package durable_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/order/internal/durable"
	"github.com/redis/go-redis/v9"
)

const incr = `return redis.call('INCR', KEYS[1])`

// Without replicas, a write that must be acknowledged by one fails closed, after the
// script ran (in the same pipeline; EVAL when the script is not cached yet).
func TestWaitFailsClosedWithoutReplicas(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend, rdb redis.UniversalClient) {
		ctx := context.Background()
		s := durable.NewScript(incr)
		key := "futugw:{k}:n"
		if n, err := s.Run(ctx, rdb, durable.Wait{}, []string{key}).Int64(); err != nil || n != 1 {
			t.Fatalf("no wait: %d, %v", n, err)
		}
		_ = rdb.ScriptFlush(ctx).Err() // the next run must fall back to EVAL
		err := s.Run(ctx, rdb, durable.Wait{Replicas: 1, Timeout: 50 * time.Millisecond}, []string{key}).Err()
		if err == nil {
			t.Fatal("WAIT 1 without a replica succeeded")
		}
		if b.Name == "cluster" && !errors.Is(err, durable.ErrNotReplicated) {
			t.Errorf("err = %v, want ErrNotReplicated", err)
		}
		if n, err := rdb.Get(ctx, key).Int64(); err != nil || n != 2 {
			t.Errorf("counter = %d, %v; want 2 (the script ran)", n, err)
		}
	})
}

// forEachBackend runs body with a client (built as the service builds it) on a
// single Redis and on a Cluster.
func forEachBackend(t *testing.T, body func(t *testing.T, b redistest.Backend, rdb redis.UniversalClient)) {
	for _, b := range redistest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			rdb, err := redisx.New(redisx.Options{Addrs: strings.Join(b.Start(t), ",")})
			if err != nil {
				t.Fatal(err)
			}
			defer rdb.Close()
			body(t, b, rdb)
		})
	}
}
