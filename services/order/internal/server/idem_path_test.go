package server

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// TestRetryGetsTheFirstOrderAfterTheChecksTurned: a retry that today's checks would
// refuse (the hours window closed since) still gets the first attempt's order.
func TestRetryGetsTheFirstOrderAfterTheChecksTurned(t *testing.T) {
	e := newEnv(t)
	ctx := withIdem(ctxFor("k-turn", &gatewayv1.KeyLimits{HoursWindow: proto.String("09:30-10:30"), MaxOrdersPerMinute: i32(5)}), "turn")
	first, err := e.srv.PlaceOrder(ctx, limitOrder())
	if err != nil {
		t.Fatal(err)
	}
	later := e.now.Load().Add(time.Hour) // 11:00 in Hong Kong
	e.now.Store(&later)
	again, err := e.srv.PlaceOrder(ctx, limitOrder())
	if err != nil || again.GetOrderId() != first.GetOrderId() {
		t.Fatalf("retry: %v %v, want order %s", again, err, first.GetOrderId())
	}
	// A new key is refused by the window, and nothing is placed.
	if _, err := e.srv.PlaceOrder(withIdem(ctxFor("k-turn", &gatewayv1.KeyLimits{HoursWindow: proto.String("09:30-10:30")}), "new"), limitOrder()); errinfo.Reason(err) != gatewayv1.Reason_REASON_OUTSIDE_HOURS_WINDOW {
		t.Fatalf("new key after the window: %v", err)
	}
	if n := e.orderCount(t, 1001, 1); n != 1 {
		t.Fatalf("simulator has %d orders, want 1", n)
	}
}

