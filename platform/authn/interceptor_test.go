package authn

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// authEcho answers WhoAmI with the principal the interceptor put in the context.
type authEcho struct {
	gatewayv1.UnimplementedAuthServiceServer
	clients chan string
}

func (a *authEcho) WhoAmI(ctx context.Context, _ *gatewayv1.WhoAmIRequest) (*gatewayv1.KeyInfo, error) {
	p, err := FromContext(ctx)
	if err != nil {
		return nil, err
	}
	select {
	case a.clients <- ClientAddr(ctx):
	default:
	}
	return &gatewayv1.KeyInfo{Id: p.KeyID, Scopes: p.Scopes}, nil
}

func (a *authEcho) IssueKey(ctx context.Context, _ *gatewayv1.IssueKeyRequest) (*gatewayv1.IssueKeyResponse, error) {
	if _, err := FromContext(ctx); err != nil {
		return nil, err
	}
	return &gatewayv1.IssueKeyResponse{}, nil
}

func (a *authEcho) Validate(ctx context.Context, _ *gatewayv1.ValidateRequest) (*gatewayv1.KeyInfo, error) {
	if _, err := FromContext(ctx); err == nil {
		return nil, errors.New("public method got a principal")
	}
	return &gatewayv1.KeyInfo{Id: "public"}, nil
}

// quoteStream answers StreamPushes with one push naming the caller's key; for the
// key "hold" it then stays open until the call ends.
type quoteStream struct {
	gatewayv1.UnimplementedQuoteServiceServer
}

func (quoteStream) StreamPushes(s grpc.BidiStreamingServer[gatewayv1.StreamPushesRequest, gatewayv1.QuotePush]) error {
	p, err := FromContext(s.Context())
	if err != nil {
		return err
	}
	if err := s.Send(&gatewayv1.QuotePush{SecKey: p.KeyID}); err != nil || p.KeyID != "hold" {
		return err
	}
	<-s.Context().Done()
	return nil
}

// hiddenDesc is a service absent from MethodRules: it must be refused.
var hiddenDesc = grpc.ServiceDesc{
	ServiceName: "futu.gateway.v1.Hidden",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Do",
		Handler: func(srv any, ctx context.Context, dec func(any) error, in grpc.UnaryServerInterceptor) (any, error) {
			req := new(emptypb.Empty)
			if err := dec(req); err != nil {
				return nil, err
			}
			h := func(ctx context.Context, req any) (any, error) { return new(emptypb.Empty), nil }
			if in == nil {
				return h(ctx, req)
			}
			return in(ctx, req, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/futu.gateway.v1.Hidden/Do"}, h)
		},
	}},
}

type testServer struct {
	fv      *fakeValidator
	echo    *authEcho
	cc      *grpc.ClientConn
	auth    gatewayv1.AuthServiceClient
	quote   gatewayv1.QuoteServiceClient
	health  healthpb.HealthClient
	admin   string // admin key
	qot     string // qot:read key
	svc     string // service key (push streams)
	expired string
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	fv := newFakeValidator()
	ts := &testServer{fv: fv, admin: testKey(100), qot: testKey(101), expired: testKey(102), svc: testKey(103)}
	fv.add(ts.svc, &Principal{KeyID: "svc1", Scopes: []string{keypolicy.ScopeService}})
	fv.add(ts.admin, &Principal{KeyID: "admin1", Scopes: []string{keypolicy.ScopeAdmin}})
	fv.add(ts.qot, &Principal{KeyID: "qot1", Scopes: []string{keypolicy.ScopeQotRead}})
	fv.add(ts.expired, &Principal{KeyID: "expired", ExpiresAt: time.Now().Add(-time.Minute)})

	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(UnaryServerInterceptor(fv, nil)),
		grpc.ChainStreamInterceptor(StreamServerInterceptor(fv, nil)),
	)
	ts.echo = &authEcho{clients: make(chan string, 1)}
	gatewayv1.RegisterAuthServiceServer(srv, ts.echo)
	gatewayv1.RegisterQuoteServiceServer(srv, quoteStream{})
	srv.RegisterService(&hiddenDesc, struct{}{})
	healthpb.RegisterHealthServer(srv, health.NewServer())

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	cc, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cc.Close()
		srv.Stop()
		<-served
	})
	ts.cc = cc
	ts.auth = gatewayv1.NewAuthServiceClient(cc)
	ts.quote = gatewayv1.NewQuoteServiceClient(cc)
	ts.health = healthpb.NewHealthClient(cc)
	return ts
}

