package conformance

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit/logtest"
)

// simTradePassword is given to opend-sim in a file; the flow sends its MD5 in
// Trd_UnlockTrade.
const simTradePassword = "conformance-pwd"

// simStartTimeout is generous: the binary only has to open its listener.
const simStartTimeout = 30 * time.Second

// TestSDKFlowAgainstSimulator starts opend-sim as a process and runs sdkflow.mjs, a
// client built only on the official definitions, through a whole session of quotes
// and orders against it.
func TestSDKFlowAgainstSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts opend-sim; skipped with -short")
	}
	tool := findNodeTool(t)
	bin := buildSim(t)
	addr := freeAddr(t)
	pwFile := filepath.Join(t.TempDir(), "trade-password")
	writeFile(t, pwFile, []byte(simTradePassword+"\n"))
	logs := startSim(t, bin, simArgs(addr, pwFile))
	out, code := tool.runEnv(t, []string{"FUTUGW_TRADE_PASSWORD=" + simTradePassword}, "sdkflow.mjs", addr)
	if code != 0 {
		t.Fatalf("sdkflow.mjs failed (exit %d):\n%s\nopend-sim log:\n%s", code, out, logs.String())
	}
	t.Logf("sdkflow.mjs:\n%s", out)
}

// buildSim compiles opend/cmd/opend-sim into a temporary directory; a build failure
// skips the test (or fails it under FUTUGW_REQUIRE_CONFORMANCE=1).
func buildSim(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		skipOrFail(t, "go is not on PATH to build opend-sim: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "opend-sim")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/opend-sim")
	cmd.Dir = ".." // the opend module
	if out, err := cmd.CombinedOutput(); err != nil {
		skipOrFail(t, "opend-sim does not build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// startSim runs the simulator until the test ends (SIGINT, then kill if it hangs)
// and returns once it accepts TCP connections.
func startSim(t *testing.T, bin string, args []string) *logtest.Buffer {
	t.Helper()
	addr := args[1]
	logs := &logtest.Buffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logs
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start opend-sim: %v", err)
	}
	// The waiter goroutine is owned by the cleanup, which always waits for it.
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(simStartTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	if err := waitListening(addr, exited, &waitErr); err != nil {
		t.Fatalf("opend-sim at %s: %v\nlog:\n%s", addr, err, logs.String())
	}
	return logs
}

// simArgs are opend-sim's flags (opend/cmd/opend-sim/main.go) for a test run: the
// protocol address first, admin HTTP on any free port, fast price steps so market
// orders fill promptly.
func simArgs(addr, passwordFile string) []string {
	return []string{
		"-addr", addr,
		"-admin-addr", "127.0.0.1:0",
		"-trade-password-file", passwordFile,
		"-push-interval", "100ms",
		"-log-level", "info",
	}
}

// waitListening dials addr until it answers, the process exits, or the timeout.
func waitListening(addr string, exited <-chan struct{}, waitErr *error) error {
	deadline := time.Now().Add(simStartTimeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		select {
		case <-exited:
			return fmt.Errorf("exited before listening: %w", errors.Join(*waitErr, err))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not listening after %s: %w", simStartTimeout, err)
		}
	}
}