// TestKeyedAttemptsRespectPerMinuteLimit: 500 concurrent orders, each with its own
// Idempotency-Key, on a key allowing 10 per minute: exactly 10 placed, and the
// refused ones leave no idempotency record behind.
func TestKeyedAttemptsRespectPerMinuteLimit(t *testing.T) {
	e := newEnv(t)
	base := ctxFor("k-keyed", &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(10), MaxDailyValue: f64(1e9)})
	var placed, limited atomic.Int64
	var wg sync.WaitGroup
	for i := range 500 {
		wg.Go(func() {
			_, err := e.srv.PlaceOrder(withIdem(base, fmt.Sprint("burst-", i)), limitOrder())
			switch {
			case err == nil:
				placed.Add(1)
			case errinfo.Reason(err) == gatewayv1.Reason_REASON_MAX_ORDERS_PER_MINUTE:
				limited.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	wg.Wait()
	if placed.Load() != 10 || limited.Load() != 490 {
		t.Fatalf("placed %d, limited %d", placed.Load(), limited.Load())
	}
	if n := e.orderCount(t, 1001, 1); n != 10 {
		t.Fatalf("simulator has %d orders, want 10", n)
	}
	records, _ := e.rdb.Keys(context.Background(), "futugw:{k-keyed}:idem:*").Result()
	if n, v, _ := e.counter.Usage(context.Background(), "k-keyed", *e.now.Load()); len(records) != 10 || n != 10 || v != 100000 {
		t.Fatalf("%d idempotency records, %d attempts, %v value; want 10, 10, 100000", len(records), n, v)
	}
}

// TestKeyedOrderTakesTwoScripts: with an Idempotency-Key, the claim and the counted
// limits are one script, and the result a second, both run by the answer; without a
// key, one script.
func TestKeyedOrderTakesTwoScripts(t *testing.T) {
	e := newEnv(t)
	var scripts atomic.Int64
	e.rdb.AddHook(scriptCounter{&scripts})
	limited := ctxFor("k-rt", &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(100), MaxDailyValue: f64(1e9)})
	for i, tt := range []struct {
		ctx  context.Context
		want int64
	}{
		{withIdem(limited, "warm"), 2}, // the first of each kind loads its scripts
		{limited, 1},
		{withIdem(limited, "rt"), 2},
		{limited, 1},
	} {
		scripts.Store(0)
		if _, err := e.srv.PlaceOrder(tt.ctx, limitOrder()); err != nil {
			t.Fatal(err)
		}
		if i > 1 && scripts.Load() != tt.want {
			t.Fatalf("case %d: %d script round trips, want %d", i, scripts.Load(), tt.want)
		}
	}
}

// scriptCounter counts the Lua scripts a client runs.
type scriptCounter struct{ n *atomic.Int64 }

func (scriptCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c scriptCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if strings.HasPrefix(cmd.Name(), "eval") {
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (scriptCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestResultRecordedBeforeTheAnswer: a placed order's idempotency record says done
// before its answer leaves: the answer waits for that write, and a retry right after
// the answer replays the record.
func TestResultRecordedBeforeTheAnswer(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	e.rdb.AddHook(holdResult{release})
	ctx := withIdem(ctxFor("k-durable", nil), "durable")
	answered := make(chan *gatewayv1.PlaceOrderResponse, 1)
	go func() {
		resp, err := e.srv.PlaceOrder(ctx, limitOrder())
		if err != nil {
			t.Error(err)
		}
		answered <- resp
	}()
	select {
	case resp := <-answered:
		close(release)
		t.Fatalf("order %s answered before its result was recorded", resp.GetOrderId())
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	first := <-answered
	state, err := e.rdb.HGet(context.Background(), recordKeyForTest("k-durable", "durable"), "state").Result()
	if err != nil || state != idem.StateDone {
		t.Fatalf("record state %q (%v) after the answer, want %s", state, err, idem.StateDone)
	}
	again, err := e.srv.PlaceOrder(ctx, limitOrder())
	if err != nil || again.GetOrderId() != first.GetOrderId() {
		t.Fatalf("retry: %v %v, want order %s", again, err, first.GetOrderId())
	}
	if n := e.orderCount(t, 1001, 1); n != 1 {
		t.Fatalf("simulator has %d orders, want 1", n)
	}
}

// holdResult holds every "done" write of an idempotency record until release closes.
type holdResult struct{ release chan struct{} }

func (holdResult) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h holdResult) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		// EVALSHA sha numkeys key attempt op ...: the finish script's op is "done".
		if a := cmd.Args(); strings.HasPrefix(cmd.Name(), "eval") && len(a) > 5 && a[5] == "done" {
			<-h.release
		}
		return next(ctx, cmd)
	}
}

func (holdResult) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestUnacknowledgedClaimIsFreed: when the claim-and-limits script is written but not
// acknowledged by the replicas required, the order is refused as unavailable, nothing
// is placed, and the key is free for the retry at once.
func TestUnacknowledgedClaimIsFreed(t *testing.T) {
	e := newEnv(t)
	// One replica must acknowledge every write, and none exists.
	srv := New(Deps{Placer: e.placer, Counter: limits.NewCounter(e.rdb, limits.Options{MinReplicas: 1, ReplicaTimeout: 20 * time.Millisecond}),
		Idem: idem.New(e.rdb, idem.Options{MinReplicas: 1, ReplicaTimeout: 20 * time.Millisecond}), Quoter: SnapshotQuoter{P: e.placer}, Hub: e.hub, Now: func() time.Time { return *e.now.Load() }})
	ctx := withIdem(ctxFor("k-unacked", &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(5)}), "unacked")
	_, err := srv.PlaceOrder(ctx, limitOrder())
	if errinfo.Reason(err) != gatewayv1.Reason_REASON_REDIS_UNAVAILABLE {
		t.Fatalf("err = %v, want %s", err, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE)
	}
	if keys, _ := e.rdb.Keys(context.Background(), "futugw:{k-unacked}:idem:*").Result(); len(keys) != 0 {
		t.Fatalf("idempotency record left: %v", keys)
	}
	if n := e.orderCount(t, 1001, 1); n != 0 {
		t.Fatalf("simulator has %d orders, want 0", n)
	}
}

// TestWaitOutlastingTheCallIsATimeout: a retry waiting for a pending first attempt
// past its own deadline gets a deadline error, not "Redis unavailable".
func TestWaitOutlastingTheCallIsATimeout(t *testing.T) {
	e := newEnv(t)
	req := limitOrder()
	if _, err := e.srv.d.Idem.Claim(context.Background(), idem.Attempt{KeyID: "k-waits", Key: "waits", BodyHash: bodyHash(req), ID: "first-attempt"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(withIdem(ctxFor("k-waits", nil), "waits"), 100*time.Millisecond)
	defer cancel()
	_, err := e.srv.PlaceOrder(ctx, req)
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("err = %v (reason %q), want DeadlineExceeded", err, errinfo.Reason(err))
	}
}

// countingQuoter has no quote and counts the asks.
type countingQuoter struct{ asks atomic.Int32 }

func (q *countingQuoter) Price(context.Context, string, int32, string) (float64, bool, error) {
	q.asks.Add(1)
	return 0, false, nil
}

// TestRefusedKeyedOrderChecksOnce: a keyed order the checks refuse claims the key (a
// retry's earlier result would win) and answers with that refusal, without running
// the checks a second time: here one quote lookup, not two.
func TestRefusedKeyedOrderChecksOnce(t *testing.T) {
	e := newEnv(t)
	q := &countingQuoter{}
	srv := New(Deps{Placer: e.placer, Counter: e.counter, Idem: e.srv.d.Idem, Quoter: q, Hub: e.hub,
		HoursTZ: time.UTC, Now: func() time.Time { return *e.now.Load() }, Logger: slog.New(slog.DiscardHandler)})
	req := limitOrder()
	req.OrderType, req.Price = gatewayv1.OrderType_ORDER_TYPE_MARKET, 0
	_, err := srv.PlaceOrder(withIdem(ctxFor("k-once", &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(5)}), "once"), req)
	if errinfo.Reason(err) != gatewayv1.Reason_REASON_NO_QUOTE || q.asks.Load() != 1 {
		t.Fatalf("err %v, %d quote lookups; want %s after one", err, q.asks.Load(), gatewayv1.Reason_REASON_NO_QUOTE)
	}
	if keys, _ := e.rdb.Keys(context.Background(), "futugw:{k-once}:idem:*").Result(); len(keys) != 0 {
		t.Fatalf("idempotency record left: %v", keys)
	}
}
