// Command devstack is `make run`: it builds every binary, starts an embedded Redis when
// REDIS_ADDR is unset, then opend-sim, auth, quote, order and edge as separate
// processes with the flags docker-compose.yml uses, prints the panel URL with a ready
// 30-minute session, and stops everything on Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/futugw/gateway/platform/config"
)

func main() {
	fs := flag.NewFlagSet("devstack", flag.ExitOnError)
	bin := fs.String("bin", "bin", "directory for the built binaries")
	state := fs.String("state", ".run", "directory for logs, keys and the trade password of the local stack")
	build := fs.Bool("build", true, "build the binaries before starting")
	portBase := config.Int(fs, "port-base", "DEVSTACK_PORT_BASE", 0, fmt.Sprintf(
		"run the stack on %d consecutive ports from this one instead of the documented ones\n"+
			"(edge, auth, quote, order, the admin ports of auth, quote, order, opend-sim, its admin),\n"+
			"to run a second stack beside make run's; 0 = edge 22222, gRPC 50051-50053, admin 9101-9103,\n"+
			"opend-sim 11111 and 9111", portBaseCount))
	if config.Parse(fs, os.Args[1:]) != nil {
		os.Exit(2) // config.Parse reported it
	}
	ports, err := portsFrom(*portBase)
	if err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, options{BinDir: *bin, StateDir: *state, Build: *build, Ports: ports}); err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(1)
	}
}
