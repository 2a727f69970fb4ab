package main

import (
	"context"
	"strings"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/secret"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// TestRedisPassword: against a Redis that requires a password, quote saves a
// session's subscriptions there with -redis-password-file; without the password it
// still serves quotes (they do not need Redis) and logs Redis's refusal at start.
func TestRedisPassword(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the auth and quote binaries")
	}
	opendAddr := startSim(t)
	redisAddr, file := redistest.StartWithPasswordFile(t)
	authAddr, admin, _ := startAuthOn(t, redisAddr, "-redis-password-file", file)
	args := []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-redis-addr", redisAddr}
	env := []string{"OPEND_ADDR=" + opendAddr, "AUTH_ADDR=" + authAddr}

	t.Run("with password file", func(t *testing.T) {
		proctest.Check(t, proctest.Service{
			Args: append(args[:len(args):len(args)], "-redis-password-file", file), Env: env,
			Metric: "futugw_quote_build_info", GRPC: true,
			While: func(t *testing.T, p *proctest.Proc, _ string) {
				session := subscribe(t, authAddr, admin, p.Addr("grpc"))
				password, err := secret.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				rdb := redis.NewClient(&redis.Options{Addr: redisAddr, Password: password})
				defer rdb.Close()
				if n, err := rdb.Exists(context.Background(), "futugw:quote:subs:{"+session+"}").Result(); n != 1 {
					t.Errorf("the session's subscriptions are not saved in Redis: %d, %v", n, err)
				}
			},
		})
	})
	t.Run("without password", func(t *testing.T) {
		p := proctest.Start(t, proctest.Build(t, "."), env, args...)
		r := p.WaitLog(func(r proctest.Record) bool { return strings.Contains(r.Msg(), "from Redis failed") })
		if !strings.Contains(r.Str("error"), "NOAUTH") {
			t.Errorf("start-up Redis error = %q; want Redis's NOAUTH", r.Str("error"))
		}
		proctest.WaitHTTP(t, "http://"+p.Addr("admin")+"/readyz", 200)
		p.Signal(syscall.SIGTERM)
		if code := p.Wait(); code != 0 {
			t.Fatalf("exit code %d after SIGTERM; output:\n%s", code, p.Output())
		}
	})
}

// subscribe issues a qot:read key and subscribes it to HK.00700 on the quote service
// at quoteAddr; it returns the key's id, which names its session.
func subscribe(t *testing.T, authAddr, admin, quoteAddr string) string {
	t.Helper()
	ac, err := grpc.NewClient(authAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer ac.Close()
	key, err := gatewayv1.NewAuthServiceClient(ac).IssueKey(bearer(admin),
		&gatewayv1.IssueKeyRequest{Id: "pw-reader", Scopes: []string{"qot:read"}, ExpiresIn: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	qc, err := grpc.NewClient(quoteAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer qc.Close()
	req := &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{{Market: 1, Code: "00700"}}, SubTypeList: []int32{1}}
	if _, err := gatewayv1.NewQuoteServiceClient(qc).Subscribe(bearer(key.GetKey()), req); err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	return key.GetInfo().GetId()
}
