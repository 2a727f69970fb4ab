package client

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"google.golang.org/protobuf/proto"
)

// latencies is an allocation-free histogram with 1 µs buckets up to 20 ms.
type latencies struct {
	buckets [20000]uint32
	n       int
}

func (l *latencies) add(d time.Duration) {
	i := int(d / time.Microsecond)
	if i >= len(l.buckets) {
		i = len(l.buckets) - 1
	}
	l.buckets[i]++
	l.n++
}

// quantile returns the upper bound of the bucket holding quantile q.
func (l *latencies) quantile(q float64) time.Duration {
	target := int(q * float64(l.n))
	seen := 0
	for i, c := range l.buckets {
		seen += int(c)
		if seen > target {
			return time.Duration(i+1) * time.Microsecond
		}
	}
	return time.Duration(len(l.buckets)) * time.Microsecond
}

func benchRoundTrip(b *testing.B, protoID uint32) {
	ts := newTestServer(b, server.Config{Concurrency: 1})
	c := dial(b, Config{Addr: ts.addr})
	req := ka(7 * 242857142) // divisible by 7: the echo handler does not sleep
	var resp keepalive.Response
	ctx := context.Background()
	lat := &latencies{}
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if err := c.Call(ctx, protoID, req, &resp); err != nil {
			b.Fatal(err)
		}
		lat.add(time.Since(start))
	}
	b.ReportMetric(float64(lat.quantile(0.50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat.quantile(0.99).Microseconds()), "p99-µs")
}

// BenchmarkRoundTrip is one KeepAlive request/response through the client
// and the server package over loopback, one call at a time.
func BenchmarkRoundTrip(b *testing.B) { benchRoundTrip(b, protoid.KeepAlive) }

// BenchmarkRoundTripHandler is the same through a registered handler.
func BenchmarkRoundTripHandler(b *testing.B) { benchRoundTrip(b, protoEcho) }

// BenchmarkRoundTripParallel runs many calls in flight on one Conn.
func BenchmarkRoundTripParallel(b *testing.B) {
	ts := newTestServer(b, server.Config{Concurrency: 1})
	c := dial(b, Config{Addr: ts.addr})
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		req := &keepalive.Request{C2S: &keepalive.C2S{Time: proto.Int64(1)}}
		var resp keepalive.Response
		for pb.Next() {
			if err := c.Call(context.Background(), protoid.KeepAlive, req, &resp); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
