package main

import (
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/futugw/gateway/platform/proctest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBinaryLifecycle runs the real binary: it must come up healthy and ready, serve
// metrics and the placeholder page on its one listener, and exit 0 on SIGTERM.
func TestBinaryLifecycle(t *testing.T) {
	proctest.Check(t, proctest.Service{
		Args:       []string{"-http-addr", "127.0.0.1:0", "-log-level", "debug"},
		Metric:     "futugw_edge_build_info",
		HTTPServer: "http",
		While: func(t *testing.T, p *proctest.Proc, base string) {
			code, ctype, body := proctest.Get(t, base+"/")
			if code != 200 || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, "futugw edge") {
				t.Errorf("GET / = %d %q", code, ctype)
			}
			if code, _, _ := proctest.Get(t, base+"/nope"); code != 404 {
				t.Errorf("GET /nope = %d, want 404", code)
			}
		},
	})
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if got := run(tt.args); got != tt.want {
				t.Errorf("run(%v) = %d, want %d", tt.args, got, tt.want)
			}
		})
	}
}
