package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/placer"
	"github.com/futugw/gateway/services/order/internal/tradefanout"
)

// TestPendingTakeoverKeepsItsChecks: an owner vanished while its record was pending
// (it may never have run the checks). A retry takes over while OpenD's order list
// cannot be read: the record must stay pending, not become "unknown", which would let
// the retry after it place without any check (here an order worth 10,000 on a key
// whose max_order_value is 500).
func TestPendingTakeoverKeepsItsChecks(t *testing.T) {
	e := newEnv(t)
	store := idem.New(e.rdb, idem.Options{Lease: 50 * time.Millisecond, Wait: 2 * time.Second})
	lim := &gatewayv1.KeyLimits{MaxOrderValue: f64(500), MaxOrdersPerMinute: i32(5), MaxDailyValue: f64(1000)}
	ctx := withIdem(ctxFor("k-skip", lim), "skip")
	req := limitOrder() // worth 10,000

	up := New(Deps{Placer: e.placer, Counter: e.counter, Idem: store, Quoter: SnapshotQuoter{P: e.placer}, Hub: e.hub,
		HoursTZ: time.UTC, Now: func() time.Time { return *e.now.Load() }, Logger: slog.New(slog.DiscardHandler)})
	// Sanity: the order is refused on its own.
	if _, err := up.PlaceOrder(withIdem(ctxFor("k-skip", lim), "sanity"), req); errinfo.Reason(err) != gatewayv1.Reason_REASON_MAX_ORDER_VALUE {
		t.Fatalf("sanity: %v", err)
	}

	// An owner claims the key and vanishes (crash) before finishing.
	if _, err := store.Claim(context.Background(), idem.Attempt{KeyID: "k-skip", Key: "skip", BodyHash: bodyHash(req), ID: "vanished-owner"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the point: its 50ms lease, a real Redis TTL, runs out

	// A retry reaches an instance whose OpenD link is down: FindByRemark fails.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	downPl := placer.Start(placer.Config{Addr: dead, Hub: tradefanout.NewHub(0), Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(func() { downPl.Close() })
	down := New(Deps{Placer: downPl, Counter: e.counter, Idem: store, Quoter: SnapshotQuoter{P: downPl}, Hub: e.hub,
		HoursTZ: time.UTC, Now: func() time.Time { return *e.now.Load() }, Logger: slog.New(slog.DiscardHandler)})
	_, err := down.PlaceOrder(ctx, req)
	t.Logf("retry while OpenD is down: %v", err)
	state, _ := e.rdb.HGet(context.Background(), recordKeyForTest("k-skip", "skip"), "state").Result()
	t.Logf("record state after it: %q", state)

	// The next retry, OpenD back: it must be refused by max_order_value.
	_, err = up.PlaceOrder(ctx, req)
	n := e.orderCount(t, 1001, 1)
	if errinfo.Reason(err) != gatewayv1.Reason_REASON_MAX_ORDER_VALUE || n != 0 {
		t.Fatalf("retry after recovery: err %v, %d orders placed (max_order_value 500, order worth 10000)", err, n)
	}
}

// TestUnacknowledgedTakeoverKeepsTheRecord: with -redis-min-replicas, a retry of a
// key whose outcome is unknown (OpenD took the order, the answer was lost) takes the
// record over in the claim script, and WAIT is not acknowledged. Freeing what it may
// have claimed must not delete that record: the next retry would claim the key afresh
// and place a second order.
func TestUnacknowledgedTakeoverKeepsTheRecord(t *testing.T) {
	e := newEnv(t)
	lim := &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(5)}
	ctx := withIdem(ctxFor("k-unk", lim), "unk")
	req := limitOrder()
	store := e.srv.d.Idem
	// An attempt claimed the key, OpenD placed its order, the answer was lost.
	res, err := store.Claim(context.Background(), idem.Attempt{KeyID: "k-unk", Key: "unk", BodyHash: bodyHash(req), ID: "first-attempt"})
	if err != nil || res.Claim == nil {
		t.Fatal(res, err)
	}
	n, _ := normalize(req)
	if _, err := e.placer.Place(context.Background(), n.tagged(res.Claim, req).place); err != nil {
		t.Fatal(err)
	}
	if err := store.Unknown(context.Background(), res.Claim, "", 0); err != nil {
		t.Fatal(err)
	}

	// A retry on an instance requiring one replica ack, with the replica not acking.
	repl := New(Deps{Placer: e.placer, Counter: e.counter,
		Idem:   idem.New(e.rdb, idem.Options{MinReplicas: 1, ReplicaTimeout: 20 * time.Millisecond}),
		Quoter: SnapshotQuoter{P: e.placer}, Hub: e.hub, HoursTZ: time.UTC, Now: func() time.Time { return *e.now.Load() },
		Logger: slog.New(slog.DiscardHandler)})
	_, err = repl.PlaceOrder(ctx, req)
	t.Logf("retry with an unacknowledged write: %v", err)
	exists, _ := e.rdb.Exists(context.Background(), recordKeyForTest("k-unk", "unk")).Result()
	t.Logf("idempotency record exists after it: %d", exists)

	// Replication healthy again: the next retry must find the first order.
	_, err = e.srv.PlaceOrder(ctx, req)
	if cnt := e.orderCount(t, 1001, 1); cnt != 1 {
		t.Fatalf("after the retries: err %v, %d orders in the simulator, want 1", err, cnt)
	}
}

// recordKeyForTest mirrors idem's record key (futugw:{keyID}:idem:<sha256(key)[:16]>).
func recordKeyForTest(keyID, idemKey string) string {
	return "futugw:{" + keyID + "}:idem:" + idemHashForTest(idemKey)
}
func idemHashForTest(idemKey string) string {
	sum := sha256.Sum256([]byte(idemKey))
	return hex.EncodeToString(sum[:16])
}
