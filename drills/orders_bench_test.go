package drills

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/drills/internal/stack"
	opendclient "github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/platform/loadgen"
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
// The order (100 HK.00700 at 0.01) rests and costs 1 HKD, so the account never runs
// dry. With idempotency=key every order carries a fresh Idempotency-Key, as the
// panel's do.
func BenchmarkOrderThroughStack(b *testing.B) {
	s := stack.Start(b, "-order-rate-limit", "100000000")
	s.OrderEnv = strings.Fields(os.Getenv("ORDERBENCH_ORDER_ENV"))
	stack.Stop(b, s.Order)
	s.StartOrder()
	edge := s.StartEdge("")
	edge.Proc.DiscardOutput() // one access log line per order
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
			benchOrders(b, edge.Base+"/api/order", key, direct, idempotent)
		})
	}
}

func benchOrders(b *testing.B, url, key string, direct *opendclient.Conn, idempotent bool) {
	body := []byte(`{"trd_env":"TRD_ENV_SIMULATE","acc_id":"1001","trd_market":"TRD_MARKET_HK","code":"00700",` +
		`"trd_side":"TRD_SIDE_BUY","order_type":"ORDER_TYPE_NORMAL","price":0.01,"qty":100}`)
	httpc := &http.Client{Timeout: 10 * time.Second}
	n := 0
	post := func() {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		if idempotent {
			n++
			req.Header.Set("Idempotency-Key", "stack-bench-"+strconv.Itoa(n))
		}
		resp, err := httpc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("POST /api/order: %d %s", resp.StatusCode, msg)
		}
	}
	place := func() {
		connID, serial := direct.NextPacketID()
		err := direct.Call(context.Background(), 2202, &trdplaceorder.Request{C2S: &trdplaceorder.C2S{
			PacketID: &common.PacketID{ConnID: proto.Uint64(connID), SerialNo: proto.Uint32(serial)},
			Header:   &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(1001), TrdMarket: proto.Int32(1)},
			TrdSide:  proto.Int32(1), OrderType: proto.Int32(1), Code: proto.String("00700"),
			Qty: proto.Float64(100), Price: proto.Float64(0.01),
		}}, &trdplaceorder.Response{})
		if err != nil {
			b.Fatal(err)
		}
	}
	for range 100 { // warm connections and the key's validation cache
		post()
		place()
	}
	var directD, gatewayD []time.Duration
	for b.Loop() {
		start := time.Now()
		place()
		directD = append(directD, time.Since(start))
		start = time.Now()
		post()
		gatewayD = append(gatewayD, time.Since(start))
	}
	loadgen.ReportAdded(b, "direct", directD, "edge", gatewayD)
	b.ReportMetric(float64(loadgen.Percentile(gatewayD, 50))/float64(loadgen.Percentile(directD, 50)), "ratio-p50")
}
