package server

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/loadgen"
	"github.com/futugw/gateway/platform/proctest"
)

// BenchmarkPlacementThroughEdge is the browser's path: POST /api/order to the edge
// binary (grpc-gateway JSON -> gRPC) -> the order service (limits in Redis, audit,
// placement) -> the simulator, alternated in one run with the same order placed by a
// Go OpenD client straight to the simulator. It reports p50/p99 of both and the
// gateway's added latency. The audit entry is queued, as the service runs. The
// order service's key check is the in-process principal of serveGRPC (a cached
// validation costs about 0.15 µs; see docs/benchmarks.md).
//
// With idempotency=key every order carries a fresh Idempotency-Key, as the panel's
// do: two more Redis round trips (the claim before the checks, the result after).
func BenchmarkPlacementThroughEdge(b *testing.B) {
	b.Run("idempotency=none", func(b *testing.B) { benchThroughEdge(b, false) })
	b.Run("idempotency=key", func(b *testing.B) { benchThroughEdge(b, true) })
}

func benchThroughEdge(b *testing.B, idempotent bool) {
	e := newEnvVia(b, false)
	queueAudit(b, e) // as the service runs
	orderAddr := listenGRPC(b, e)
	edge := proctest.Start(b, proctest.Build(b, "../../../edge/cmd/edge"), nil,
		"-http-addr", "127.0.0.1:0", "-order-addr", orderAddr, "-auth-addr", deadAddr(b),
		"-quote-addr", deadAddr(b), "-redis-addr", e.rdb.Options().Addr, "-log-level", "info")
	url := "http://" + edge.Addr("http") + "/api/order"
	edge.DiscardOutput() // one access log line per order: parsing them is not what is measured
	body := []byte(loadgen.RestingOrderJSON)
	client := &http.Client{Timeout: 10 * time.Second}
	n := 0
	post := func() {
		idemKey := ""
		if idempotent {
			n++
			idemKey = "bench-" + strconv.Itoa(n)
		}
		// The order service's key check is the in-process principal of listenGRPC.
		if err := loadgen.PostOrder(client, url, "fk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", idemKey, body); err != nil {
			b.Fatal(err)
		}
	}
	post() // warm the connections

	c := newDirectLister(b, e).c
	ctx := context.Background()
	var direct, gateway []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		err := loadgen.PlaceRestingOrder(ctx, c)
		direct = append(direct, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		post()
		gateway = append(gateway, time.Since(start))
	}
	loadgen.ReportAdded(b, "direct", direct, "edge", gateway)
	b.ReportMetric(float64(loadgen.Percentile(gateway, 50))/float64(loadgen.Percentile(direct, 50)), "ratio-p50")
}

// deadAddr is a loopback address nothing listens on.
func deadAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
