package server

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/futugw/gateway/bench/loadgen"
	"github.com/futugw/gateway/platform/testkit/proctest"
)

// BenchmarkPlacementThroughEdge is the browser's path: POST /api/order to the edge
// binary (grpc-gateway JSON -> gRPC) -> the order service (limits in Redis, audit,
// placement) -> the simulator, alternated in one run with the same order placed by a
// Go OpenD client straight to the simulator. It reports p50/p99 of both and the
// gateway's added latency. The audit entry is queued, as the service runs. The
// order service's key check is the in-process principal of serveGRPC (a cached
// validation costs next to nothing; docs/benchmarks.md).
//
// With idempotency=key every order carries a fresh Idempotency-Key, as the panel's
// do. The same body also goes through hopfloor's bare hops in the same run: HTTP ->
// gRPC (floor-p50/p99) and HTTP -> gRPC -> a one-call Lua script on the same Redis
// (floor-redis-p50/p99), the hops the gateway's order path must make, with nothing in
// them. The host's speed drifts, and only figures taken together compare.
func BenchmarkPlacementThroughEdge(b *testing.B) {
	b.Run("idempotency=none", func(b *testing.B) { benchThroughEdge(b, false) })
	b.Run("idempotency=key", func(b *testing.B) { benchThroughEdge(b, true) })
}

func benchThroughEdge(b *testing.B, idempotent bool) {
	e := newEnvVia(b, false)
	queueAudit(b, e) // as the service runs
	orderAddr := listenGRPC(b, e)
	edge := proctest.Start(b, proctest.Build(b, "../../../edge/cmd/edge"), nil,
		"-http-addr", "127.0.0.1:0", "-sdk-addr", "127.0.0.1:0", "-order-addr", orderAddr, "-auth-addr", deadAddr(b),
		"-quote-addr", deadAddr(b), "-redis-addr", e.rdb.Options().Addr, "-log-level", "info")
	url := "http://" + edge.Addr("http") + "/api/order"
	edge.DiscardOutput() // one access log line per order: parsing them is not what is measured
	floor := startHopFloor(b, e.rdb.Options().Addr)
	floorc := &http.Client{Timeout: 10 * time.Second}
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
		if err := loadgen.PostOrder(client, url, benchKey, idemKey, body); err != nil {
			b.Fatal(err)
		}
	}
	post() // warm the connections

	c := newDirectLister(b, e).c
	ctx := context.Background()
	for _, u := range []string{floor + "/forward", floor + "/forward-redis"} {
		if err := loadgen.PostOrder(floorc, u, benchKey, "", body); err != nil {
			b.Fatal(err)
		}
	}
	var direct, gateway, floorD, floorRedis []time.Duration
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
		start = time.Now()
		if err := loadgen.PostOrder(floorc, floor+"/forward", benchKey, "", body); err != nil {
			b.Fatal(err)
		}
		floorD = append(floorD, time.Since(start))
		start = time.Now()
		if err := loadgen.PostOrder(floorc, floor+"/forward-redis", benchKey, "", body); err != nil {
			b.Fatal(err)
		}
		floorRedis = append(floorRedis, time.Since(start))
	}
	loadgen.ReportAdded(b, "direct", direct, "edge", gateway)
	loadgen.ReportPercentiles(b, "floor", floorD)
	loadgen.ReportPercentiles(b, "floor-redis", floorRedis)
	b.ReportMetric(float64(loadgen.Percentile(gateway, 50))/float64(loadgen.Percentile(direct, 50)), "ratio-p50")
}

// startHopFloor starts hopfloor's bare hops (an HTTP server forwarding each request
// as a gRPC call to a second process, which on /forward-redis first runs a script on
// redisAddr) and returns the HTTP server's base URL.
func startHopFloor(b *testing.B, redisAddr string) string {
	bin := proctest.Build(b, "../../../../bench/cmd/hopfloor")
	grpcAddr := proctest.StartLine(b, bin, "-role", "grpc", "-redis-addr", redisAddr)
	return "http://" + proctest.StartLine(b, bin, "-role", "http", "-upstream", grpcAddr)
}

// benchKey is the bearer the benchmark's requests carry (any well-formed key: the
// order service's check is listenGRPC's in-process principal).
const benchKey = "fk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

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
