package drills

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/bench/loadgen"
	"github.com/futugw/gateway/drills/internal/stack"
	opendclient "github.com/futugw/gateway/opend/client"
	"google.golang.org/protobuf/proto"
)

// BenchmarkOrderThroughStack is issue 5's benchmark with every part in its own
// process, as deployed: POST /api/order to the edge binary -> the order binary (key
// validated by the auth binary, then cached; limits counted in Redis; audited) ->
// the opend-sim binary, alternated in one run with the same order placed by a Go
// OpenD client straight to that opend-sim. It reports p50/p99 of both and the
// gateway's added latency. `make bench-stack` runs it; ORDERBENCH_ORDER_ENV
// (space-separated KEY=value) is added to the order service's environment.
//
// The internal links run on Unix sockets, as `make run` runs them; a second edge
// calls the services over TCP instead (tcplink-p50/p99), and the same order body is
// posted through hopfloor's bare hops, HTTP -> gRPC (floor-p50/p99) and HTTP -> gRPC
// -> a one-call script on the stack's Redis (floor-redis-p50/p99), all alternated in
// the same run.
//
// The order (100 HK.00700 at 0.01) rests and costs 1 HKD, so the account never runs
// dry. With idempotency=key every order carries a fresh Idempotency-Key, as the
// panel's do.
func BenchmarkOrderThroughStack(b *testing.B) {
	s := stack.StartUnix(b, "-order-rate-limit", "100000000")
	s.OrderEnv = strings.Fields(os.Getenv("ORDERBENCH_ORDER_ENV"))
	s.Order.Stop()
	s.StartOrder()
	edge := s.StartEdge("")
	edge.Proc.DiscardOutput() // one access log line per order
	tcpEdge := s.StartEdge("", "-auth-addr", s.AuthAddr, "-quote-addr", s.QuoteAddr, "-order-addr", s.OrderAddr)
	tcpEdge.Proc.DiscardOutput()
	floor := stack.StartHopFloor(b, s.RedisAddr)
	direct, err := opendclient.Dial(context.Background(), opendclient.Config{Addr: s.OpenDAddr, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer direct.Close()
	for _, idempotent := range []bool{false, true} {
		name := map[bool]string{false: "idempotency=none", true: "idempotency=key"}[idempotent]
		b.Run(name, func(b *testing.B) {
			// A key per run: its per-minute limit (at most 10,000) counts every order.
			key := s.IssueKeyWithLimits("bench-"+strconv.FormatInt(time.Now().UnixNano(), 36),
				&gatewayv1.KeyLimits{MaxOrdersPerMinute: proto.Int32(10000), MaxDailyValue: proto.Float64(1e9)}, "trade:simulate")
			benchOrders(b, edge.Base+"/api/order", tcpEdge.Base+"/api/order", floor, key, direct, idempotent)
		})
	}
}

func benchOrders(b *testing.B, url, tcpURL, floorBase, key string, direct *opendclient.Conn, idempotent bool) {
	httpc := &http.Client{Timeout: 10 * time.Second}
	body := []byte(loadgen.RestingOrderJSON)
	n := 0
	tcpc := &http.Client{Timeout: 10 * time.Second}
	post := func(c *http.Client, url string) {
		idemKey := ""
		if idempotent {
			n++
			idemKey = "stack-bench-" + strconv.Itoa(n)
		}
		if err := loadgen.PostOrder(c, url, key, idemKey, body); err != nil {
			b.Fatal(err)
		}
	}
	place := func() {
		if err := loadgen.PlaceRestingOrder(context.Background(), direct); err != nil {
			b.Fatal(err)
		}
	}
	floorc := &http.Client{Timeout: 10 * time.Second}
	for range 100 { // warm connections and the key's validation cache
		post(httpc, url)
		post(tcpc, tcpURL)
		post(floorc, floorBase+"/forward")
		post(floorc, floorBase+"/forward-redis")
		place()
	}
	var directD, gatewayD, tcpD, floorD, floorRedisD []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		place()
		directD = append(directD, time.Since(start))
		// The order of the other four rotates, so none always follows the direct one.
		for j := range 4 {
			start = time.Now()
			switch (i + j) % 4 {
			case 0:
				post(httpc, url)
				gatewayD = append(gatewayD, time.Since(start))
			case 1:
				post(tcpc, tcpURL)
				tcpD = append(tcpD, time.Since(start))
			case 2:
				post(floorc, floorBase+"/forward")
				floorD = append(floorD, time.Since(start))
			default:
				post(floorc, floorBase+"/forward-redis")
				floorRedisD = append(floorRedisD, time.Since(start))
			}
		}
	}
	loadgen.ReportAdded(b, "direct", directD, "edge", gatewayD)
	loadgen.ReportPercentiles(b, "tcplink", tcpD)
	loadgen.ReportPercentiles(b, "floor", floorD)
	loadgen.ReportPercentiles(b, "floor-redis", floorRedisD)
	b.ReportMetric(float64(loadgen.Percentile(gatewayD, 50))/float64(loadgen.Percentile(directD, 50)), "ratio-p50")
}
