// Package redistest starts a real Redis for tests: a redis-server child process on a
// free loopback port, or miniredis when no binary is installed (unless the environment
// demands the real thing, as CI does).
package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/proctest"
)

// RequireEnv, when set to "1", makes a missing redis-server binary a test failure
// instead of a fallback to miniredis.
const RequireEnv = "FUTUGW_REQUIRE_REDIS"

// startTimeout bounds how long a redis-server may take to answer PING.
const startTimeout = 15 * time.Second

// Start runs a fresh Redis for the test and returns its host:port. The server is
// stopped in t.Cleanup.
func Start(t testing.TB) string {
	t.Helper()
	return StartWithPassword(t, "")
}

// Server is a redis-server child process that a test can stop and restart on the same
// port, to exercise reconnection.
type Server struct {
	t    testing.TB
	bin  string
	addr string
	port int
	cmd  *exec.Cmd
	done chan struct{}
	// extra arguments after the defaults; conf, when set, is written to a config
	// file passed first (Sentinel needs a writable config file).
	extra []string
	conf  string
	// cluster makes the server a Cluster node, its bus on another free port.
	cluster bool
	busPort int
	// password, when set, is required of clients (requirepass).
	password string
}

// StartServer is Start for tests that need to restart Redis; it always needs the
// binary and skips the test without it (fails when RequireEnv is set).
func StartServer(t testing.TB) *Server {
	t.Helper()
	return startWith(t, &Server{t: t, bin: requireBinary(t, "this test needs a restartable Redis")})
}

// StartUnix is StartServer listening also on a Unix socket; it returns the server
// and the socket's "unix:PATH" address.
func StartUnix(t testing.TB) (*Server, string) {
	t.Helper()
	path := filepath.Join(proctest.SocketDir(t), "redis.sock")
	bin := requireBinary(t, "this test needs a Redis on a Unix socket")
	return startWith(t, &Server{t: t, bin: bin, extra: []string{"--unixsocket", path, "--unixsocketperm", "700"}}), "unix:" + path
}

// Addr returns the server's host:port; it stays the same across Restart.
func (s *Server) Addr() string { return s.addr }

// Stop kills the server and waits for it to exit.
func (s *Server) Stop() {
	s.t.Helper()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart stops the server if it runs and starts it again on the same port.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	var err error
	if !testkit.Within(startTimeout, func() bool { err = s.launch(); return err == nil }) {
		s.t.Fatalf("redistest: restart on port %d: %v", s.port, err)
	}
}

// startWith launches s on a free port, retrying with new ports.
func startWith(t testing.TB, s *Server) *Server {
	t.Helper()
	// A free port can be taken by someone else between Close and redis binding it;
	// retry a few times with a new port.
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := proctest.FreePort()
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		s.port = port
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if lastErr = s.launch(); lastErr == nil {
			t.Cleanup(s.Stop)
			return s
		}
	}
	t.Fatalf("redistest: cannot start redis-server: %v", lastErr)
	return nil
}

// launch starts redis-server on s.port and waits until it answers PING.
func (s *Server) launch() error {
	dir := s.t.TempDir()
	var args []string
	if s.conf != "" {
		conf := filepath.Join(dir, "redis.conf")
		if err := os.WriteFile(conf, []byte(s.conf), 0o600); err != nil {
			return err
		}
		args = append(args, conf)
	}
	args = append(args,
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", dir,
		"--daemonize", "no",
		"--loglevel", "warning",
	)
	if s.password != "" {
		args = append(args, "--requirepass", s.password)
	}
	if s.cluster {
		bus, err := proctest.FreePort()
		if err != nil {
			return err
		}
		s.busPort = bus
		args = append(args, "--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(bus),
			"--cluster-config-file", filepath.Join(dir, "nodes.conf"), "--cluster-node-timeout", "2000")
	}
	cmd := exec.Command(s.bin, append(args, s.extra...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	var tail []string
	tailDone := make(chan struct{})
	go func() { // owned by this launch: ends when the process closes its output
		defer close(tailDone)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if len(tail) < 20 {
				tail = append(tail, sc.Text())
			}
		}
	}()
	go func() { // owned by this launch: reaps the process
		<-tailDone
		_ = cmd.Wait()
		close(done)
	}()
	if err := waitPing(s.addr, s.password, done); err != nil {
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("%w (output: %q)", err, tail)
	}
	s.cmd, s.done = cmd, done
	return nil
}

// waitPing waits until addr answers PING, and gives up early when exited closes: the
// stop-early condition is part of cond, so testkit.Within still fits.
func waitPing(addr, password string, exited <-chan struct{}) error {
	rdb := redis.NewClient(&redis.Options{Addr: addr, Password: password, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	var err error
	gone := false
	if !testkit.Within(startTimeout, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		if err = rdb.Ping(ctx).Err(); err == nil {
			return true
		}
		select {
		case <-exited:
			gone = true
		default:
		}
		return gone
	}) {
		return fmt.Errorf("redis-server on %s did not answer PING: %w", addr, err)
	}
	if gone {
		return fmt.Errorf("redis-server exited before answering PING on %s", addr)
	}
	return nil
}

// Client returns a client for addr, closed in t.Cleanup.
func Client(t testing.TB, addr string) redis.UniversalClient {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func findBinary() string {
	const std = "/usr/bin/redis-server"
	if fi, err := os.Stat(std); err == nil && !fi.IsDir() {
		return std
	}
	if p, err := exec.LookPath("redis-server"); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	return ""
}
