package idem

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// forEachBackend runs body with a client (built as the service builds it) on a
// single Redis and on a Cluster.
func forEachBackend(t *testing.T, body func(t *testing.T, rdb redis.UniversalClient)) {
	for _, b := range redistest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			rdb, err := redisx.New(redisx.Options{Addrs: strings.Join(b.Start(t), ",")})
			if err != nil {
				t.Fatal(err)
			}
			defer rdb.Close()
			body(t, rdb)
		})
	}
}

func TestLifecycle(t *testing.T) { forEachBackend(t, testLifecycle) }

func testLifecycle(t *testing.T, rdb redis.UniversalClient) {
	now := time.UnixMilli(1_800_000_000_000)
	clock := func() time.Time { return now }
	s := New(rdb, Options{Lease: time.Second, Wait: time.Millisecond, Now: clock})
	ctx := context.Background()

	r, err := s.Acquire(ctx, "k", "key1", "h1", "a1")
	if err != nil || r.Claim == nil || r.State != Fresh {
		t.Fatalf("first: %+v %v", r, err)
	}
	if _, err := s.Acquire(ctx, "k", "key1", "h2", "a2"); !errors.Is(err, ErrConflict) {
		t.Fatalf("different body: %v", err)
	}
	if _, err := s.Acquire(ctx, "k", "key1", "h1", "a2"); !errors.Is(err, ErrPending) {
		t.Fatalf("while pending: %v", err)
	}
	// The owner vanishes: after its lease a retry takes over, knowing nothing reserved.
	now = now.Add(2 * time.Second)
	r2, err := s.Acquire(ctx, "k", "key1", "h1", "a3")
	if err != nil || r2.Claim == nil || r2.State != Resume || r2.Claim.PriorState != StatePending {
		t.Fatalf("takeover: %+v %v", r2, err)
	}
	// The old owner can no longer write.
	if err := s.Done(ctx, r.Claim, "999"); err != nil {
		t.Fatal(err)
	}
	if err := s.Unknown(ctx, r2.Claim, "20270115", 42); err != nil {
		t.Fatal(err)
	}
	r3, err := s.Acquire(ctx, "k", "key1", "h1", "a4")
	if err != nil || r3.State != Resume || r3.Claim.PriorState != StateUnknown || r3.Claim.PriorDay != "20270115" || r3.Claim.PriorMicros != 42 {
		t.Fatalf("unknown takeover: %+v %v", r3.Claim, err)
	}
	if err := s.Done(ctx, r3.Claim, "123"); err != nil {
		t.Fatal(err)
	}
	if r4, err := s.Acquire(ctx, "k", "key1", "h1", "a5"); err != nil || r4.State != Replay || r4.OrderID != "123" {
		t.Fatalf("done: %+v %v", r4, err)
	}
	// A released key is free again, for any body.
	r5, _ := s.Acquire(ctx, "k", "key2", "h1", "b1")
	if err := s.Release(ctx, r5.Claim); err != nil {
		t.Fatal(err)
	}
	if r6, err := s.Acquire(ctx, "k", "key2", "other", "b2"); err != nil || r6.Claim == nil {
		t.Fatalf("after release: %+v %v", r6, err)
	}
	if Tag("k", "key1") == Tag("k2", "key1") || len(Tag("k", "x")) != 19 {
		t.Fatal("tags")
	}
}
