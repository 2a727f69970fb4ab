package authn

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCacheHitsWithinTTL(t *testing.T) {
	fv, clk := newFakeValidator(), newFakeClock()
	key := testKey(1)
	fv.add(key, &Principal{KeyID: "k1", Scopes: []string{keypolicy.ScopeQotRead}})
	c := NewCache(fv, CacheOptions{TTL: 10 * time.Second, Now: clk.Now})
	ctx := context.Background()

	for i := range 3 {
		p, err := c.Validate(ctx, key, CallInfo{})
		if err != nil || p.KeyID != "k1" {
			t.Fatalf("call %d: %v, %v", i, p, err)
		}
	}
	if n := fv.calls.Load(); n != 1 {
		t.Fatalf("validator called %d times, want 1", n)
	}
	p, _ := c.Validate(ctx, key, CallInfo{})
	if p.TokenHash != HashToken(key) {
		t.Fatalf("TokenHash = %q, want the key's hash", p.TokenHash)
	}

	clk.Advance(9 * time.Second)
	_, _ = c.Validate(ctx, key, CallInfo{})
	if n := fv.calls.Load(); n != 1 {
		t.Fatalf("validator called %d times before TTL, want 1", n)
	}
	clk.Advance(time.Second)
	_, _ = c.Validate(ctx, key, CallInfo{})
	if n := fv.calls.Load(); n != 2 {
		t.Fatalf("validator called %d times after TTL, want 2", n)
	}
}

func TestCacheNeverOutlivesExpiresAt(t *testing.T) {
	fv, clk := newFakeValidator(), newFakeClock()
	key := testKey(2)
	fv.add(key, &Principal{KeyID: "k2", ExpiresAt: clk.Now().Add(3 * time.Second)})
	c := NewCache(fv, CacheOptions{TTL: time.Minute, Now: clk.Now})
	ctx := context.Background()
	if _, err := c.Validate(ctx, key, CallInfo{}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Second)
	_, _ = c.Validate(ctx, key, CallInfo{})
	if n := fv.calls.Load(); n != 1 {
		t.Fatalf("calls = %d before expiry, want 1", n)
	}
	clk.Advance(time.Second) // exactly at ExpiresAt: must ask again
	fv.remove(key)
	if _, err := c.Validate(ctx, key, CallInfo{}); errinfo.Reason(err) != gatewayv1.Reason_REASON_INVALID_KEY {
		t.Fatalf("after ExpiresAt: err = %v, want the validator's verdict", err)
	}
	if n := fv.calls.Load(); n != 2 {
		t.Fatalf("calls = %d after expiry, want 2", n)
	}
}

func TestCacheDoesNotCacheFailures(t *testing.T) {
	fv := newFakeValidator()
	c := NewCache(fv, CacheOptions{})
	key := testKey(3)
	for range 3 {
		if _, err := c.Validate(context.Background(), key, CallInfo{}); errinfo.Reason(err) != gatewayv1.Reason_REASON_INVALID_KEY {
			t.Fatalf("err = %v", err)
		}
	}
	if n := fv.calls.Load(); n != 3 {
		t.Fatalf("calls = %d, want 3", n)
	}
	if c.Len() != 0 {
		t.Fatalf("Len = %d after failures", c.Len())
	}
}

func TestCacheInvalidateAndPurge(t *testing.T) {
	fv := newFakeValidator()
	c := NewCache(fv, CacheOptions{})
	ctx := context.Background()
	a, b := testKey(4), testKey(5)
	fv.add(a, &Principal{KeyID: "a"})
	fv.add(b, &Principal{KeyID: "b"})
	_, _ = c.Validate(ctx, a, CallInfo{})
	_, _ = c.Validate(ctx, b, CallInfo{})
	if c.Len() != 2 {
		t.Fatalf("Len = %d, want 2", c.Len())
	}
	c.Invalidate("not-a-hash") // ignored
	c.Invalidate(HashToken(a))
	if c.Len() != 1 {
		t.Fatalf("Len = %d after Invalidate, want 1", c.Len())
	}
	fv.remove(a) // revoked upstream: the next call must see it
	if _, err := c.Validate(ctx, a, CallInfo{}); err == nil {
		t.Fatal("revoked key still validates")
	}
	c.Purge()
	if c.Len() != 0 {
		t.Fatalf("Len = %d after Purge", c.Len())
	}
}

