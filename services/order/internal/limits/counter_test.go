package limits

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// forEachBackend runs body against a single Redis and against a Cluster.
func forEachBackend(t *testing.T, body func(t *testing.T, b redistest.Backend)) {
	for _, b := range redistest.Backends() {
		t.Run(b.Name, func(t *testing.T) { body(t, b) })
	}
}

// newCounter returns a Counter on b, its client built as the service builds it.
func newCounter(t *testing.T, b redistest.Backend) (*Counter, redis.UniversalClient) {
	t.Helper()
	rdb, err := redisx.New(redisx.Options{Addrs: strings.Join(b.Start(t), ",")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return NewCounter(rdb, Options{}), rdb
}

func TestSlidingWindowExactAtItsEdges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		c, _ := newCounter(t, b)
		ctx := context.Background()
		p := Policy{KeyID: "edge", MaxPerMinute: i32(2)}
		t0 := time.UnixMilli(1_800_000_000_000)
		mustReserve := func(at time.Time, want gatewayv1.Reason) {
			t.Helper()
			_, err := c.Reserve(ctx, p, fmt.Sprint("a", at.UnixMilli()), 1, at)
			assertReason(t, err, want)
		}
		mustReserve(t0, gatewayv1.Reason_REASON_UNSPECIFIED)
		mustReserve(t0.Add(30*time.Second), gatewayv1.Reason_REASON_UNSPECIFIED)
		mustReserve(t0.Add(59999*time.Millisecond), gatewayv1.Reason_REASON_MAX_ORDERS_PER_MINUTE) // t0 still inside
		mustReserve(t0.Add(60*time.Second), gatewayv1.Reason_REASON_UNSPECIFIED)                   // t0 just left
		mustReserve(t0.Add(60*time.Second), gatewayv1.Reason_REASON_MAX_ORDERS_PER_MINUTE)
		mustReserve(t0.Add(89999*time.Millisecond), gatewayv1.Reason_REASON_MAX_ORDERS_PER_MINUTE) // t0+30s still inside
		mustReserve(t0.Add(90*time.Second), gatewayv1.Reason_REASON_UNSPECIFIED)
	})
}

func TestDailyValueCapAndRelease(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		c, _ := newCounter(t, b)
		ctx := context.Background()
		p := Policy{KeyID: "daily", MaxDailyValue: f64(100)}
		now := time.Date(2026, 3, 2, 23, 59, 0, 0, time.UTC)
		r1, err := c.Reserve(ctx, p, "a1", 60.25, now)
		assertReason(t, err, gatewayv1.Reason_REASON_UNSPECIFIED)
		_, err = c.Reserve(ctx, p, "a2", 39.76, now)
		assertReason(t, err, gatewayv1.Reason_REASON_MAX_DAILY_VALUE)
		if _, err := c.Reserve(ctx, p, "a3", 39.75, now); err != nil { // exactly at the cap
			t.Fatal(err)
		}
		if err := c.Release(ctx, r1); err != nil {
			t.Fatal(err)
		}
		if _, daily, _ := c.Usage(ctx, "daily", now); daily != 39.75 {
			t.Fatalf("daily after release = %v", daily)
		}
		// A new UTC day starts from zero.
		if _, err := c.Reserve(ctx, p, "a4", 100, now.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRefusalChangesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		c, _ := newCounter(t, b)
		ctx := context.Background()
		now := time.UnixMilli(1_800_000_000_000)
		p := Policy{KeyID: "atomic", MaxPerMinute: i32(5), MaxDailyValue: f64(10)}
		if _, err := c.Reserve(ctx, p, "a1", 10, now); err != nil {
			t.Fatal(err)
		}
		// The window has room but the day does not: the window must not count it.
		_, err := c.Reserve(ctx, p, "a2", 1, now)
		assertReason(t, err, gatewayv1.Reason_REASON_MAX_DAILY_VALUE)
		if n, v, _ := c.Usage(ctx, "atomic", now); n != 1 || v != 10 {
			t.Fatalf("usage = %d, %v; want 1, 10", n, v)
		}
	})
}

func TestConcurrentReservationsNeverExceedCaps(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		c, _ := newCounter(t, b)
		ctx := context.Background()
		now := time.UnixMilli(1_800_000_000_000)
		p := Policy{KeyID: "race", MaxPerMinute: i32(1000), MaxDailyValue: f64(1000)}
		var ok atomic.Int64
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Go(func() {
				if _, err := c.Reserve(ctx, p, fmt.Sprint("r", i), 33.3, now); err == nil {
					ok.Add(1)
				}
			})
		}
		wg.Wait()
		if ok.Load() != 30 { // 30 x 33.3 = 999 <= 1000 < 31 x 33.3
			t.Fatalf("accepted %d, want 30", ok.Load())
		}
		if _, v, _ := c.Usage(ctx, "race", now); v > 1000 {
			t.Fatalf("daily %v above cap", v)
		}
	})
}

func TestKeysShareTheHashTag(t *testing.T) {
	if w, d := windowKey("k1"), dayKey("k1", "20260101"); w[:11] != "futugw:{k1}" || d[:11] != "futugw:{k1}" {
		t.Fatalf("keys %q %q", w, d)
	}
}

func TestRedisDownIsUnavailable(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	_, err := NewCounter(rdb, Options{}).Reserve(context.Background(), Policy{KeyID: "x", MaxPerMinute: i32(1)}, "a", 1, time.Now())
	if r, ok := AsRefusal(err); !ok || r.Kind != KindUnavailable {
		t.Fatalf("err = %v", err)
	}
}
