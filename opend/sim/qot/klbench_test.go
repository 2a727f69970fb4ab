package qot_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistorykl"
	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"google.golang.org/protobuf/proto"
)

// BenchmarkRequestHistoryKL1000 measures one 1,000-bar Qot_RequestHistoryKL
// answer end to end over loopback: encode the request, the simulator builds
// and encodes the bars, the client decodes them. It reports the p50 and p99
// latency of the calls besides the mean.
func BenchmarkRequestHistoryKL1000(b *testing.B) {
	for _, tc := range []struct {
		name       string
		klType     int32
		begin, end string
	}{
		{"1Min", 1, "2025-02-20", "2025-02-28"}, // minute paths generated per request
		{"Day", 2, "2020-01-01", "2025-02-28"},  // cached day bars
	} {
		b.Run(tc.name, func(b *testing.B) {
			now := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
			// Frequency limits off: the serving path is measured, not OpenD's allowance.
			_, addr := simtest.Start(b, sim.Config{Seed: 1, Now: func() time.Time { return now },
				FreqLimits: freqlimit.Policy{Off: true}})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			req := &qotrequesthistorykl.Request{C2S: &qotrequesthistorykl.C2S{
				RehabType: proto.Int32(1), KlType: proto.Int32(tc.klType),
				Security:  &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")},
				BeginTime: proto.String(tc.begin), EndTime: proto.String(tc.end), MaxAckKLNum: proto.Int32(1000),
			}}
			var lat []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				var resp qotrequesthistorykl.Response
				st, err := c.Call(ctx, protoid.QotRequestHistoryKL, req, &resp)
				if err != nil || !st.OK() {
					b.Fatalf("%v %+v", err, st)
				}
				if n := len(resp.GetS2C().GetKlList()); n != 1000 {
					b.Fatalf("%d bars", n)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}
