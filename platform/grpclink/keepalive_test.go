package grpclink

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit/nettest"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// TestKeepaliveEndsStreamsOfAVanishedPeer: a stream over a link whose peer stops
// answering without closing the connection (a proxy that swallows every byte) fails
// within the keepalive time and timeout; over a healthy link the same quiet stream
// stays open past them (the servers accept the pings).
func TestKeepaliveEndsStreamsOfAVanishedPeer(t *testing.T) {
	keepaliveTime, keepaliveTimeout, minPingInterval = 10*time.Second, time.Second, 5*time.Second // gRPC's floor is 10 s
	addr := serveHealth(t, ServerOptions()...)

	watch := func(frozen bool) (time.Duration, error) {
		px := nettest.StartProxy(t, addr)
		defer px.Close()
		cc, err := grpc.NewClient(px.Addr(), DialOptions()...)
		if err != nil {
			t.Fatal(err)
		}
		defer cc.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 14*time.Second)
		defer cancel()
		st, err := healthpb.NewHealthClient(cc).Watch(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Recv(); err != nil { // the current status
			t.Fatal(err)
		}
		start := time.Now()
		if frozen {
			px.Freeze()
		}
		_, err = st.Recv() // nothing more comes: only the link's end or ctx ends it
		return time.Since(start), err
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		took, err := watch(true)
		if err == nil || took > 13*time.Second {
			t.Errorf("vanished peer: stream ended after %v with %v; want a link error within about 11 s", took, err)
		}
	})
	wg.Go(func() {
		// Open until the test's own deadline (which gRPC reports as DeadlineExceeded
		// or, racing the stream's end, Canceled).
		if took, err := watch(false); took < 13*time.Second {
			t.Errorf("healthy link: stream ended after %v with %v; want it open until the test's deadline", took, err)
		}
	})
	wg.Wait()
}
