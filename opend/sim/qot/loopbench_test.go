package qot_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetorderbook"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistorykl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"google.golang.org/protobuf/proto"
)

// BenchmarkLoopbackPulls measures request/answer latency over loopback on one
// connection to the simulator, with the p50 and p99 of the calls: a
// GetGlobalState round trip (the floor: framing, SHA-1, dispatch, a tiny
// answer), a 1,000-bar Qot_RequestHistoryKL of 1-minute bars (minute paths
// generated per request) and a 10-level Qot_GetOrderBook pull. The pulls also
// report their p50 and p99 as multiples of the floor's p50 measured in the
// same run ("x-floor"). Frequency limits are off: this measures the serving
// path, not OpenD's 60-per-30s allowance for K-line history.
//
//	go test ./sim/qot/ -run '^$' -bench BenchmarkLoopbackPulls -count 5
func BenchmarkLoopbackPulls(b *testing.B) {
	now := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	_, addr := simtest.Start(b, sim.Config{Seed: 1, Now: func() time.Time { return now },
		FreqLimits: freqlimit.Policy{Off: true}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	tencent := &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")}
	st, err := c.Call(ctx, protoid.QotSub, &qotsub.Request{C2S: &qotsub.C2S{
		SecurityList: []*qotcommon.Security{tencent}, SubTypeList: []int32{int32(qotcommon.SubType_SubType_OrderBook)},
		IsSubOrUnSub: proto.Bool(true)}}, &qotsub.Response{})
	if err != nil || !st.OK() {
		b.Fatalf("Qot_Sub: %v %+v", err, st)
	}

	var floorP50 time.Duration
	for _, tc := range []struct {
		name  string
		call  func() error
		floor bool
	}{
		{"GetGlobalState", func() error {
			var resp getglobalstate.Response
			return check(c.Call(ctx, protoid.GetGlobalState, &getglobalstate.Request{C2S: &getglobalstate.C2S{
				UserID: proto.Uint64(1)}}, &resp))
		}, true},
		{"HistoryKL1000x1Min", func() error {
			var resp qotrequesthistorykl.Response
			err := check(c.Call(ctx, protoid.QotRequestHistoryKL, &qotrequesthistorykl.Request{C2S: &qotrequesthistorykl.C2S{
				RehabType: proto.Int32(1), KlType: proto.Int32(1), Security: tencent,
				BeginTime: proto.String("2025-02-20"), EndTime: proto.String("2025-02-28"), MaxAckKLNum: proto.Int32(1000),
			}}, &resp))
			if err == nil && len(resp.GetS2C().GetKlList()) != 1000 {
				b.Fatalf("%d bars", len(resp.GetS2C().GetKlList()))
			}
			return err
		}, false},
		{"OrderBook10", func() error {
			var resp qotgetorderbook.Response
			err := check(c.Call(ctx, protoid.QotGetOrderBook, &qotgetorderbook.Request{C2S: &qotgetorderbook.C2S{
				Security: tencent, Num: proto.Int32(10)}}, &resp))
			if err == nil && len(resp.GetS2C().GetOrderBookBidList()) != 10 {
				b.Fatalf("%d bid levels", len(resp.GetS2C().GetOrderBookBidList()))
			}
			return err
		}, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var lat []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				if err := tc.call(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
			b.ReportMetric(float64(p50.Nanoseconds())/1e3, "p50-µs")
			b.ReportMetric(float64(p99.Nanoseconds())/1e3, "p99-µs")
			if tc.floor {
				floorP50 = p50
			} else if floorP50 > 0 {
				b.ReportMetric(float64(p50)/float64(floorP50), "p50-x-floor")
				b.ReportMetric(float64(p99)/float64(floorP50), "p99-x-floor")
			}
		})
	}
}

// check turns a refused answer into an error.
func check(st envelope.Status, err error) error {
	if err != nil {
		return err
	}
	if !st.OK() {
		return fmt.Errorf("refused: %d %s", st.ErrCode, st.RetMsg)
	}
	return nil
}