func withAuth(ctx context.Context, header string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", header)
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestUnaryInterceptor(t *testing.T) {
	ts := startServer(t)
	ctx := testCtx(t)
	tests := []struct {
		name    string
		header  string // "" = no metadata
		call    func(ctx context.Context) error
		code    codes.Code
		reason  gatewayv1.Reason
		message string // substring
	}{
		{"whoami ok", "Bearer " + ts.qot, ts.whoAmI, codes.OK, gatewayv1.Reason_REASON_UNSPECIFIED, ""},
		{"missing key", "", ts.whoAmI, codes.Unauthenticated, gatewayv1.Reason_REASON_MISSING_KEY, "missing API key"},
		{"malformed header", "Token " + ts.qot, ts.whoAmI, codes.Unauthenticated, gatewayv1.Reason_REASON_MALFORMED_KEY, "malformed"},
		{"malformed key", "Bearer fk_short", ts.whoAmI, codes.Unauthenticated, gatewayv1.Reason_REASON_MALFORMED_KEY, "malformed API key"},
		{"unknown key", "Bearer " + testKey(55), ts.whoAmI, codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown"},
		{"expired key", "Bearer " + ts.expired, ts.whoAmI, codes.Unauthenticated, gatewayv1.Reason_REASON_EXPIRED_KEY, "expired"},
		{"admin ok", "Bearer " + ts.admin, ts.issueKey, codes.OK, gatewayv1.Reason_REASON_UNSPECIFIED, ""},
		{"admin needed", "Bearer " + ts.qot, ts.issueKey, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "this key lacks scope admin required by AuthService.IssueKey"},
		{"scope missing", "Bearer " + ts.admin, ts.subscribe, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "this key lacks scope qot:read required by QuoteService.Subscribe"},
		{"unknown method refused", "Bearer " + ts.admin, ts.hidden, codes.PermissionDenied, gatewayv1.Reason_REASON_METHOD_NOT_ALLOWED, "Hidden.Do"},
		{"unknown method refused without key", "", ts.hidden, codes.PermissionDenied, gatewayv1.Reason_REASON_METHOD_NOT_ALLOWED, ""},
		{"public validate without key", "", ts.validate, codes.OK, gatewayv1.Reason_REASON_UNSPECIFIED, ""},
		{"health public", "", ts.healthCheck, codes.OK, gatewayv1.Reason_REASON_UNSPECIFIED, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ctx
			if tt.header != "" {
				c = withAuth(ctx, tt.header)
			}
			err := tt.call(c)
			st := status.Convert(err)
			if st.Code() != tt.code {
				t.Fatalf("code = %v (%v), want %v", st.Code(), err, tt.code)
			}
			if got := errinfo.Reason(err); got != tt.reason {
				t.Fatalf("reason = %q, want %q", got, tt.reason)
			}
			if !strings.Contains(st.Message(), tt.message) {
				t.Fatalf("message %q lacks %q", st.Message(), tt.message)
			}
			if tt.header != "" && len(tt.header) > 20 && strings.Contains(st.Message(), tt.header[7:]) {
				t.Fatalf("message echoes the key: %q", st.Message())
			}
		})
	}
}

func (ts *testServer) whoAmI(ctx context.Context) error {
	ki, err := ts.auth.WhoAmI(ctx, &gatewayv1.WhoAmIRequest{})
	if err == nil && ki.GetId() == "" {
		return errors.New("WhoAmI without principal")
	}
	return err
}

func (ts *testServer) issueKey(ctx context.Context) error {
	_, err := ts.auth.IssueKey(ctx, &gatewayv1.IssueKeyRequest{})
	return err
}

func (ts *testServer) validate(ctx context.Context) error {
	_, err := ts.auth.Validate(ctx, &gatewayv1.ValidateRequest{})
	return err
}

func (ts *testServer) subscribe(ctx context.Context) error {
	_, err := ts.quote.Subscribe(ctx, &gatewayv1.SubscribeRequest{})
	return err
}

func (ts *testServer) hidden(ctx context.Context) error {
	return ts.cc.Invoke(ctx, "/futu.gateway.v1.Hidden/Do", new(emptypb.Empty), new(emptypb.Empty))
}

func (ts *testServer) healthCheck(ctx context.Context) error {
	_, err := ts.health.Check(ctx, &healthpb.HealthCheckRequest{})
	return err
}

func TestInterceptorPassesCallInfo(t *testing.T) {
	ts := startServer(t)
	ctx := withAuth(testCtx(t), "Bearer "+ts.qot)

	if err := ts.whoAmI(ctx); err != nil {
		t.Fatal(err)
	}
	if got := <-ts.echo.clients; got != "127.0.0.1" {
		t.Fatalf("ClientAddr without X-Forwarded-For = %q, want the peer host", got)
	}
	ci := ts.fv.lastCall()
	if ci.Method != gatewayv1.AuthService_WhoAmI_FullMethodName || ci.Client != "127.0.0.1" {
		t.Fatalf("CallInfo = %+v", ci)
	}

	ctx = metadata.AppendToOutgoingContext(ctx, "x-forwarded-for", "203.0.113.9, 10.0.0.1")
	if err := ts.whoAmI(ctx); err != nil {
		t.Fatal(err)
	}
	if got := <-ts.echo.clients; got != "203.0.113.9" {
		t.Fatalf("ClientAddr = %q, want the first X-Forwarded-For element", got)
	}
	if ci := ts.fv.lastCall(); ci.Client != "203.0.113.9" {
		t.Fatalf("CallInfo.Client = %q", ci.Client)
	}
}

func TestStreamInterceptor(t *testing.T) {
	ts := startServer(t)
	tests := []struct {
		name   string
		header string
		code   codes.Code
		reason gatewayv1.Reason
	}{
		{"ok", "Bearer " + ts.svc, codes.OK, gatewayv1.Reason_REASON_UNSPECIFIED},
		{"missing key", "", codes.Unauthenticated, gatewayv1.Reason_REASON_MISSING_KEY},
		{"user key cannot open the push stream", "Bearer " + ts.qot, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"unknown key", "Bearer " + testKey(77), codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY},
		{"scope missing", "Bearer " + ts.admin, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testCtx(t)
			if tt.header != "" {
				ctx = withAuth(ctx, tt.header)
			}
			st, err := ts.quote.StreamPushes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			push, err := st.Recv()
			if tt.code == codes.OK {
				if err != nil || push.GetSecKey() != "svc1" {
					t.Fatalf("Recv = %v, %v; want the push for svc1", push, err)
				}
				if _, err := st.Recv(); err != io.EOF {
					t.Fatalf("second Recv = %v, want EOF", err)
				}
				return
			}
			if status.Code(err) != tt.code || errinfo.Reason(err) != tt.reason {
				t.Fatalf("Recv err = %v (reason %q), want %v/%s", err, errinfo.Reason(err), tt.code, tt.reason)
			}
		})
	}
}

