package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// TestForwardingPaths runs the two child roles as the benchmarks do and checks that
// /forward-redis really makes the Redis hop (one script per request) while the other
// paths never touch Redis, and that without -redis-addr the Redis path fails loudly
// instead of measuring two hops as three.
func TestForwardingPaths(t *testing.T) {
	bin := proctest.Build(t, ".")
	redisAddr := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	defer rdb.Close()
	calls := func() int {
		n, err := rdb.Get(context.Background(), CallsKey).Int()
		if err != nil && !errors.Is(err, redis.Nil) {
			t.Fatal(err)
		}
		return n
	}
	post := func(base, path string) int {
		resp, err := http.Post(base+path, "application/json", strings.NewReader(`{"qty":100}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}

	withRedis := "http://" + proctest.StartLine(t, bin, "-role", "http", "-upstream",
		proctest.StartLine(t, bin, "-role", "grpc", "-redis-addr", redisAddr))
	for i := 1; i <= 3; i++ {
		if code := post(withRedis, ForwardRedisPath); code != http.StatusOK {
			t.Fatalf("%s: %d", ForwardRedisPath, code)
		}
		if n := calls(); n != i {
			t.Fatalf("after %d requests the script ran %d times", i, n)
		}
	}
	for _, path := range []string{ForwardPath, "/"} {
		if code := post(withRedis, path); code != http.StatusOK {
			t.Fatalf("%s: %d", path, code)
		}
	}
	if n := calls(); n != 3 {
		t.Fatalf("paths without Redis ran the script: %d calls, want 3", n)
	}

	noRedis := "http://" + proctest.StartLine(t, bin, "-role", "http", "-upstream",
		proctest.StartLine(t, bin, "-role", "grpc"))
	if code := post(noRedis, ForwardRedisPath); code != http.StatusBadGateway {
		t.Fatalf("%s without a Redis: %d, want 502", ForwardRedisPath, code)
	}
	if code := post(noRedis, ForwardPath); code != http.StatusOK {
		t.Fatalf("%s without a Redis: %d", ForwardPath, code)
	}
}

// TestStandaloneRun measures every path briefly, as `make hopfloor` does: without
// -redis-addr it starts a redis-server of its own, so the Redis path is measured too.
func TestStandaloneRun(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("no redis-server on PATH")
	}
	out, err := exec.Command(proctest.Build(t, "."), "-n", "20").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, path := range []string{"gRPC call", "HTTP request", "HTTP -> gRPC ", "HTTP -> gRPC -> Redis"} {
		if !strings.Contains(string(out), path) || !strings.Contains(string(out), "p99") {
			t.Errorf("no %q figures in:\n%s", path, out)
		}
	}
}
