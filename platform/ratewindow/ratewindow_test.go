package ratewindow

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/testkit/redistest"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func client(t testing.TB, addrs []string) redis.UniversalClient {
	t.Helper()
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: addrs})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// The window admits n slots now, then queues callers behind each other up to the
// max wait, refuses past it with the wait until the next free slot, and frees slots
// as they leave the window; on a single Redis and on a Cluster (one key per script).
func TestReserve(t *testing.T) {
	for _, b := range redistest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			rdb := client(t, b.Start(t))
			c := &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
			s := New(rdb, Options{Now: c.Now})
			ctx := context.Background()
			const n, win = 3, 10 * time.Second
			type step struct {
				advance time.Duration
				maxWait time.Duration
				wait    time.Duration
				ok      bool
			}
			for i, st := range []step{
				{0, 0, 0, true},
				{time.Second, 0, 0, true},
				{time.Second, 0, 0, true},                          // slots at 0, 1, 2 s
				{time.Second, time.Second, 7 * time.Second, false}, // at 3 s: the first frees at 10 s
				{6 * time.Second, time.Second, time.Second, true},  // at 9 s: queued for 10 s
				{0, time.Second, 2 * time.Second, false},           // next frees at 11 s
				{0, 2 * time.Second, 2 * time.Second, true},        // queued for 11 s behind the 10 s one
				{2 * time.Second, 0, time.Second, false},           // at 11 s: slots 2, 10, 11; the one of 2 s frees at 12 s
			} {
				c.Advance(st.advance)
				wait, ok, err := s.Reserve(ctx, "w", n, win, st.maxWait, nil)
				if err != nil {
					t.Fatal(err)
				}
				if wait != st.wait || ok != st.ok {
					t.Fatalf("step %d: %v, %v; want %v, %v", i, wait, ok, st.wait, st.ok)
				}
			}
			// The key lives until its last slot leaves the window: the slot of 11 s,
			// reserved at 9 s, leaves at 21 s, 12 s after it was reserved.
			ttl, err := rdb.PTTL(ctx, "futugw:window:w").Result()
			if err != nil || ttl <= 10*time.Second || ttl > 12*time.Second {
				t.Fatalf("TTL %v (%v), want 12 s less the test's time", ttl, err)
			}
		})
	}
}

// Slots taken while Redis was out of reach count in the window once handed over.
func TestReserveEarlier(t *testing.T) {
	rdb := client(t, []string{redistest.Start(t)})
	c := &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	s := New(rdb, Options{Now: c.Now})
	ctx := context.Background()
	wait, ok, err := s.Reserve(ctx, "w", 3, 10*time.Second, 0, []time.Duration{-8 * time.Second, -2 * time.Second})
	if err != nil || !ok || wait != 0 {
		t.Fatalf("third slot: %v, %v, %v", wait, ok, err)
	}
	if wait, ok, _ := s.Reserve(ctx, "w", 3, 10*time.Second, 0, nil); ok || wait != 2*time.Second {
		t.Fatalf("fourth: %v, %v; want a refusal until the slot of 8 s ago leaves (2 s)", wait, ok)
	}
}

// Without a clock of its own the store reads the server's TIME: a burst takes n
// slots, and the next is a window away, whatever the callers' clocks say.
func TestReserveServerClock(t *testing.T) {
	rdb := client(t, []string{redistest.Start(t)})
	s := New(rdb, Options{Prefix: "t:"})
	ctx := context.Background()
	for range 5 {
		if _, ok, err := s.Reserve(ctx, "w", 5, time.Minute, 0, nil); !ok || err != nil {
			t.Fatalf("within n: %v, %v", ok, err)
		}
	}
	wait, ok, err := s.Reserve(ctx, "w", 5, time.Minute, time.Second, nil)
	if err != nil || ok || wait < 55*time.Second || wait > time.Minute {
		t.Fatalf("past n: %v, %v, %v; want a refusal about a minute away", wait, ok, err)
	}
	if n, _ := rdb.ZCard(ctx, "t:w").Result(); n != 5 {
		t.Fatalf("%d slots kept, want 5 (a refusal counts nothing)", n)
	}
}

// A Redis that is gone is an error, quickly, never a reservation.
func TestReserveRedisDown(t *testing.T) {
	srv := redistest.StartServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	srv.Stop()
	s := New(rdb, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, ok, err := s.Reserve(ctx, "w", 1, time.Second, 0, nil)
	if err == nil || ok || !strings.Contains(err.Error(), "ratewindow") {
		t.Fatalf("Redis down: %v, %v", ok, err)
	}
	if _, _, err := s.Reserve(ctx, "w", 0, time.Second, 0, nil); err == nil {
		t.Fatal("a window of 0 slots was accepted")
	}
}
