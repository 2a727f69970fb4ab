package grpclink

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
	"golang.org/x/net/http2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestNoEstimationPings: 50 calls, one at a time, over a link built with these
// options carry no PING frame either way; with gRPC's defaults they carry dozens
// (the check that the counting proxy sees them).
func TestNoEstimationPings(t *testing.T) {
	if n := pingsOver(t, nil, nil); n < 20 {
		t.Fatalf("default options: %d pings in 50 calls; the proxy does not see them", n)
	}
	if n := pingsOver(t, DialOptions(), ServerOptions()); n != 0 {
		t.Fatalf("internal link options: %d pings in 50 calls, want 0", n)
	}
}

// serveHealth serves the health service with opts on a loopback port until the test
// ends and returns its address.
func serveHealth(t *testing.T, opts ...grpc.ServerOption) string {
	t.Helper()
	srv := grpc.NewServer(opts...)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return ln.Addr().String()
}

// pingsOver serves the health service with sopts, calls it 50 times through a
// frame-counting proxy with dopts (plaintext when nil) and returns the PING frames
// (not acknowledgements) both sides sent.
func pingsOver(t *testing.T, dopts []grpc.DialOption, sopts []grpc.ServerOption) int64 {
	t.Helper()
	px := newPingProxy(t, serveHealth(t, sopts...))
	defer px.close()

	if dopts == nil {
		dopts = []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	}
	cc, err := grpc.NewClient(px.addr(), dopts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	hc := healthpb.NewHealthClient(cc)
	for range 50 {
		if _, err := hc.Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	cc.Close()
	px.close()
	return px.pings.Load()
}

// pingProxy forwards one connection to target and counts the PING frames in both
// directions.
type pingProxy struct {
	ln    net.Listener
	pings atomic.Int64
	wg    sync.WaitGroup
	once  sync.Once
}

func newPingProxy(t *testing.T, target string) *pingProxy {
	p := &pingProxy{}
	p.ln = forwardOne(t, &p.wg, target, func(client, server net.Conn) {
		var pipes sync.WaitGroup
		pipes.Go(func() { p.pipe(server, client, true) })
		pipes.Go(func() { p.pipe(client, server, false) })
		pipes.Wait()
	})
	return p
}

// forwardOne listens on loopback, and on wg runs serve with the first connection
// accepted and a connection dialled to target; the caller closes the listener.
func forwardOne(t *testing.T, wg *sync.WaitGroup, target string, serve func(client, server net.Conn)) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() {
		in, err := ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", target)
		if err != nil {
			in.Close()
			return
		}
		serve(in, out)
	})
	return ln
}

func (p *pingProxy) addr() string { return p.ln.Addr().String() }

func (p *pingProxy) close() {
	p.once.Do(func() { p.ln.Close() })
	p.wg.Wait()
}

// pipe copies src to dst while a framer reads the same bytes; the client's side
// starts with the connection preface, which is not a frame.
func (p *pingProxy) pipe(dst, src net.Conn, fromClient bool) {
	defer dst.Close()
	defer src.Close()
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if fromClient {
			if _, err := io.ReadFull(pr, make([]byte, len(http2.ClientPreface))); err != nil {
				_, _ = io.Copy(io.Discard, pr)
				return
			}
		}
		fr := http2.NewFramer(nil, pr)
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				_, _ = io.Copy(io.Discard, pr)
				return
			}
			if ping, ok := f.(*http2.PingFrame); ok && !ping.IsAck() {
				p.pings.Add(1)
			}
		}
	}()
	_, err := io.Copy(io.MultiWriter(dst, pw), src)
	pw.CloseWithError(errors.Join(err, io.EOF))
	<-done
}
