package gateway

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/testkit"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeAuth records the metadata of the last call and answers from fixed data.
type fakeAuth struct {
	gatewayv1.UnimplementedAuthServiceServer
	mu sync.Mutex
	md metadata.MD
}

func (f *fakeAuth) record(ctx context.Context) error {
	md, _ := metadata.FromIncomingContext(ctx)
	f.mu.Lock()
	f.md = md
	f.mu.Unlock()
	if a := md.Get("authorization"); len(a) == 0 || a[0] != "Bearer good" {
		return errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown key")
	}
	return nil
}

func (f *fakeAuth) lastMD() metadata.MD {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.md
}

func (f *fakeAuth) WhoAmI(ctx context.Context, _ *gatewayv1.WhoAmIRequest) (*gatewayv1.KeyInfo, error) {
	if err := f.record(ctx); err != nil {
		return nil, err
	}
	// Internal metadata a service sends must not reach the browser.
	_ = grpc.SetHeader(ctx, metadata.Pairs("x-internal-node", "order-7"))
	_ = grpc.SetTrailer(ctx, metadata.Pairs("x-internal-cost", "12"))
	return &gatewayv1.KeyInfo{Id: "k1", Scopes: []string{"qot:read"}, CreatedAt: "2026-01-01T00:00:00Z"}, nil
}

func (f *fakeAuth) CreateSession(ctx context.Context, req *gatewayv1.CreateSessionRequest) (*gatewayv1.SessionResponse, error) {
	if err := f.record(ctx); err != nil {
		return nil, err
	}
	return &gatewayv1.SessionResponse{Key: "fk_x", Info: &gatewayv1.KeyInfo{Id: "s1", Scopes: req.GetScopes(), ParentId: "k1"}}, nil
}

// ListKeys never answers: the caller's deadline must end it.
func (f *fakeAuth) ListKeys(ctx context.Context, _ *gatewayv1.ListKeysRequest) (*gatewayv1.ListKeysResponse, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func startFake(t *testing.T) (addr string, f *fakeAuth) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f = &fakeAuth{}
	srv := grpc.NewServer()
	gatewayv1.RegisterAuthServiceServer(srv, f)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Stop(); <-done })
	return ln.Addr().String(), f
}

// deadAddr is a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func newTestGateway(t *testing.T, o Options) (*httptest.Server, *fakeAuth) {
	t.Helper()
	addr, f := startFake(t)
	o.AuthAddr = addr
	o.QuoteAddr = deadAddr(t)
	o.OrderAddr = deadAddr(t)
	g, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g.Handler())
	t.Cleanup(func() { srv.Close(); _ = g.Close() })
	return srv, f
}

type result struct {
	status  int
	body    map[string]any
	header  http.Header
	trailer http.Header
}

func do(t *testing.T, method, url, body string, hdr map[string]string) result {
	t.Helper()
	resp, b := testkit.Send(t, method, url, body, hdr)
	var m map[string]any
	if err := json.Unmarshal([]byte(b), &m); err != nil {
		t.Fatalf("%s %s: body not JSON (%d): %q", method, url, resp.StatusCode, b)
	}
	return result{resp.StatusCode, m, resp.Header, resp.Trailer}
}

