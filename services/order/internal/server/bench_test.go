package server

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/bench/loadgen"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/grpclink"
	"github.com/futugw/gateway/platform/keypolicy"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// BenchmarkPlacement places the same order (100 HK.00700 at 0.01: it rests, costs
// 1 HKD, so the account never runs dry) through the order service over gRPC on
// loopback (limits counted in Redis, audited) and straight to the simulator with a
// Go OpenD client, in one run, and reports p50/p99 of each and the difference. The
// audit entry is written synchronously (audit=sync) or queued to an audit.Writer as
// the service runs (audit=queued). With
// idempotency=key every order carries a fresh Idempotency-Key, as the panel's do.
func BenchmarkPlacement(b *testing.B) {
	b.Run("audit=sync", func(b *testing.B) { benchPlacement(b, false, false) })
	b.Run("audit=queued", func(b *testing.B) { benchPlacement(b, true, false) })
	b.Run("audit=queued,idempotency=key", func(b *testing.B) { benchPlacement(b, true, true) })
}

func benchPlacement(b *testing.B, queued, keyed bool) {
	e := newEnvVia(b, false)
	if queued {
		queueAudit(b, e)
	}
	req := limitOrder()
	req.Price = 0.01

	c := newDirectLister(b, e).c
	client := serveGRPC(b, e)
	ctx := context.Background()
	// Alternate the two paths so both see the same simulator state (its book grows).
	var direct, service []time.Duration
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		err := loadgen.PlaceRestingOrder(ctx, c)
		direct = append(direct, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		cctx := ctx
		if keyed { // a fresh Idempotency-Key per order, as the panel sends
			n++
			cctx = metadata.AppendToOutgoingContext(ctx, IdempotencyHeader, "bench-"+strconv.Itoa(n))
		}
		start = time.Now()
		_, err = client.PlaceOrder(cctx, req)
		service = append(service, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	loadgen.ReportAdded(b, "direct", direct, "service", service)
}

// queueAudit makes e's server queue its audit entries, as the service runs.
func queueAudit(b *testing.B, e *env) {
	w := audit.NewWriter(audit.New(e.rdb, 0), 0, nil)
	b.Cleanup(func() { _ = w.Close(context.Background()) })
	e.srv.d.Audit = w
}

// serveGRPC serves e's OrderService on loopback; every call runs as a key with
// counted limits high enough never to refuse.
func serveGRPC(b *testing.B, e *env) gatewayv1.OrderServiceClient {
	b.Helper()
	cc, err := grpc.NewClient(listenGRPC(b, e), grpclink.DialOptions()...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cc.Close() })
	return gatewayv1.NewOrderServiceClient(cc)
}

// listenGRPC serves e's OrderService on a loopback port and returns its address.
func listenGRPC(b *testing.B, e *env) string {
	b.Helper()
	p := &authn.Principal{KeyID: "bench", Scopes: []string{keypolicy.ScopeTradeSimulate},
		Limits: &gatewayv1.KeyLimits{MaxOrdersPerMinute: i32(1 << 30), MaxDailyValue: f64(1e12)}}
	gs := grpc.NewServer(append(grpclink.ServerOptions(), // as platform/run serves it
		grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			return h(authn.NewContext(ctx, p), req)
		}))...)
	gatewayv1.RegisterOrderServiceServer(gs, e.srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = gs.Serve(ln) }()
	b.Cleanup(gs.Stop)
	return ln.Addr().String()
}
