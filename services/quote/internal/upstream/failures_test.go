package upstream

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"github.com/futugw/gateway/platform/testkit/nettest"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// startSim serves an OpenD simulator on a loopback port until the test ends.
func startSim(t *testing.T, cfg sim.Config) string {
	_, addr := simtest.Start(t, cfg)
	return addr
}

func startUp(t *testing.T, addr string, onConnect func(context.Context, *Client) error) (*Client, chan bool) {
	t.Helper()
	states := make(chan bool, 16)
	c := Start(Config{Addr: addr, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		OnConnect: onConnect,
		OnState: func(up bool, _ error) {
			select {
			case states <- up:
			default:
			}
		}})
	t.Cleanup(func() { _ = c.Close() })
	return c, states
}

// TestTimedOutSubscribeIsReleased: a Qot_Sub that OpenD performs but answers after the
// caller's deadline (a slow OpenD, or the gRPC caller going away) counts as maybe
// subscribed: the registry keeps it unowned and releases it after the hold, so OpenD
// is not left holding a subscription, and a quota slot, that nobody accounts for.
func TestTimedOutSubscribeIsReleased(t *testing.T) {
	const hold = 100 * time.Millisecond
	addr := startSim(t, sim.Config{PushInterval: time.Hour, MinSubHold: hold})
	px := nettest.StartProxy(t, addr)
	c, states := startUp(t, px.Addr(), nil)
	select {
	case <-states:
	case <-time.After(10 * time.Second):
		t.Fatal("never connected")
	}
	reg := subs.New(subs.Options{Upstream: c, Hold: hold, RetryDelay: 50 * time.Millisecond})
	defer reg.Close()

	px.Hold()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	err := reg.Subscribe(ctx, "alice", []subs.Pair{{Sec: subs.Security{Market: 1, Code: "00700"}, SubType: 1}})
	cancel()
	px.Release()
	if err == nil {
		t.Fatal("subscribe succeeded despite the held-back answer")
	}
	t.Logf("subscribe failed as expected: %v", err)

	// Long past the hold and any retry: the registry has nothing to release...
	time.Sleep(10 * hold) // the point: no event says a release will not come
	if up := reg.Upstream(); len(up) != 0 {
		t.Logf("registry upstream: %v", up)
	}
	used, _, err := c.SubInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	regUsed, _ := reg.Quota()
	// ...but OpenD still holds the subscription nobody wants.
	if used != regUsed {
		t.Fatalf("OpenD holds %d subscription(s), the registry knows of %d: the timed-out Qot_Sub leaked an "+
			"OpenD subscription that is never released", used, regUsed)
	}
}

// TestRestoreDropsPairsOpenDRefuses: sessions loaded from Redis are only
// format-checked; a pair OpenD refuses (a security it does not know: delisted, or
// another OpenD) is dropped from its session on connect, and the connection and every
// other pair stay. (It used to fail Restore as a whole, and with it every reconnect.)
func TestRestoreDropsPairsOpenDRefuses(t *testing.T) {
	addr := startSim(t, sim.Config{PushInterval: time.Hour})
	good := subs.Pair{Sec: subs.Security{Market: 1, Code: "00700"}, SubType: 1}
	bad := subs.Pair{Sec: subs.Security{Market: 1, Code: "99999"}, SubType: 1} // well-formed, unknown to OpenD
	// As in app: the registry reaches OpenD through the client set at connect.
	var cl *Client
	var mu sync.Mutex
	reg2 := subs.New(subs.Options{Upstream: lazyClient{get: func() *Client { mu.Lock(); defer mu.Unlock(); return cl }}})
	defer reg2.Close()
	_ = reg2.Load("alice", []subs.Pair{good})
	_ = reg2.Load("zed", []subs.Pair{bad})
	c2, states2 := startUp(t, addr, func(ctx context.Context, c *Client) error {
		mu.Lock()
		cl = c
		mu.Unlock()
		return reg2.Restore(ctx)
	})
	select {
	case up := <-states2:
		if up {
			if got := reg2.Upstream(); len(got) != 1 || got[0] != good {
				t.Fatalf("subscribed upstream: %v, want only %s", got, good)
			}
			if len(reg2.Session("zed")) != 0 || len(reg2.Session("alice")) != 1 {
				t.Fatalf("sessions after restore: zed %v, alice %v", reg2.Session("zed"), reg2.Session("alice"))
			}
			return
		}
	case <-time.After(3 * time.Second):
	}
	t.Fatalf("quote never connected to OpenD in 3s (Connected=%v): one saved pair OpenD refuses "+
		"(%s) makes every Restore fail, so alice's %s is never subscribed either", c2.Connected(), bad, good)
}

type lazyClient struct{ get func() *Client }

func (l lazyClient) Subscribe(ctx context.Context, ps []subs.Pair) ([]subs.Pair, error) {
	if c := l.get(); c != nil {
		return c.Subscribe(ctx, ps)
	}
	return nil, ErrUnavailable
}

func (l lazyClient) Unsubscribe(ctx context.Context, ps []subs.Pair) error {
	if c := l.get(); c != nil {
		return c.Unsubscribe(ctx, ps)
	}
	return ErrUnavailable
}
