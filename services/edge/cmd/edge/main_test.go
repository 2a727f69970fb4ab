package main

import (
	"net"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBinaryLifecycle runs the real binary: it must come up healthy and ready, serve
// metrics and the placeholder page on its one listener, and exit 0 on SIGTERM.
func TestBinaryLifecycle(t *testing.T) {
	redisAddr := redistest.Start(t)
	proctest.Check(t, proctest.Service{
		Args: []string{"-http-addr", "127.0.0.1:0", "-sdk-addr", "127.0.0.1:0", "-log-level", "debug", "-redis-addr", redisAddr,
			"-auth-addr", healthyUpstream(t), "-quote-addr", healthyUpstream(t), "-order-addr", healthyUpstream(t)},
		Metric:     "futugw_edge_build_info",
		HTTPServer: "http",
		While: func(t *testing.T, p *proctest.Proc, base string) {
			code, ctype, body := proctest.Get(t, base+"/")
			if code != 200 || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, "futugw edge") {
				t.Errorf("GET / = %d %q", code, ctype)
			}
			if code, ctype, _ := proctest.Get(t, base+"/nope"); code != 404 || ctype != "application/json" {
				t.Errorf("GET /nope = %d %q, want a 404 JSON body", code, ctype)
			}
		},
	})
}

// TestGOMAXPROCS: the edge leaves GOMAXPROCS to the runtime (its own GOMAXPROCS
// variable) or -gomaxprocs; with the opt-in -gomaxprocs-scale it runs its Go code on
// one CPU while nearly idle (platform/cpuscale raises it under load).
func TestGOMAXPROCS(t *testing.T) {
	proctest.CheckGOMAXPROCS(t, proctest.Build(t, "."), "http", []string{"-http-addr", "127.0.0.1:0", "-sdk-addr", "127.0.0.1:0",
		"-redis-addr", redistest.Start(t), "-auth-addr", "127.0.0.1:1", "-quote-addr", "127.0.0.1:1", "-order-addr", "127.0.0.1:1"},
		proctest.ProcsCase{Env: []string{"GOMAXPROCS="}, Args: []string{"-gomaxprocs-scale"}, Want: 1},
		proctest.ProcsCase{Env: []string{"GOMAXPROCS=2"}, Want: 2},
		proctest.ProcsCase{Args: []string{"-gomaxprocs", "3"}, Want: 3})
}

// TestFlagErrors covers the exit codes of bad configuration, without starting servers.
func TestFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want int
	}{
		{"help", nil, []string{"-h"}, 0},
		{"unknown flag", nil, []string{"-nope"}, 2},
		{"bad log level", nil, []string{"-log-level", "loud"}, 2},
		{"bad env duration", map[string]string{"SHUTDOWN_TIMEOUT": "ten"}, nil, 2},
		{"wildcard CORS origin", nil, []string{"-cors-origins", "*"}, 2},
		{"CORS origin with path", map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example.com/x"}, nil, 2},
		{"CORS by proxy without origins", map[string]string{"CORS_BY_PROXY": "true"}, nil, 2},
		{"bad CSP connect-src", nil, []string{"-csp-connect-src", "wss://*.example.com"}, 2},
		{"missing password file", nil, []string{"-redis-password-file", "/nonexistent/pw"}, 2},
		{"zero call timeout", nil, []string{"-call-timeout", "0s"}, 2},
		{"zero ping interval", map[string]string{"EDGE_WS_PING_INTERVAL": "0s"}, nil, 2},
		{"zero ws queue", nil, []string{"-ws-queue", "0"}, 2},
		{"zero sockets per key", nil, []string{"-ws-max-sockets-per-key", "0"}, 2},
		{"zero auth failure limit", nil, []string{"-auth-fail-key-per-minute", "0"}, 2},
		{"negative GC heap floor", map[string]string{"GC_HEAP_FLOOR_MIB": "-1"}, nil, 2},
		{"bad env GC heap floor", map[string]string{"GC_HEAP_FLOOR_MIB": "64MiB"}, nil, 2},
		{"missing service key file", nil, []string{"-service-key-file", "/nonexistent/key"}, 2},
		{"negative GOMAXPROCS", nil, []string{"-gomaxprocs", "-1"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if got := runMain(tt.args); got != tt.want {
				t.Errorf("runMain(%v) = %d, want %d", tt.args, got, tt.want)
			}
		})
	}
}

// healthyUpstream serves only grpc.health.v1 (SERVING) on loopback, standing in for
// auth, quote or order so the edge can become ready.
func healthyUpstream(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	healthpb.RegisterHealthServer(srv, health.NewServer())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Stop(); <-done })
	return ln.Addr().String()
}

// TestRedisPassword: against a Redis that requires a password, the edge is ready
// with -redis-password-file and reports Redis's refusal on /readyz without it.
func TestRedisPassword(t *testing.T) {
	addr, file := redistest.StartWithPasswordFile(t)
	proctest.CheckRedisPassword(t, proctest.Service{
		Args: []string{"-http-addr", "127.0.0.1:0", "-sdk-addr", "127.0.0.1:0",
			"-auth-addr", healthyUpstream(t), "-quote-addr", healthyUpstream(t), "-order-addr", healthyUpstream(t)},
		Metric:     "futugw_edge_build_info",
		HTTPServer: "http",
	}, addr, file)
}
