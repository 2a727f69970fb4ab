package drills

import (
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/futugw/gateway/drills/internal/stack"
	"github.com/futugw/gateway/platform/testkit"
)

// cheapOrder is one lot of a cheap HK stock (about 9,000 HKD), so account 1001's
// simulated cash lasts for every order the drill places.
const cheapOrder = `{"trd_env":"TRD_ENV_SIMULATE","acc_id":"1001","trd_market":"TRD_MARKET_HK","code":"01810",` +
	`"trd_side":"TRD_SIDE_BUY","order_type":"ORDER_TYPE_MARKET","qty":200}`

// TestOrderSIGTERM: SIGTERM reaches the order service while clients keep placing
// orders. Every request gets an answer (200, or 503 once order stops listening; never
// a dropped connection or a timeout), no order id is handed out twice, order exits 0,
// and every accepted order is in the account's order list once order runs again.
func TestOrderSIGTERM(t *testing.T) {
	s := stack.Start(t)
	e := s.StartEdge("")
	key := s.IssueKey("sigterm-order-drill", "qot:read", "acc:read", "trade:simulate")
	if code, b := stack.Call(t, "POST", e.Base+"/api/order", key, stack.OrderBody, "Idempotency-Key", "warm"); code != 200 {
		t.Fatalf("warm-up order: %d %v", code, b)
	}

	type answer struct {
		code int
		id   string
		body map[string]any
	}
	const workers = 8
	var (
		mu       sync.Mutex
		answers  []answer
		wg       sync.WaitGroup
		stop     = make(chan struct{})
		accepted = make(chan struct{}, 1000)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				code, b := stack.Call(t, "POST", e.Base+"/api/order", key, cheapOrder,
					"Idempotency-Key", fmt.Sprintf("w%d-%d", w, i))
				id, _ := b["order_id"].(string)
				mu.Lock()
				answers = append(answers, answer{code, id, b})
				mu.Unlock()
				if code == 200 {
					select {
					case accepted <- struct{}{}:
					default:
					}
				} else if code == 503 {
					return // order is gone; this client stops like the panel would
				}
				time.Sleep(20 * time.Millisecond) // the point: each worker is a client placing orders at a steady pace
			}
		}()
	}
	for range 2 * workers { // orders are flowing
		select {
		case <-accepted:
		case <-time.After(30 * time.Second):
			t.Fatal("orders are not flowing")
		}
	}
	termAt := time.Now()
	s.Order.Signal(syscall.SIGTERM)
	if code := s.Order.Wait(); code != 0 {
		t.Errorf("order exited %d after SIGTERM; output:\n%s", code, s.Order.Output())
	}
	t.Logf("order stopped %v after SIGTERM", time.Since(termAt).Round(time.Millisecond))
	// The edge's trade push stream is ended before the graceful stop (a drainer), so
	// the stop waits only for in-flight orders and never has to be forced.
	if out := s.Order.Output(); strings.Contains(out, "grpc_force_stop") {
		t.Errorf("order's graceful stop was forced (a stream held it):\n%s", out)
	}
	close(stop)
	wg.Wait()

	ids := map[string]bool{"": true}
	var ok, refused int
	for _, a := range answers {
		switch a.code {
		case 200:
			ok++
			if ids[a.id] {
				t.Errorf("order id %q handed out twice or empty: %v", a.id, a.body)
			}
			ids[a.id] = true
		case 503:
			refused++
			errorBody(t, "order during shutdown", a.body)
		default:
			t.Errorf("order answered %d %v during shutdown; want 200 or 503", a.code, a.body)
		}
	}
	t.Logf("%d orders accepted, %d refused with 503 during the shutdown", ok, refused)

	s.StartOrder()
	var (
		code int
		b    map[string]any
	)
	// The edge's connection to order comes back on its own backoff.
	if !testkit.Within(30*time.Second, func() bool {
		code, b = stack.Call(t, "POST", e.Base+"/api/orders", key,
			`{"trd_env":"TRD_ENV_SIMULATE","acc_id":"1001","trd_market":"TRD_MARKET_HK"}`)
		return code == 200
	}) {
		t.Fatalf("list orders after restart: %d %v", code, b)
	}
	listed := map[string]bool{}
	list, _ := b["orders"].([]any)
	for _, o := range list {
		m, _ := o.(map[string]any)
		listed[fmt.Sprint(m["order_id"])] = true
	}
	for id := range ids {
		if id != "" && !listed[id] {
			t.Errorf("accepted order %s is not in the order list (%d listed)", id, len(listed))
		}
	}
}

// TestEdgeSIGTERM: SIGTERM to the edge closes open sockets with 1001 (going away)
// and the edge exits 0.
func TestEdgeSIGTERM(t *testing.T) {
	s := stack.Start(t)
	e := s.StartEdge("")
	key := s.IssueKey("sigterm-edge-drill", "qot:read")
	if code, b := stack.Call(t, "POST", e.Base+"/api/subscribe", key, stack.SubscribeBody); code != 200 {
		t.Fatalf("subscribe: %d %v", code, b)
	}
	var socks []*stack.Socket
	for range 3 {
		ws := stack.MustDial(t, wsURL(e.Base), key, "")
		if _, ok := ws.WaitFrame(0, 20*time.Second, stack.IsQuote("HK.00700")); !ok {
			t.Fatalf("no quote before SIGTERM; frames %v", ws.Frames())
		}
		socks = append(socks, ws)
	}
	e.Proc.Signal(syscall.SIGTERM)
	for i, ws := range socks {
		code, ok := ws.WaitClosed(15 * time.Second)
		if !ok || code != websocket.StatusGoingAway {
			t.Errorf("socket %d: closed=%v status=%v, want a 1001 close frame", i, ok, code)
		}
	}
	if code := e.Proc.Wait(); code != 0 {
		t.Errorf("edge exited %d after SIGTERM; output:\n%s", code, e.Proc.Output())
	}
}
