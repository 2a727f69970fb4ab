package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/simtest"
	"github.com/futugw/gateway/platform/proctest"
	"github.com/futugw/gateway/platform/redistest"
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

// The service runs Go code on one CPU unless told otherwise (-gomaxprocs, or the
// runtime's own GOMAXPROCS variable, which the flag reads); a negative count is refused.
func TestGOMAXPROCS(t *testing.T) {
	bin := proctest.Build(t, ".")
	proctest.CheckGOMAXPROCS(t, bin, "admin", []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-redis-addr", "127.0.0.1:1", "-opend-addr", "127.0.0.1:1", "-auth-addr", "127.0.0.1:1"},
		proctest.ProcsCase{Env: []string{"GOMAXPROCS="}, Want: 1},
		proctest.ProcsCase{Env: []string{"GOMAXPROCS=2"}, Want: 2},
		proctest.ProcsCase{Args: []string{"-gomaxprocs", "3"}, Want: 3})
	p := proctest.Start(t, bin, nil, "-gomaxprocs", "-1")
	if code := p.Wait(); code != 2 {
		t.Fatalf("-gomaxprocs -1: exit %d, want 2", code)
	}
}