func TestCacheRevocationDuringValidationWins(t *testing.T) {
	fv := newFakeValidator()
	fv.block, fv.entered = make(chan struct{}), make(chan struct{})
	key := testKey(6)
	fv.add(key, &Principal{KeyID: "k6"})
	c := NewCache(fv, CacheOptions{})

	done := make(chan error)
	go func() {
		_, err := c.Validate(context.Background(), key, CallInfo{})
		done <- err
	}()
	<-fv.entered                 // the validation is in flight with the old answer
	c.Invalidate(HashToken(key)) // revocation arrives meanwhile
	close(fv.block)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c.Len() != 0 {
		t.Fatal("an answer older than the revocation was cached")
	}
}

func TestCacheBounded(t *testing.T) {
	fv := newFakeValidator()
	const max = 16
	reg := prometheus.NewRegistry()
	c := NewCache(fv, CacheOptions{MaxEntries: max, Metrics: reg})
	ctx := context.Background()
	for i := range 100 {
		k := testKey(byte(i))
		fv.add(k, &Principal{KeyID: fmt.Sprint(i)})
		if _, err := c.Validate(ctx, k, CallInfo{}); err != nil {
			t.Fatal(err)
		}
		if c.Len() > max {
			t.Fatalf("Len = %d > %d", c.Len(), max)
		}
	}
	if got := testutil.ToFloat64(c.evictions); got != 100-max {
		t.Fatalf("evictions = %v, want %d", got, 100-max)
	}
	if got := testutil.ToFloat64(c.misses); got != 100 {
		t.Fatalf("misses = %v", got)
	}
	// A second cache on the same registry shares the counters instead of failing.
	_ = NewCache(fv, CacheOptions{Metrics: reg})
}

func TestCacheEvictsExpiredFirst(t *testing.T) {
	fv, clk := newFakeValidator(), newFakeClock()
	c := NewCache(fv, CacheOptions{MaxEntries: 2, TTL: time.Minute, Now: clk.Now})
	ctx := context.Background()
	old, live, fresh := testKey(10), testKey(11), testKey(12)
	fv.add(old, &Principal{KeyID: "old", ExpiresAt: clk.Now().Add(time.Second)})
	fv.add(live, &Principal{KeyID: "live"})
	fv.add(fresh, &Principal{KeyID: "fresh"})
	_, _ = c.Validate(ctx, old, CallInfo{})
	_, _ = c.Validate(ctx, live, CallInfo{})
	clk.Advance(2 * time.Second)
	_, _ = c.Validate(ctx, fresh, CallInfo{})
	calls := fv.calls.Load()
	_, _ = c.Validate(ctx, live, CallInfo{})
	if fv.calls.Load() != calls {
		t.Fatal("a live entry was evicted while an expired one was there")
	}
}

func TestCacheConcurrent(t *testing.T) {
	fv := newFakeValidator()
	c := NewCache(fv, CacheOptions{MaxEntries: 8})
	keys := make([]string, 20)
	for i := range keys {
		keys[i] = testKey(byte(i * 3))
		fv.add(keys[i], &Principal{KeyID: fmt.Sprint(i)})
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				k := keys[(g+i)%len(keys)]
				p, err := c.Validate(context.Background(), k, CallInfo{})
				if err != nil {
					t.Error(err)
					return
				}
				if p.TokenHash != HashToken(k) {
					t.Errorf("wrong principal for key %d", (g+i)%len(keys))
					return
				}
				switch i % 50 {
				case 7:
					c.Invalidate(HashToken(k))
				case 49:
					c.Purge()
				}
			}
		}()
	}
	wg.Wait()
	if c.Len() > 8 {
		t.Fatalf("Len = %d > 8", c.Len())
	}
}

func BenchmarkCacheHit(b *testing.B) {
	fv := newFakeValidator()
	key := testKey(1)
	fv.add(key, &Principal{KeyID: "k", Scopes: []string{keypolicy.ScopeQotRead}})
	c := NewCache(fv, CacheOptions{Metrics: prometheus.NewRegistry()})
	ctx := context.Background()
	if _, err := c.Validate(ctx, key, CallInfo{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Validate(ctx, key, CallInfo{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCacheHitParallel(b *testing.B) {
	fv := newFakeValidator()
	key := testKey(1)
	fv.add(key, &Principal{KeyID: "k"})
	c := NewCache(fv, CacheOptions{})
	ctx := context.Background()
	_, _ = c.Validate(ctx, key, CallInfo{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Validate(ctx, key, CallInfo{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
