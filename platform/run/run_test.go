package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"
	"github.com/futugw/gateway/platform/testkit/proctest"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectpb "google.golang.org/grpc/reflection/grpc_reflection_v1"

	"github.com/futugw/gateway/platform/obs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// logBuf is a goroutine-safe log sink the test can read back as JSON records.
type logBuf struct{ logtest.Buffer }

func (b *logBuf) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// start runs svc in the background; the returned func cancels it and returns Run's
// error.
func start(t *testing.T, svc *Service) (stop func() error) {
	t.Helper()
	if err := svc.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Run did not return")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitHTTP polls until url answers want; the admin server is up once Run logged it,
// but this avoids relying on that.
func waitHTTP(t *testing.T, url string, want int) {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	testkit.EventuallyNil(t, 10*time.Second, fmt.Sprintf("%s to answer %d", url, want), func() error {
		resp, err := c.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
}

func dial(t *testing.T, addr net.Addr) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient(addr.String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

func newTestService(log io.Writer, h *obs.Health) *Service {
	reg := obs.NewRegistry()
	_ = obs.RegisterBuildInfo(reg, "test")
	return New(Options{
		Name:          "test",
		Logger:        obs.NewLogger(log, "debug"),
		Health:        h,
		Metrics:       reg,
		AdminAddr:     "127.0.0.1:0",
		GRPCAddr:      "127.0.0.1:0",
		ReadyInterval: 10 * time.Millisecond,
		GracePeriod:   200 * time.Millisecond,
		DrainTimeout:  5 * time.Second,
		CloseTimeout:  5 * time.Second,
	})
}

func TestServesAdminGRPCHealthAndReflection(t *testing.T) {
	h := obs.NewHealth(time.Second)
	var failing atomic.Bool
	h.Add("dep", func(context.Context) error {
		if failing.Load() {
			return errors.New("dep down")
		}
		return nil
	})
	svc := newTestService(io.Discard, h)
	stop := start(t, svc)
	base := "http://" + svc.AdminAddr().String()

	waitHTTP(t, base+"/healthz", 200)
	if code, body := httpGet(t, base+"/readyz"); code != 200 || !strings.Contains(body, `"status":"ready"`) {
		t.Errorf("readyz = %d %s", code, body)
	}
	if code, body := httpGet(t, base+"/metrics"); code != 200 || !strings.Contains(body, "futugw_test_build_info") {
		t.Errorf("metrics = %d, build info missing", code)
	}
	if code, _ := httpGet(t, base+"/debug/pprof/"); code != 404 {
		t.Errorf("pprof served by default: %d", code)
	}

	cc := dial(t, svc.GRPCAddr())
	hc := healthpb.NewHealthClient(cc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || resp.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health Check = %v, %v", resp, err)
	}

	// Readiness changes reach the gRPC health service.
	w, err := hc.Watch(ctx, &healthpb.HealthCheckRequest{Service: "grpc.health.v1.Health"})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := w.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("watch first = %v, %v", m, err)
	}
	failing.Store(true)
	if m, err := w.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("watch after failure = %v, %v", m, err)
	}
	if code, body := httpGet(t, base+"/readyz"); code != 503 || !strings.Contains(body, "dep down") {
		t.Errorf("readyz = %d %s", code, body)
	}
	failing.Store(false)
	if m, err := w.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("watch after recovery = %v, %v", m, err)
	}

	// Reflection lists the health service.
	rc, err := reflectpb.NewServerReflectionClient(cc).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Send(&reflectpb.ServerReflectionRequest{
		MessageRequest: &reflectpb.ServerReflectionRequest_ListServices{},
	}); err != nil {
		t.Fatal(err)
	}
	rr, err := rc.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range rr.GetListServicesResponse().GetService() {
		names = append(names, s.Name)
	}
	if !slices.Contains(names, "grpc.health.v1.Health") {
		t.Errorf("reflection services = %v", names)
	}
	_ = rc.CloseSend()

	cancel()
	if err := stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
}

// TestShutdownOrder cancels the context the way a signal would and checks the
// documented order: not ready, gRPC stopped (forced after the grace period, since a
// Watch stream never ends by itself), HTTP drained, closers in reverse order.
func TestShutdownOrder(t *testing.T) {
	var logs logBuf
	h := obs.NewHealth(time.Second)
	svc := newTestService(&logs, h)

	var mu sync.Mutex
	var closed []string
	var closerSaw struct {
		shuttingDown, grpcRefused, adminRefused bool
	}
	svc.Defer("first", func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		closed = append(closed, "first")
		closerSaw.shuttingDown = h.ShuttingDown()
		d := net.Dialer{Timeout: time.Second}
		if c, err := d.DialContext(ctx, "tcp", svc.GRPCAddr().String()); err != nil {
			closerSaw.grpcRefused = true
		} else {
			c.Close()
		}
		if c, err := d.DialContext(ctx, "tcp", svc.AdminAddr().String()); err != nil {
			closerSaw.adminRefused = true
		} else {
			c.Close()
		}
		return nil
	})
	svc.Defer("second", func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		closed = append(closed, "second")
		return nil
	})
	stop := start(t, svc)

	cc := dial(t, svc.GRPCAddr())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	w, err := healthpb.NewHealthClient(cc).Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := w.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("watch first = %v, %v", m, err)
	}

	runErr := make(chan error, 1)
	go func() { runErr <- stop() }()

	// The in-flight stream learns it is no longer serving before it is cut.
	if m, err := w.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("watch during shutdown = %v, %v", m, err)
	}
	if _, err := w.Recv(); err == nil {
		t.Fatal("stream still open after shutdown")
	}
	if err := <-runErr; err != nil {
		t.Fatalf("Run = %v", err)
	}

	if want := []string{"second", "first"}; !slices.Equal(closed, want) {
		t.Errorf("closers ran %v, want %v", closed, want)
	}
	if !closerSaw.shuttingDown || !closerSaw.grpcRefused || !closerSaw.adminRefused {
		t.Errorf("closer ran before servers stopped: %+v", closerSaw)
	}

	var steps []string
	var last string
	for _, r := range logs.records(t) {
		last, _ = r["msg"].(string)
		if last == "shutdown step" {
			steps = append(steps, r["step"].(string))
		}
	}
	want := []string{"not_ready", "grpc_graceful_stop", "grpc_force_stop", "http_drain", "stop_group"}
	if !slices.Equal(steps, want) {
		t.Errorf("steps = %v, want %v", steps, want)
	}
	if last != "shutdown complete" {
		t.Errorf("last log = %q", last)
	}
}

