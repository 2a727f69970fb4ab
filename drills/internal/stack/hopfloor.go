package stack

import (
	"path/filepath"
	"testing"

	"github.com/futugw/gateway/platform/testkit/proctest"
)

// StartHopFloor starts the hops of the order path with nothing in them (hopfloor's
// HTTP server forwarding each request as a gRPC call to a second process, which on
// /forward-redis first runs a one-call script on redisAddr) and returns the HTTP
// server's base URL, so a benchmark can measure the floor in the same run as the
// gateway: on a host whose speed drifts, only figures taken together compare.
func StartHopFloor(t testing.TB, redisAddr string) string {
	t.Helper()
	bin := filepath.Join(Build(t), "hopfloor")
	grpcAddr := proctest.StartLine(t, bin, "-role", "grpc", "-redis-addr", redisAddr)
	return "http://" + proctest.StartLine(t, bin, "-role", "http", "-upstream", grpcAddr)
}
