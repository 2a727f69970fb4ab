package main

import (
	"runtime"
	"testing"

	"go.uber.org/goleak"

	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBinaryLifecycle runs the real binary against a real Redis and an in-process
// simulator: it must come up healthy and ready (OpenD connected, trading unlocked
// from the env password), expose metrics and gRPC health, and exit 0 on SIGTERM.
func TestBinaryLifecycle(t *testing.T) {
	_, simAddr := simtest.Start(t, sim.Config{})

	proctest.Check(t, proctest.Service{
		Args: []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-log-level", "debug"},
		Env: []string{"OPEND_ADDR=" + simAddr, "REDIS_ADDR=" + redistest.Start(t),
			"AUTH_ADDR=127.0.0.1:1", "ORDER_TRADE_PASSWORD=123456"},
		Metric: "futugw_order_build_info",
		GRPC:   true,
	})
}

// TestGOMAXPROCS: the service leaves GOMAXPROCS to the runtime: its default (the same
// as this test process's, on the same machine) or the GOMAXPROCS variable.
func TestGOMAXPROCS(t *testing.T) {
	proctest.CheckGOMAXPROCS(t, proctest.Build(t, "."), "admin", []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-redis-addr", "127.0.0.1:1", "-opend-addr", "127.0.0.1:1", "-auth-addr", "127.0.0.1:1"},
		proctest.ProcsCase{Env: []string{"GOMAXPROCS="}, Want: runtime.GOMAXPROCS(0)},
		proctest.ProcsCase{Env: []string{"GOMAXPROCS=2"}, Want: 2})
}

// TestRedisPassword: against a Redis that requires a password, order is ready with
// -redis-password-file and reports Redis's refusal on /readyz without it.
func TestRedisPassword(t *testing.T) {
	_, simAddr := simtest.Start(t, sim.Config{})
	addr, file := redistest.StartWithPasswordFile(t)
	proctest.CheckRedisPassword(t, proctest.Service{
		Args:   []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"},
		Env:    []string{"OPEND_ADDR=" + simAddr, "AUTH_ADDR=127.0.0.1:1", "ORDER_TRADE_PASSWORD=123456"},
		Metric: "futugw_order_build_info",
		GRPC:   true,
	}, addr, file)
}
