package authn

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/redis/go-redis/v9"
)

// logEvents is a slog.Handler that forwards record messages to a channel, so tests
// wait for events instead of sleeping.
type logEvents struct{ ch chan string }

func newLogEvents() *logEvents { return &logEvents{ch: make(chan string, 256)} }

func (l *logEvents) Enabled(context.Context, slog.Level) bool { return true }
func (l *logEvents) Handle(_ context.Context, r slog.Record) error {
	select {
	case l.ch <- r.Message:
	default:
	}
	return nil
}
func (l *logEvents) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logEvents) WithGroup(string) slog.Handler      { return l }

// waitFor consumes log messages until one equals msg.
func (l *logEvents) waitFor(t *testing.T, msg string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m := <-l.ch:
			if m == msg {
				return
			}
		case <-timeout:
			t.Fatalf("timed out waiting for log %q", msg)
		}
	}
}

const (
	msgSubscribed = "revocations subscribed; cache purged"
	msgLost       = "revocation subscription lost; cache purged, reconnecting"
)

// watch runs WatchRevocations until the test ends.
func watch(t *testing.T, rdb redis.UniversalClient, c *Cache) *logEvents {
	t.Helper()
	ev := newLogEvents()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := WatchRevocations(ctx, rdb, c, slog.New(ev)); err != nil {
			t.Errorf("WatchRevocations: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	ev.waitFor(t, msgSubscribed)
	return ev
}

// waitGone polls until c no longer holds key or the deadline passes.
func waitGone(c *Cache, key string, within time.Duration) bool {
	k := tokenKey(key)
	return testkit.Within(within, func() bool {
		c.mu.RLock()
		defer c.mu.RUnlock()
		_, ok := c.entries[k]
		return !ok
	})
}

func TestRevocationReachesEveryCacheWithinOneSecond(t *testing.T) {
	addr := redistest.Start(t)
	fv := newFakeValidator()
	revoked, kept := testKey(1), testKey(2)
	fv.add(revoked, &Principal{KeyID: "revoked"})
	fv.add(kept, &Principal{KeyID: "kept"})

	// Two caches with their own Redis connections stand for two validating processes.
	caches := []*Cache{NewCache(fv, CacheOptions{TTL: time.Hour}), NewCache(fv, CacheOptions{TTL: time.Hour})}
	ctx := testCtx(t)
	for _, c := range caches {
		watch(t, redistest.Client(t, addr), c)
		for _, k := range []string{revoked, kept} {
			if _, err := c.Validate(ctx, k, CallInfo{}); err != nil {
				t.Fatal(err)
			}
		}
	}

	if err := PublishRevocation(ctx, redistest.Client(t, addr), HashToken(revoked)); err != nil {
		t.Fatal(err)
	}
	for i, c := range caches {
		// The requirement: a revoked key is refused everywhere within 1 s.
		if !waitGone(c, revoked, time.Second) {
			t.Fatalf("cache %d still holds the revoked key after 1s", i)
		}
		if c.Len() != 1 {
			t.Fatalf("cache %d: Len = %d, want only the kept key", i, c.Len())
		}
	}
}

func TestWatchRevocationsPurgesOnResubscribe(t *testing.T) {
	srv := redistest.StartServer(t)
	rdb := redistest.Client(t, srv.Addr())
	fv := newFakeValidator()
	key, later := testKey(3), testKey(4)
	fv.add(key, &Principal{KeyID: "k"})
	fv.add(later, &Principal{KeyID: "later"})
	c := NewCache(fv, CacheOptions{TTL: time.Hour})
	ev := watch(t, rdb, c)
	ctx := testCtx(t)

	if _, err := c.Validate(ctx, key, CallInfo{}); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	ev.waitFor(t, msgLost)
	if c.Len() != 0 {
		t.Fatalf("Len = %d after the subscription was lost, want 0", c.Len())
	}

	// Cached while deaf to revocations: must not survive the resubscription.
	if _, err := c.Validate(ctx, later, CallInfo{}); err != nil {
		t.Fatal(err)
	}
	if c.Len() != 1 {
		t.Fatalf("Len = %d, want 1", c.Len())
	}
	srv.Restart()
	ev.waitFor(t, msgSubscribed)
	if c.Len() != 0 {
		t.Fatalf("Len = %d after resubscribing, want 0", c.Len())
	}

	// And revocations flow again.
	if _, err := c.Validate(ctx, key, CallInfo{}); err != nil {
		t.Fatal(err)
	}
	if err := PublishRevocation(ctx, rdb, HashToken(key)); err != nil {
		// the client's pool may hold a connection from before the restart; retry once
		if err = PublishRevocation(ctx, rdb, HashToken(key)); err != nil {
			t.Fatal(err)
		}
	}
	if !waitGone(c, key, 5*time.Second) {
		t.Fatal("revocation after reconnect not applied")
	}
}

func TestWatchRevocationsReturnsOnCancel(t *testing.T) {
	addr := redistest.Start(t)
	c := NewCache(newFakeValidator(), CacheOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ev := newLogEvents()
	go func() { done <- WatchRevocations(ctx, redistest.Client(t, addr), c, slog.New(ev)) }()
	ev.waitFor(t, msgSubscribed)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WatchRevocations did not return after cancel")
	}
}

func TestWatchRevocationsStartsBeforeRedis(t *testing.T) {
	srv := redistest.StartServer(t)
	srv.Stop()
	c := NewCache(newFakeValidator(), CacheOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ev := newLogEvents()
	done := make(chan error, 1)
	go func() { done <- WatchRevocations(ctx, redistest.Client(t, srv.Addr()), c, slog.New(ev)) }()
	srv.Restart()
	ev.waitFor(t, msgSubscribed)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestWatchRevocationsOnRevoked(t *testing.T) {
	addr := redistest.Start(t)
	c := NewCache(newFakeValidator(), CacheOptions{})
	got := make(chan string, 1)
	ev := newLogEvents()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := WatchRevocations(ctx, redistest.Client(t, addr), c, slog.New(ev),
			OnRevoked(func(h string) { got <- h })); err != nil {
			t.Errorf("WatchRevocations: %v", err)
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	ev.waitFor(t, msgSubscribed)

	hash := HashToken(testKey(1))
	// Published in uppercase, reported normalised.
	if err := PublishRevocation(testCtx(t), redistest.Client(t, addr), strings.ToUpper(hash)); err != nil {
		t.Fatal(err)
	}
	select {
	case h := <-got:
		if h != hash {
			t.Fatalf("OnRevoked got %q, want %q", h, hash)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("OnRevoked was not called")
	}
}
