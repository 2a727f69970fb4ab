package stack

import (
	"path/filepath"
	"testing"

	"github.com/futugw/gateway/platform/proctest"
)

// StartHopFloor starts the hops of the order path with nothing in them (hopfloor's
// HTTP server forwarding each request as a gRPC call to a second process) and returns
// the URL to POST to, so a benchmark can measure the floor in the same run as the
// gateway: on a host whose speed drifts, only figures taken together compare.
func StartHopFloor(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(Build(t), "hopfloor")
	grpcAddr := proctest.StartLine(t, bin, "-role", "grpc")
	return "http://" + proctest.StartLine(t, bin, "-role", "http", "-upstream", grpcAddr) + "/forward"
}
