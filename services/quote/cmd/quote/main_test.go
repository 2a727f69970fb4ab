package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/futugw/gateway/platform/proctest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBinaryLifecycle runs the real binary: it must come up healthy and ready, expose
// metrics and gRPC health, and exit 0 on SIGTERM.
func TestBinaryLifecycle(t *testing.T) {
	proctest.Check(t, proctest.Service{
		Args:   []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-log-level", "debug"},
		Env:    []string{"OPEND_ADDR=127.0.0.1:11111"},
		Metric: "futugw_quote_build_info",
		GRPC:   true,
	})
}
