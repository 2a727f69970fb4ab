package authn

import (
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit/nettest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// TestWatcherNoticesDeadSubscription: on a connection that died without a FIN, the
// idle PING is written but never answered; the watcher must count that as a lost
// subscription (purge the cache, start a new connection) within about two idle
// periods, or it would miss every revocation until the kernel gives up on the
// connection, minutes later.
func TestWatcherNoticesDeadSubscription(t *testing.T) {
	addr := redistest.Start(t)
	proxy := nettest.StartProxy(t, addr) // closed after the watcher stops (cleanups are LIFO)

	fv := newFakeValidator()
	key := testKey(7)
	fv.add(key, &Principal{KeyID: "k"})
	c := NewCache(fv, CacheOptions{TTL: time.Hour})
	ev := watch(t, redistest.Client(t, proxy.Addr()), c)
	ctx := testCtx(t)
	if _, err := c.Validate(ctx, key, CallInfo{}); err != nil {
		t.Fatal(err)
	}

	proxy.Freeze()
	// The key is revoked while the watcher's connection is dead.
	if err := PublishRevocation(ctx, redistest.Client(t, addr), HashToken(key)); err != nil {
		t.Fatal(err)
	}

	// A working liveness check notices within about two idle periods (5 s each).
	deadline := time.After(3*watchIdle + 2*time.Second)
	for {
		select {
		case m := <-ev.ch:
			if m == msgLost {
				return // detected: the fixed behaviour
			}
		case <-deadline:
			if waitGone(c, key, 10*time.Millisecond) {
				return
			}
			t.Fatalf("%v after the subscription went dead the watcher still believes it is healthy: "+
				"the revoked key is still cached and no purge/resubscribe happened", 3*watchIdle+2*time.Second)
		}
	}
}