func TestSIGTERM(t *testing.T) {
	var logs logBuf
	svc := newTestService(&logs, nil)
	if err := svc.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(context.Background()) }()
	// Run registers for signals before it serves, so once healthz answers the
	// signal is ours and cannot kill the test binary.
	waitHTTP(t, "http://"+svc.AdminAddr().String()+"/healthz", 200)
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run ignored SIGTERM")
	}
	found := false
	for _, r := range logs.records(t) {
		if r["msg"] == "shutdown started" && r["signal"] == "terminated" {
			found = true
		}
	}
	if !found {
		t.Error("no shutdown-by-signal log")
	}
}

func TestPprofOptIn(t *testing.T) {
	svc := New(Options{Name: "p", AdminAddr: "127.0.0.1:0", Pprof: true})
	stop := start(t, svc)
	waitHTTP(t, "http://"+svc.AdminAddr().String()+"/debug/pprof/", 200)
	if code, _ := httpGet(t, "http://"+svc.AdminAddr().String()+"/metrics"); code != 404 {
		t.Errorf("metrics without a registry = %d", code)
	}
	if svc.GRPC() != nil {
		t.Error("gRPC server without an address")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestListenErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	svc := New(Options{Name: "x", AdminAddr: "127.0.0.1:0", GRPCAddr: busy.Addr().String()})
	err = svc.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "grpc listener") {
		t.Fatalf("Run = %v", err)
	}
	if svc.AdminAddr() != nil {
		t.Error("admin listener left open after failure")
	}
	// An empty entry is refused, not taken as every interface.
	svc = New(Options{Name: "x", GRPCAddr: "127.0.0.1:0,"})
	if err := svc.Listen(); err == nil || !strings.Contains(err.Error(), "empty address") {
		t.Fatalf("Listen with an empty entry = %v", err)
	}
	// A later listener failing closes the earlier ones.
	svc = New(Options{Name: "x", GRPCAddr: "127.0.0.1:0," + busy.Addr().String()})
	if err := svc.Listen(); err == nil || svc.GRPCAddr() != nil {
		t.Fatalf("Listen = %v, GRPCAddr = %v; want an error and no listener", err, svc.GRPCAddr())
	}
}

func TestCloserErrorsReturned(t *testing.T) {
	svc := New(Options{Name: "x", AdminAddr: "127.0.0.1:0"})
	svc.Defer("redis", func(context.Context) error { return errors.New("boom") })
	stop := start(t, svc)
	err := stop()
	if err == nil || !strings.Contains(err.Error(), "close redis: boom") {
		t.Fatalf("Run = %v", err)
	}
	if err := svc.Run(context.Background()); err == nil {
		t.Error("second Run accepted")
	}
}

// A service on one host can take its gRPC calls on a Unix socket besides TCP (one
// server, both listeners); shutdown removes the socket file.
func TestGRPCOnUnixSocketAndTCP(t *testing.T) {
	path := filepath.Join(proctest.SocketDir(t), "svc.sock")
	svc := newTestService(io.Discard, nil)
	svc.opts.GRPCAddr = "127.0.0.1:0, unix:" + path
	stop := start(t, svc)
	if got := svc.GRPCAddr(); got.Network() != "tcp" {
		t.Fatalf("GRPCAddr = %s %s, want the first listener (tcp)", got.Network(), got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, target := range []string{svc.GRPCAddr().String(), "unix:" + path} {
		cc, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{})
		cc.Close()
		if err != nil || resp.Status != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("health Check on %s = %v, %v", target, resp, err)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Fatalf("socket file left after shutdown: %v", err)
	}
}
