package sim

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/protoid"
)

// BenchmarkClientRoundTripSim is one request/response through the OpenD client to the
// simulator over loopback: GetGlobalState (1002), answered by the simulator's handler
// with every required field. Reports p50/p99 of single calls besides ns/op.
func BenchmarkClientRoundTripSim(b *testing.B) {
	addr, _ := simAt(b, "127.0.0.1:0")
	ctx := context.Background()
	c, err := client.Dial(ctx, client.Config{Addr: addr, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := &getglobalstate.Request{C2S: &getglobalstate.C2S{UserID: proto.Uint64(0)}}
	durs := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		var resp getglobalstate.Response
		if err := c.Call(ctx, protoid.GetGlobalState, req, &resp); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	slices.Sort(durs)
	if n := len(durs); n > 0 {
		b.ReportMetric(float64(durs[n/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(durs[min(n-1, n*99/100)].Microseconds()), "p99-µs")
	}
}
