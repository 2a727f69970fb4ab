package drills

import (
	"syscall"
	"testing"
	"time"

	"github.com/futugw/gateway/drills/internal/stack"
	"github.com/futugw/gateway/platform/testkit"
)

// TestOpenDDown: opend-sim is killed and later runs again on the same port. Open sockets
// hear opend_disconnected then opend_reconnected, orders meanwhile fail fast with 503,
// and afterwards the quote service restores the subscriptions by itself (the drill
// does not subscribe again), quotes resume and orders work.
func TestOpenDDown(t *testing.T) {
	s := stack.Start(t)
	e := s.StartEdge("")
	key := s.IssueKey("opend-drill", "qot:read", "acc:read", "trade:simulate")

	if code, b := stack.Call(t, "POST", e.Base+"/api/subscribe", key, stack.SubscribeBody); code != 200 {
		t.Fatalf("subscribe: %d %v", code, b)
	}
	ws := stack.MustDial(t, wsURL(e.Base), key, "")
	if _, ok := ws.WaitFrame(0, 20*time.Second, stack.IsQuote("HK.00700")); !ok {
		t.Fatalf("no quote before the outage; frames %v", ws.Frames())
	}
	if code, b := stack.Call(t, "POST", e.Base+"/api/order", key, stack.OrderBody, "Idempotency-Key", "opend-1"); code != 200 {
		t.Fatalf("order before the outage: %d %v", code, b)
	}

	mark := ws.Mark()
	s.Sim.Signal(syscall.SIGKILL)
	s.Sim.Wait()
	if _, ok := ws.WaitFrame(mark, 20*time.Second, stack.IsNotify("opend_disconnected")); !ok {
		t.Fatalf("no opend_disconnected notify; frames %v", ws.Frames()[mark:])
	}

	start := time.Now()
	code, b := stack.Call(t, "POST", e.Base+"/api/order", key, stack.OrderBody, "Idempotency-Key", "opend-2")
	if code != 503 {
		t.Errorf("order while OpenD is down: %d %v, want 503", code, b)
	}
	errorBody(t, "order", b)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("order refusal took %v, want a quick 503", d)
	}
	t.Logf("while OpenD is down: order -> %d %v in %v", code, b, time.Since(start))

	mark = ws.Mark()
	s.StartSim()
	if _, ok := ws.WaitFrame(mark, 30*time.Second, stack.IsNotify("opend_reconnected")); !ok {
		t.Fatalf("no opend_reconnected notify; frames %v", ws.Frames()[mark:])
	}
	if _, ok := ws.WaitFrame(mark, 30*time.Second, stack.IsQuote("HK.00700")); !ok {
		t.Fatalf("quotes did not resume (subscriptions not restored); frames %v\nquote log:\n%s",
			ws.Frames()[mark:], s.Quote.Output())
	}
	if !testkit.Within(30*time.Second, func() bool {
		code, b = stack.Call(t, "POST", e.Base+"/api/order", key, stack.OrderBody, "Idempotency-Key", "opend-3")
		return code == 200
	}) {
		t.Fatalf("orders did not recover after OpenD came back: %d %v", code, b)
	}
}
