package main

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/proctest"
	"github.com/futugw/gateway/platform/redistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBinaryLifecycle runs the real binary against a real Redis and an in-process
// simulator: it must come up healthy and ready (OpenD connected, trading unlocked
// from the env password), expose metrics and gRPC health, and exit 0 on SIGTERM.
func TestBinaryLifecycle(t *testing.T) {
	s, err := sim.New(sim.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = s.Serve(ctx, ln) })
	defer func() { cancel(); wg.Wait() }()

	proctest.Check(t, proctest.Service{
		Args: []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-log-level", "debug"},
		Env: []string{"OPEND_ADDR=" + ln.Addr().String(), "REDIS_ADDR=" + redistest.Start(t),
			"AUTH_ADDR=127.0.0.1:1", "ORDER_TRADE_PASSWORD=123456"},
		Metric: "futugw_order_build_info",
		GRPC:   true,
	})
}
