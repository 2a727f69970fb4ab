package stack

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// StartHopFloor starts the hops of the order path with nothing in them (hopfloor's
// HTTP server forwarding each request as a gRPC call to a second process) and returns
// the URL to POST to, so a benchmark can measure the floor in the same run as the
// gateway: on a host whose speed drifts, only figures taken together compare.
func StartHopFloor(t testing.TB) string {
	t.Helper()
	grpcAddr := startHopFloorRole(t, "-role", "grpc")
	return "http://" + startHopFloorRole(t, "-role", "http", "-upstream", grpcAddr) + "/forward"
}

// startHopFloorRole starts hopfloor with args until the test ends and returns the
// address it prints first.
func startHopFloorRole(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(Build(t), "hopfloor"), args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("hopfloor %v printed no address: %v", args, err)
	}
	return strings.TrimSpace(line)
}
