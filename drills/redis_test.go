package drills

import (
	"testing"
	"time"

	"github.com/futugw/gateway/drills/internal/stack"
	"github.com/futugw/gateway/platform/testkit"
)

// TestRedisDown: with Redis gone, auth (an uncached key) and order fail closed with
// 503 and a readable JSON error through the edge, while quotes keep flowing on an
// open socket; when Redis comes back (with its data, as a persistent Redis would)
// everything works again without restarting any service.
func TestRedisDown(t *testing.T) {
	s := stack.Start(t)
	e := s.StartEdge("")
	key := s.IssueKey("redis-drill", "qot:read", "acc:read", "trade:simulate")
	uncached := s.IssueKey("redis-drill-uncached", "qot:read") // never used before the outage

	if code, b := stack.Call(t, "POST", e.Base+"/api/subscribe", key, stack.SubscribeBody); code != 200 {
		t.Fatalf("subscribe: %d %v", code, b)
	}
	ws := stack.MustDial(t, wsURL(e.Base), key, "")
	if _, ok := ws.WaitFrame(0, 20*time.Second, stack.IsQuote("HK.00700")); !ok {
		t.Fatalf("no quote before the outage; frames %v", ws.Frames())
	}
	if code, b := stack.Call(t, "POST", e.Base+"/api/order", key, stack.OrderBody, "Idempotency-Key", "redis-1"); code != 200 {
		t.Fatalf("order before the outage: %d %v", code, b)
	}

	snap := stack.SnapshotRedis(t, s.Redis.Addr())
	s.Redis.Stop()

	start := time.Now()
	code, b := stack.Call(t, "GET", e.Base+"/api/auth/whoami", uncached, "")
	if code != 503 {
		t.Errorf("whoami with an uncached key while Redis is down: %d %v, want 503", code, b)
	}
	errorBody(t, "whoami", b)
	code, b = stack.Call(t, "POST", e.Base+"/api/order", key, stack.OrderBody, "Idempotency-Key", "redis-2")
	if code != 503 {
		t.Errorf("order while Redis is down: %d %v, want 503", code, b)
	}
	errorBody(t, "order", b)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("failing closed took %v", d)
	}
	t.Logf("while Redis is down: order -> %d %v", code, b)

	// Quotes keep flowing on the open socket for a while.
	for i := range 3 {
		mark := ws.Mark()
		if _, ok := ws.WaitFrame(mark, 5*time.Second, stack.IsQuote("HK.00700")); !ok {
			t.Fatalf("quotes stopped during the Redis outage (round %d); frames %v", i, ws.Frames()[mark:])
		}
		time.Sleep(500 * time.Millisecond) // the point: the rounds span a stretch of the outage, not one instant
	}

	s.Redis.Restart()
	snap.Restore(t, s.Redis.Addr())

	if !testkit.Within(30*time.Second, func() bool {
		code, b = stack.Call(t, "GET", e.Base+"/api/auth/whoami", uncached, "")
		return code == 200
	}) {
		t.Fatalf("whoami did not recover after Redis came back: %d %v", code, b)
	}
	if !testkit.Within(30*time.Second, func() bool {
		code, b = stack.Call(t, "POST", e.Base+"/api/order", key, stack.OrderBody, "Idempotency-Key", "redis-3")
		return code == 200
	}) {
		t.Fatalf("orders did not recover after Redis came back: %d %v", code, b)
	}
	mark := ws.Mark()
	if _, ok := ws.WaitFrame(mark, 10*time.Second, stack.IsQuote("HK.00700")); !ok {
		t.Fatal("no quotes after Redis came back")
	}
	ws2 := stack.MustDial(t, wsURL(e.Base), uncached, "")
	_ = ws2
}
