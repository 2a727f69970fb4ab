package grpclink

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// TestKeepaliveEndsStreamsOfAVanishedPeer: a stream over a link whose peer stops
// answering without closing the connection (a proxy that swallows every byte) fails
// within the keepalive time and timeout; over a healthy link the same quiet stream
// stays open past them (the servers accept the pings).
func TestKeepaliveEndsStreamsOfAVanishedPeer(t *testing.T) {
	keepaliveTime, keepaliveTimeout, minPingInterval = 10*time.Second, time.Second, 5*time.Second // gRPC's floor is 10 s
	srv := grpc.NewServer(ServerOptions()...)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Stop()

	watch := func(frozen bool) (time.Duration, error) {
		px := newFreezer(t, ln.Addr().String())
		defer px.close()
		cc, err := grpc.NewClient(px.addr(), DialOptions()...)
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
		px.frozen.Store(frozen)
		_, err = st.Recv() // nothing more comes: only the link's end or ctx ends it
		return time.Since(start), err
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		took, err := watch(true)
		if err == nil || ctxEnded(err) || took > 13*time.Second {
			t.Errorf("vanished peer: stream ended after %v with %v; want a link error within about 11 s", took, err)
		}
	})
	wg.Go(func() {
		if took, err := watch(false); !ctxEnded(err) {
			t.Errorf("healthy link: stream ended after %v with %v; want it open until the test's deadline", took, err)
		}
	})
	wg.Wait()
}

// ctxEnded reports whether the stream ended by its own deadline.
func ctxEnded(err error) bool { return status.Code(err) == codes.DeadlineExceeded }

// freezer forwards one connection to target until frozen, then swallows every byte
// both ways and keeps the connections open: a peer gone silent.
type freezer struct {
	ln     net.Listener
	frozen atomic.Bool
	wg     sync.WaitGroup
	conns  sync.Map
}

func newFreezer(t *testing.T, target string) *freezer {
	f := &freezer{}
	f.ln = forwardOne(t, &f.wg, target, func(client, server net.Conn) {
		f.conns.Store(client, true)
		f.conns.Store(server, true)
		var pipes sync.WaitGroup
		pipes.Go(func() { f.pipe(server, client) })
		pipes.Go(func() { f.pipe(client, server) })
		pipes.Wait()
	})
	return f
}

func (f *freezer) addr() string { return f.ln.Addr().String() }

func (f *freezer) close() {
	f.ln.Close()
	f.conns.Range(func(c, _ any) bool { c.(net.Conn).Close(); return true })
	f.wg.Wait()
}

func (f *freezer) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !f.frozen.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
