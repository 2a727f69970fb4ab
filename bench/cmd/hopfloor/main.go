// Command hopfloor measures what the order path's hops cost on this machine with no
// work in them: a client, an HTTP server process forwarding each request as a gRPC
// call, and a gRPC server process answering it (the standard health check), all on
// loopback, with the options of the gateway's internal links. The gRPC server can
// also run a one-call Lua script on a Redis before answering, the order service's
// third hop: on -redis-addr, else on a redis-server it starts when one is on PATH.
// It prints p50/p90/p99 of a bare gRPC call, a bare HTTP request, an HTTP request
// forwarded over gRPC and one forwarded over gRPC to the script, with the
// forwarder's CPU per request: the floor the order benchmarks in docs/benchmarks.md
// are compared with.
//
//	go run ./bench/cmd/hopfloor -n 8000 [-redis-addr 127.0.0.1:6379]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"

	"github.com/futugw/gateway/bench/loadgen"
)

func main() {
	role := flag.String("role", "", "internal: grpc or http (the child processes)")
	upstream := flag.String("upstream", "", "internal: the gRPC server's address, for -role http")
	redisAddr := flag.String("redis-addr", "", "a Redis for the gRPC server's script (host:port or unix:PATH); empty: a redis-server of its own, if on PATH")
	n := flag.Int("n", 5000, "measured requests per path")
	flag.Parse()
	var err error
	switch *role {
	case "grpc":
		err = serveGRPC(*redisAddr)
	case "http":
		err = serveHTTP(*upstream)
	case "":
		err = measure(*n, *redisAddr)
	default:
		err = fmt.Errorf("unknown -role %q", *role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hopfloor:", err)
		os.Exit(1)
	}
}

// child starts this program with args and returns it with the address it printed.
func child(args ...string) (*exec.Cmd, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(self, args...)
	addr, err := loadgen.StartServer(cmd)
	if err != nil {
		return nil, "", fmt.Errorf("%v: no address: %w", args, err)
	}
	return cmd, addr, nil
}