func TestGateway(t *testing.T) {
	srv, _ := newTestGateway(t, Options{Timeout: 300 * time.Millisecond, MaxBody: 1024})
	good := map[string]string{"Authorization": "Bearer good", "Content-Type": "application/json"}
	tests := []struct {
		name, method, path, body string
		hdr                      map[string]string
		status                   int
		check                    func(t *testing.T, r result)
	}{
		{name: "whoami proto names and zero fields", method: "GET", path: "/api/auth/whoami", hdr: good, status: 200,
			check: func(t *testing.T, r result) {
				for _, k := range []string{"id", "scopes", "created_at", "expires_at", "parent_id", "long_lived_override"} {
					if _, ok := r.body[k]; !ok {
						t.Errorf("field %s missing from %v", k, r.body)
					}
				}
				if r.header.Get("Cache-Control") != "no-store" {
					t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
				}
				for k, v := range r.header {
					if strings.HasPrefix(k, "Grpc-") {
						t.Errorf("gRPC metadata reached the browser: %s: %v", k, v)
					}
				}
			}},
		{name: "no trailers to a client asking for them", method: "GET", path: "/api/auth/whoami",
			hdr: map[string]string{"Authorization": "Bearer good", "TE": "trailers"}, status: 200,
			check: func(t *testing.T, r result) {
				if len(r.trailer) > 0 {
					t.Errorf("trailers sent: %v", r.trailer)
				}
			}},
		{name: "bad key", method: "GET", path: "/api/auth/whoami", hdr: map[string]string{"Authorization": "Bearer bad"}, status: 401,
			check: func(t *testing.T, r result) {
				if r.body["reason"] != "invalid_key" || !strings.Contains(r.body["error"].(string), "log in again") || r.body["code"] != float64(16) {
					t.Errorf("body %v", r.body)
				}
			}},
		{name: "session body", method: "POST", path: "/api/auth/session", body: `{"scopes":["qot:read"],"expires_in":"10m"}`, hdr: good, status: 200,
			check: func(t *testing.T, r result) {
				info, _ := r.body["info"].(map[string]any)
				if r.body["key"] != "fk_x" || info["parent_id"] != "k1" {
					t.Errorf("body %v", r.body)
				}
			}},
		{name: "empty body", method: "POST", path: "/api/auth/session", hdr: good, status: 200},
		{name: "unknown field", method: "POST", path: "/api/auth/session", body: `{"scopes":[],"bogus":1}`, hdr: good, status: 400,
			check: func(t *testing.T, r result) {
				if r.body["reason"] != "invalid_argument" || !strings.Contains(r.body["message"].(string), "bogus") {
					t.Errorf("body %v", r.body)
				}
			}},
		{name: "lowerCamel JSON names also accepted", method: "POST", path: "/api/auth/session", body: `{"expiresIn":"10m"}`, hdr: good, status: 200},
		{name: "bad json", method: "POST", path: "/api/auth/session", body: `{"scopes":`, hdr: good, status: 400},
		{name: "oversize", method: "POST", path: "/api/auth/session", body: `{"scopes":["` + strings.Repeat("a", 2000) + `"]}`, hdr: good, status: 413,
			check: func(t *testing.T, r result) {
				if r.body["reason"] != "payload_too_large" {
					t.Errorf("body %v", r.body)
				}
			}},
		{name: "unknown route", method: "GET", path: "/api/nope", hdr: good, status: 404,
			check: func(t *testing.T, r result) {
				if r.body["reason"] != "not_found" {
					t.Errorf("body %v", r.body)
				}
			}},
		{name: "wrong method", method: "PUT", path: "/api/auth/whoami", hdr: good, status: 405,
			check: func(t *testing.T, r result) {
				if r.body["reason"] != "method_not_allowed" {
					t.Errorf("body %v", r.body)
				}
			}},
		{name: "upstream never answers", method: "GET", path: "/api/admin/keys", hdr: good, status: 503,
			check: func(t *testing.T, r result) {
				if r.body["reason"] != "timeout" || r.body["code"] != float64(4) {
					t.Errorf("body %v", r.body)
				}
			}},
		// grpc-gateway ignores unknown query parameters; refusing them would need its
		// package-global query parser hook.
		{name: "unknown query parameter ignored", method: "GET", path: "/api/auth/whoami?cachebust=1", hdr: good, status: 200},
		{name: "dead upstream", method: "GET", path: "/api/sub-info", hdr: good, status: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.method, srv.URL+tt.path, tt.body, tt.hdr)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d; body %v", r.status, tt.status, r.body)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestForwardedMetadata(t *testing.T) {
	tests := []struct {
		name  string
		trust bool
		xff   string
	}{
		{name: "untrusted: client XFF dropped", xff: "127.0.0.1"},
		{name: "trusted proxy: XFF kept", trust: true, xff: "203.0.113.7, 127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, f := newTestGateway(t, Options{TrustProxy: tt.trust})
			r := do(t, "GET", srv.URL+"/api/auth/whoami", "", map[string]string{
				"Authorization":          "Bearer good",
				"X-Forwarded-For":        "203.0.113.7",
				"Idempotency-Key":        "idem-1",
				"Grpc-Metadata-Injected": "evil",
				"Cookie":                 "a=b",
			})
			if r.status != 200 {
				t.Fatalf("status %d %v", r.status, r.body)
			}
			md := f.lastMD()
			if got := md.Get("x-forwarded-for"); len(got) != 1 || got[0] != tt.xff {
				t.Errorf("x-forwarded-for %v, want %q", got, tt.xff)
			}
			if got := md.Get("idempotency-key"); len(got) != 1 || got[0] != "idem-1" {
				t.Errorf("idempotency-key %v", got)
			}
			for _, k := range []string{"injected", "grpcgateway-cookie", "cookie"} {
				if v := md.Get(k); len(v) != 0 {
					t.Errorf("metadata %s forwarded: %v", k, v)
				}
			}
		})
	}
}

// An answer declares its length before the handler returns, so the access log can
// send it to the client before writing its line (accesslog's deliver); net/http
// alone would add the length only after the handler, log line included, returned.
func TestAnswersDeclareTheirLength(t *testing.T) {
	addr, _ := startFake(t)
	g, err := New(context.Background(), Options{AuthAddr: addr, QuoteAddr: deadAddr(t), OrderAddr: deadAddr(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	req := httptest.NewRequest("GET", "/api/auth/whoami", nil)
	req.Header.Set("Authorization", "Bearer good")
	rec := httptest.NewRecorder()
	g.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if got, want := rec.Header().Get("Content-Length"), strconv.Itoa(rec.Body.Len()); got != want {
		t.Fatalf("Content-Length %q, want %q", got, want)
	}
}
