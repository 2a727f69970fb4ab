package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"math"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit/logtest"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// abuseStack is the in-process edge in front of fake auth, quote and order
// services (one loopback gRPC server behind the real authn interceptors), with a
// real Redis.
type abuseStack struct {
	base   string
	key    string // a valid key with every scope
	logs   *logtest.Buffer
	up     *fakeUpstream
	config Config
}

// fakeUpstream knows one key; it counts the key checks that reached it and keeps
// the order requests it was sent.
type fakeUpstream struct {
	gatewayv1.UnimplementedQuoteServiceServer
	gatewayv1.UnimplementedOrderServiceServer

	key        string
	validates  atomic.Int64 // key checks (interceptor and AuthService.Validate)
	subscribes atomic.Int64

	mu     sync.Mutex
	orders []*gatewayv1.PlaceOrderRequest
}

func (f *fakeUpstream) info() *gatewayv1.KeyInfo {
	return &gatewayv1.KeyInfo{Id: "abuse", SessionId: "abuse",
		Scopes:    []string{keypolicy.ScopeQotRead, "acc:read", "trade:simulate", "trade:real"},
		CreatedAt: time.Now().Add(-time.Minute).Format(time.RFC3339Nano),
		ExpiresAt: time.Now().Add(time.Hour).Format(time.RFC3339Nano)}
}

// Validate is the authn.Validator of the interceptors.
func (f *fakeUpstream) Validate(_ context.Context, token string, _ authn.CallInfo) (*authn.Principal, error) {
	f.validates.Add(1)
	if token != f.key {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown API key")
	}
	return authn.PrincipalFromKeyInfo(f.info())
}

// AuthService.Validate, used by the edge's key cache for /ws.
type authValidate struct {
	gatewayv1.UnimplementedAuthServiceServer
	f *fakeUpstream
}

func (f *fakeUpstream) authServer() gatewayv1.AuthServiceServer { return authValidate{f: f} }

func (a authValidate) Validate(ctx context.Context, req *gatewayv1.ValidateRequest) (*gatewayv1.KeyInfo, error) {
	if _, err := a.f.Validate(ctx, req.GetKey(), authn.CallInfo{}); err != nil {
		return nil, err
	}
	return a.f.info(), nil
}

func (a authValidate) WhoAmI(context.Context, *gatewayv1.WhoAmIRequest) (*gatewayv1.KeyInfo, error) {
	return a.f.info(), nil
}

func (f *fakeUpstream) Subscribe(context.Context, *gatewayv1.SubscribeRequest) (*gatewayv1.SubscribeResponse, error) {
	f.subscribes.Add(1)
	return &gatewayv1.SubscribeResponse{}, nil
}

func (f *fakeUpstream) Unsubscribe(context.Context, *gatewayv1.UnsubscribeRequest) (*gatewayv1.UnsubscribeResponse, error) {
	f.subscribes.Add(1)
	return &gatewayv1.UnsubscribeResponse{}, nil
}

// PlaceOrder rejects what the order service rejects before any other check: a
// price or quantity that is not a positive finite number.
func (f *fakeUpstream) PlaceOrder(_ context.Context, req *gatewayv1.PlaceOrderRequest) (*gatewayv1.PlaceOrderResponse, error) {
	f.mu.Lock()
	f.orders = append(f.orders, req)
	f.mu.Unlock()
	for _, v := range []float64{req.GetPrice(), req.GetQty()} {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, errinfo.New(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ORDER, "price and qty must be positive finite numbers")
		}
	}
	return &gatewayv1.PlaceOrderResponse{OrderId: "1"}, nil
}

func (f *fakeUpstream) ordersSeen() []*gatewayv1.PlaceOrderRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*gatewayv1.PlaceOrderRequest(nil), f.orders...)
}

func randomKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "fk_" + base64.RawURLEncoding.EncodeToString(b)
}

// startAbuseStack starts the fakes and the edge; tweak adjusts the edge's Config.
func startAbuseStack(t testing.TB, tweak func(*Config)) *abuseStack {
	t.Helper()
	f := &fakeUpstream{key: randomKey(t)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(authn.UnaryServerInterceptor(f, quiet)))
	gatewayv1.RegisterAuthServiceServer(srv, f.authServer())
	gatewayv1.RegisterQuoteServiceServer(srv, f)
	gatewayv1.RegisterOrderServiceServer(srv, f)
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Stop(); <-served })

	addr := ln.Addr().String()
	cfg := Config{
		AuthAddr: addr, QuoteAddr: addr, OrderAddr: addr,
		Redis:       redisx.Options{Addrs: redistest.Start(t)},
		CORSOrigins: []string{"https://app.example.com"},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	s := &abuseStack{key: f.key, logs: &logtest.Buffer{}, up: f, config: cfg}
	s.base = startEdge(t, cfg, slog.New(slog.NewJSONHandler(s.logs, nil)))
	return s
}

// logLines counts the edge's log lines.
func (s *abuseStack) logLines() int { return strings.Count(s.logs.String(), "\n") }

// assertNoKeyLogged fails if any of the keys (or their bodies) is in the edge log.
func (s *abuseStack) assertNoKeyLogged(t testing.TB, keys ...string) {
	t.Helper()
	logs := s.logs.String()
	for _, k := range keys {
		if strings.Contains(logs, k) || strings.Contains(logs, strings.TrimPrefix(k, "fk_")) {
			t.Fatal("a key leaked into the edge log")
		}
	}
}
