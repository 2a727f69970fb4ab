package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startSim serves an in-process OpenD simulator until the test ends.
func startSim(t *testing.T) string {
	_, addr := simtest.Start(t, sim.Config{PushInterval: 20 * time.Millisecond})
	return addr
}

// startAuth runs Redis and the real auth binary; it returns auth's gRPC address, Redis's
// address, the bootstrap admin key and the service key.
func startAuth(t *testing.T) (authAddr, redisAddr, admin, service string) {
	t.Helper()
	redisAddr = redistest.Start(t)
	authAddr, admin, service = startAuthOn(t, redisAddr)
	return authAddr, redisAddr, admin, service
}

// startAuthOn runs the real auth binary on the Redis at redisAddr, with the extra
// flags given; it returns auth's gRPC address, the bootstrap admin key and the service
// key.
func startAuthOn(t *testing.T, redisAddr string, extra ...string) (authAddr, admin, service string) {
	t.Helper()
	dir := t.TempDir()
	adminFile, svcFile := filepath.Join(dir, "admin.key"), filepath.Join(dir, "service.key")
	p := proctest.Start(t, proctest.Build(t, "../../../auth/cmd/auth"), nil, append([]string{"-grpc-addr", "127.0.0.1:0",
		"-admin-addr", "127.0.0.1:0", "-redis-addr", redisAddr,
		"-bootstrap-admin-file", adminFile, "-bootstrap-service-file", svcFile, "-log-level", "info"}, extra...)...)
	authAddr = p.Addr("grpc")
	proctest.WaitGRPCServing(t, authAddr, "")
	read := func(f string) string {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, p.Output())
		}
		return strings.TrimSpace(string(b))
	}
	return authAddr, read(adminFile), read(svcFile)
}

func bearer(key string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+key)
}

// TestBinaryLifecycle runs the real binary against the simulator, the real auth
// service and Redis: it must come up ready, serve subscriptions and pushes to an edge
// stream, refuse keys without qot:read, expose metrics and exit 0 on SIGTERM.
func TestBinaryLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the auth and quote binaries")
	}
	opendAddr := startSim(t)
	authAddr, redisAddr, admin, service := startAuth(t)
	proctest.Check(t, proctest.Service{
		Args: []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-log-level", "debug",
			"-min-sub-hold", "200ms"},
		Env:    []string{"OPEND_ADDR=" + opendAddr, "AUTH_ADDR=" + authAddr, "REDIS_ADDR=" + redisAddr},
		Metric: "futugw_quote_build_info",
		GRPC:   true,
		While: func(t *testing.T, p *proctest.Proc, base string) {
			ac, err := grpc.NewClient(authAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			defer ac.Close()
			auth := gatewayv1.NewAuthServiceClient(ac)
			reader, err := auth.IssueKey(bearer(admin), &gatewayv1.IssueKeyRequest{Id: "reader", Scopes: []string{"qot:read"}, ExpiresIn: "1h"})
			if err != nil {
				t.Fatal(err)
			}
			accOnly, err := auth.IssueKey(bearer(admin), &gatewayv1.IssueKeyRequest{Id: "acc", Scopes: []string{"acc:read"}, ExpiresIn: "1h"})
			if err != nil {
				t.Fatal(err)
			}

			qcc, err := grpc.NewClient(p.Addr("grpc"), grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			defer qcc.Close()
			qc := gatewayv1.NewQuoteServiceClient(qcc)
			req := &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{{Market: 1, Code: "00700"}}, SubTypeList: []int32{1}}
			if _, err := qc.Subscribe(context.Background(), req); status.Code(err) != codes.Unauthenticated {
				t.Fatalf("no key: %v", err)
			}
			if _, err := qc.Subscribe(bearer(accOnly.GetKey()), req); status.Code(err) != codes.PermissionDenied {
				t.Fatalf("acc:read key: %v", err)
			}
			if _, err := qc.Subscribe(bearer(reader.GetKey()), req); err != nil {
				t.Fatal(err)
			}

			ctx, cancel := context.WithTimeout(bearer(service), proctest.Timeout)
			defer cancel()
			st, err := qc.StreamPushes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Send(&gatewayv1.StreamPushesRequest{SessionIds: []string{reader.GetInfo().GetId()}}); err != nil {
				t.Fatal(err)
			}
			var subs, quote bool
			for !subs || !quote {
				m, err := st.Recv()
				if err != nil {
					t.Fatalf("stream: %v", err)
				}
				subs = subs || len(m.GetSessionSubs().GetSubscriptions()) == 1
				quote = quote || m.GetSecKey() == "HK.00700"
			}
			// The session's subscriptions are saved in Redis, for a restart.
			rdb := redistest.Client(t, redisAddr)
			if n := rdb.Exists(context.Background(), "futugw:quote:subs:{"+reader.GetInfo().GetId()+"}").Val(); n != 1 {
				t.Errorf("the session's subscriptions are not saved in Redis")
			}
			_, _, body := proctest.Get(t, base+"/metrics")
			for _, m := range []string{"futugw_quote_upstream_subscriptions 1", "futugw_quote_edge_streams 1", "futugw_quote_pushes_received_total{proto=\"3005\"}",
				`futugw_quote_session_writes_total{op="save",result="ok"}`, "futugw_quote_session_saves_pending 0"} {
				if !strings.Contains(body, m) {
					t.Errorf("/metrics lacks %q", m)
				}
			}
		},
	})
}
