package authn

import (
	"context"
	"net"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// fakeAuth implements AuthService.Validate over a fixed key table.
type fakeAuth struct {
	gatewayv1.UnimplementedAuthServiceServer
	keys map[string]*gatewayv1.KeyInfo
	reqs chan *gatewayv1.ValidateRequest
}

func (f *fakeAuth) Validate(_ context.Context, req *gatewayv1.ValidateRequest) (*gatewayv1.KeyInfo, error) {
	select {
	case f.reqs <- req:
	default:
	}
	switch req.GetKey() {
	case testKey(90):
		return nil, status.Error(codes.Unauthenticated, "bare status without reason")
	case testKey(91):
		return nil, errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "redis down")
	}
	ki, ok := f.keys[req.GetKey()]
	if !ok {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown API key")
	}
	return ki, nil
}

func serveAuth(t *testing.T, f *fakeAuth) (addr string, stop func()) {
	t.Helper()
	srv := grpc.NewServer()
	gatewayv1.RegisterAuthServiceServer(srv, f)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			srv.Stop()
			<-done
		}
	}
	t.Cleanup(stop)
	return ln.Addr().String(), stop
}

func TestGRPCValidator(t *testing.T) {
	good, bad := testKey(80), testKey(81)
	f := &fakeAuth{reqs: make(chan *gatewayv1.ValidateRequest, 16), keys: map[string]*gatewayv1.KeyInfo{
		good: {Id: "k80", Scopes: []string{keypolicy.ScopeQotRead}, CreatedAt: "2026-01-01T00:00:00Z",
			ExpiresAt: "2026-01-02T00:00:00Z", ParentId: "p1",
			Limits: &gatewayv1.KeyLimits{AllowedMarkets: []string{"HK"}}},
		bad: {Id: "k81", CreatedAt: "yesterday"},
	}}
	addr, stop := serveAuth(t, f)
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	v := NewGRPCValidator(cc)
	ctx := testCtx(t)

	p, err := v.Validate(ctx, good, CallInfo{Client: "198.51.100.7", Method: "/m"})
	if err != nil {
		t.Fatal(err)
	}
	if p.KeyID != "k80" || p.ParentID != "p1" || !p.Has(keypolicy.ScopeQotRead) || p.TokenHash != HashToken(good) ||
		!p.ExpiresAt.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) || p.CreatedAt.IsZero() ||
		p.Limits.GetAllowedMarkets()[0] != "HK" {
		t.Fatalf("principal = %+v", p)
	}
	if req := <-f.reqs; req.GetClient() != "198.51.100.7" || req.GetMethod() != "/m" {
		t.Fatalf("request = %v", req)
	}

	tests := []struct {
		name   string
		key    string
		code   codes.Code
		reason gatewayv1.Reason
	}{
		{"unknown", testKey(82), codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY},
		{"reasonless unauthenticated", testKey(90), codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY},
		{"auth's own unavailable kept", testKey(91), codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE},
		{"bad record", bad, codes.Internal, gatewayv1.Reason_REASON_INTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Validate(ctx, tt.key, CallInfo{})
			if status.Code(err) != tt.code || errinfo.Reason(err) != tt.reason {
				t.Fatalf("err = %v (reason %q), want %v/%s", err, errinfo.Reason(err), tt.code, tt.reason)
			}
		})
	}

	stop()
	_, err = v.Validate(ctx, good, CallInfo{})
	if status.Code(err) != codes.Unavailable || errinfo.Reason(err) != gatewayv1.Reason_REASON_AUTH_UNAVAILABLE {
		t.Fatalf("with auth down: err = %v, want Unavailable/auth_unavailable", err)
	}
}

// BenchmarkGRPCValidate is an uncached validation: one loopback gRPC round trip to an
// in-memory AuthService (the Redis lookup behind the real one is benchmarked there).
func BenchmarkGRPCValidate(b *testing.B) {
	key := testKey(80)
	f := &fakeAuth{keys: map[string]*gatewayv1.KeyInfo{key: {Id: "k80", CreatedAt: "2026-01-01T00:00:00Z"}}}
	srv := grpc.NewServer()
	gatewayv1.RegisterAuthServiceServer(srv, f)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	defer func() {
		srv.Stop()
		<-done
	}()
	cc, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	defer cc.Close()
	v := NewGRPCValidator(cc)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Validate(ctx, key, CallInfo{}); err != nil {
			b.Fatal(err)
		}
	}
}
