package server

import (
	"context"
	"sync"
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
)

// TestQueuedAuditKeepsEveryAttempt runs a burst through the queued audit writer the
// service uses (with a small queue, so some Appends fall back to synchronous): once
// the writer is closed, every attempt is in the stream with its result.
func TestQueuedAuditKeepsEveryAttempt(t *testing.T) {
	e := newEnv(t)
	w := audit.NewWriter(audit.New(e.rdb, 0), 16, nil)
	e.srv.d.Audit = w
	ctx := ctxFor("k-audit", &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(10)})
	const attempts = 300
	var wg sync.WaitGroup
	for range attempts {
		wg.Go(func() { _, _ = e.srv.PlaceOrder(ctx, limitOrder()) })
	}
	wg.Wait()
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	entries, err := audit.New(e.rdb, 0).List(context.Background(), audit.MaxList)
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]int{}
	for _, en := range entries {
		if en.Action != "order_place" || en.KeyID != "k-audit" {
			t.Fatalf("unexpected entry %+v", en)
		}
		results[en.Fields["result"]]++
	}
	if len(entries) != attempts || results["placed"] != 10 || results["refused"] != attempts-10 {
		t.Fatalf("audited %d attempts %v, want %d (10 placed)", len(entries), results, attempts)
	}
	if n := e.orderCount(t, 1001, 1); n != 10 {
		t.Fatalf("simulator has %d orders, want 10", n)
	}
}
