package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBinaryLifecycle runs the real binary: it must come up healthy and ready, expose
// metrics and gRPC health, and exit 0 on SIGTERM.
func TestBinaryLifecycle(t *testing.T) {
	proctest.Check(t, proctest.Service{
		Args:   []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-log-level", "debug"},
		Env:    []string{"REDIS_ADDR=" + redistest.Start(t)},
		Metric: "futugw_auth_build_info",
		GRPC:   true,
	})
}

// TestRedisPassword: against a Redis that requires a password, auth is ready with
// -redis-password-file and reports Redis's refusal on /readyz without it.
func TestRedisPassword(t *testing.T) {
	addr, file := redistest.StartWithPasswordFile(t)
	proctest.CheckRedisPassword(t, proctest.Service{
		Args:   []string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"},
		Metric: "futugw_auth_build_info",
		GRPC:   true,
	}, addr, file)
}
