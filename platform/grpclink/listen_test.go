package grpclink

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit/proctest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func TestUnixPath(t *testing.T) {
	tests := []struct {
		addr, path string
		unix       bool
	}{
		{"127.0.0.1:50053", "", false},
		{":50053", "", false},
		{"unix:/run/futugw/order.sock", "/run/futugw/order.sock", true},
		{"unix:///run/futugw/order.sock", "/run/futugw/order.sock", true},
		{"unix:order.sock", "order.sock", true},
		{"unix:", "", true},
		{"unix-abstract:x", "", false},
	}
	for _, tt := range tests {
		path, unix := UnixPath(tt.addr)
		if path != tt.path || unix != tt.unix {
			t.Errorf("UnixPath(%q) = %q, %v; want %q, %v", tt.addr, path, unix, tt.path, tt.unix)
		}
	}
}

// A gRPC server on a Unix socket answers a client dialling the same address with the
// internal-link options; only owner and group may connect; closing removes the file.
func TestListenUnixServesGRPC(t *testing.T) {
	for _, form := range []string{"unix:", "unix://"} {
		path := filepath.Join(proctest.SocketDir(t), "svc.sock")
		addr := form + path
		ln, err := Listen(addr)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != SocketMode {
			t.Errorf("socket mode %v, want %v", fi.Mode().Perm(), SocketMode)
		}
		srv := grpc.NewServer(ServerOptions()...)
		healthpb.RegisterHealthServer(srv, health.NewServer())
		go func() { _ = srv.Serve(ln) }()
		cc, err := grpc.NewClient(addr, DialOptions()...)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err = healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		cc.Close()
		srv.Stop() // closes the listener
		if err != nil {
			t.Fatalf("%s: health check: %v", addr, err)
		}
		if _, err := os.Lstat(path); !os.IsNotExist(err) {
			t.Errorf("%s: socket file left after close: %v", addr, err)
		}
	}
}

// A socket file left by a process that died is replaced; a live one, or a file that
// is not a socket, is refused and left alone.
func TestListenUnixLeftovers(t *testing.T) {
	dir := proctest.SocketDir(t)

	stale := filepath.Join(dir, "stale.sock")
	old, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	old.(*net.UnixListener).SetUnlinkOnClose(false) // as if the process had died
	old.Close()
	ln, err := Listen("unix:" + stale)
	if err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	defer ln.Close()

	if ln2, err := Listen("unix:" + stale); err == nil || !strings.Contains(err.Error(), "listening") {
		if ln2 != nil {
			ln2.Close()
		}
		t.Fatalf("second listener on a live socket: %v, want an error", err)
	}
	if c, err := net.Dial("unix", stale); err != nil {
		t.Fatalf("the live socket was removed: %v", err)
	} else {
		c.Close()
	}

	file := filepath.Join(dir, "data")
	if err := os.WriteFile(file, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ln3, err := Listen("unix:" + file); err == nil {
		ln3.Close()
		t.Fatal("listened over a regular file")
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep" {
		t.Fatalf("regular file changed: %q, %v", b, err)
	}
	if _, err := Listen("unix:"); err == nil {
		t.Fatal("empty socket path accepted")
	}
}