// TestStreamEndsWhenKeyStopsValidating: an open stream outlives an auth service it
// cannot reach, and ends with the key's refusal once the key stops validating.
func TestStreamEndsWhenKeyStopsValidating(t *testing.T) {
	ts := startServer(t)
	hold := testKey(104)
	ts.fv.add(hold, &Principal{KeyID: "hold", Scopes: []string{keypolicy.ScopeService}})
	st, err := ts.quote.StreamPushes(withAuth(testCtx(t), "Bearer "+hold))
	if err != nil {
		t.Fatal(err)
	}
	if push, err := st.Recv(); err != nil || push.GetSecKey() != "hold" {
		t.Fatalf("Recv = %v, %v", push, err)
	}
	ended := make(chan error, 1)
	go func() {
		_, err := st.Recv()
		ended <- err
	}()

	ts.fv.down.Store(true)
	select {
	case err := <-ended:
		t.Fatalf("the stream ended while the auth service was unreachable: %v", err)
	case <-time.After(3 * streamKeyCheck):
	}
	ts.fv.down.Store(false)
	ts.fv.remove(hold)
	select {
	case err := <-ended:
		if status.Code(err) != codes.Unauthenticated || errinfo.Reason(err) != gatewayv1.Reason_REASON_INVALID_KEY {
			t.Fatalf("stream ended with %v, want Unauthenticated invalid_key", err)
		}
	case <-time.After(10 * streamKeyCheck):
		t.Fatal("the stream of a key that no longer validates is still open")
	}
}

func TestFromContextWithoutPrincipal(t *testing.T) {
	_, err := FromContext(context.Background())
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("err = %v", err)
	}
	p := &Principal{KeyID: "x", Scopes: []string{keypolicy.ScopeAdmin}}
	got, err := FromContext(NewContext(context.Background(), p))
	if err != nil || got != p {
		t.Fatalf("FromContext = %v, %v", got, err)
	}
	if p.Has(keypolicy.ScopeQotRead) || !p.Has(keypolicy.ScopeAdmin) || (*Principal)(nil).Has(keypolicy.ScopeAdmin) {
		t.Fatal("Has: admin must not imply other scopes")
	}
}
